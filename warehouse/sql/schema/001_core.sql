-- Core tables (applied once per warehouse, see 000_schema_version.sql; idempotent, so warehouses
-- made before schema_version apply it again harmlessly).
-- Conventions: lowercase, `<object>_id`, `<event>_at` (UTC, naive TIMESTAMP), `is_` booleans.
-- JSON payloads are stored as VARCHAR so that DuckDB 1.x snapshot readers need no extension.

create table if not exists file_ledger (
    path            varchar   not null,
    version         integer   not null,   -- 1, 2, ... a changed file at the same path is a new version
    sha256          varchar,             -- null for files rejected unread (e.g. too large)
    size_bytes      bigint,
    mtime_ns        bigint,
    encoding        varchar,
    format          varchar,
    first_seen_at   timestamp,
    last_seen_at    timestamp,
    status          varchar   not null,   -- loaded | quarantined | unchanged | ...
    report_id       varchar,
    is_current      boolean   not null default true,
    primary key (path, version)
);

create table if not exists reports (
    report_id          varchar primary key,  -- content hash (sha256 prefix)
    file_path          varchar,              -- first path the content was seen at
    sha256             varchar not null,
    is_meeting_report  boolean,
    meeting_name       varchar,
    region             varchar,
    level              varchar,
    body               varchar,
    term               integer,
    session            integer,
    event              varchar,
    meeting_date       varchar,              -- YYYY-MM-DD or MM-DD, as in the gold schema
    meeting_year       integer,
    meeting_time       varchar,              -- HH:MM
    venue              varchar,
    adcode             varchar,
    province           varchar,
    city               varchar,
    county             varchar,
    region_ambiguous   boolean,
    quorum_claimed     boolean,
    attendance_scope   varchar,
    presider           varchar,
    work_report_by     varchar,
    key_tasks          integer,
    title              varchar,
    encoding           varchar,
    format             varchar,
    valid              boolean not null,
    loaded_run_id      varchar
);

create table if not exists attendance (
    report_id  varchar not null,
    scope      varchar,
    required   integer,
    present    integer,
    absent     integer,
    primary key (report_id)
);

create table if not exists people (
    report_id  varchar not null,
    name       varchar not null,
    role       varchar not null,   -- 执行主席 | 主持人 | 政府工作报告人 | a leader's own label
    ordinal    integer not null,   -- text order within (report_id, role), from 1
    primary key (report_id, role, ordinal)
);

create table if not exists agenda_items (
    report_id  varchar not null,
    ordinal    integer not null,
    item       varchar not null,
    primary key (report_id, ordinal)
);

create table if not exists work_report_items (
    report_id  varchar not null,
    kind       varchar not null,   -- part | achievement | key_task | slogan
    ordinal    integer not null,
    text       varchar,
    primary key (report_id, kind, ordinal)
);

create table if not exists keywords (
    report_id  varchar not null,
    term       varchar not null,
    weight     double,
    rank       integer not null,
    primary key (report_id, term)
);

create table if not exists fact_spans (
    report_id     varchar not null,
    field         varchar not null,
    value         varchar,
    start_offset  integer not null,
    end_offset    integer not null,
    snippet       varchar
);

create table if not exists quarantine (
    file_path       varchar,
    report_id       varchar,
    sha256          varchar,
    rule            varchar not null,
    observed        varchar,   -- JSON text
    message         varchar,
    run_id          varchar,
    quarantined_at  timestamp
);

create table if not exists runs (
    run_id             varchar primary key,
    started_at         timestamp,
    finished_at        timestamp,
    status             varchar not null,   -- ok | failed
    inbox              varchar,
    files_seen         integer,
    files_new          integer,
    files_unchanged    integer,
    files_loaded       integer,
    files_quarantined  integer,
    meetings           integer,
    violations         varchar,   -- JSON text: {rule: count}
    error              varchar,
    wall_seconds       double
);
