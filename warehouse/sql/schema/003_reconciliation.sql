-- Reconciliation: many reports, one meeting (transforms/reconcile.py decides, store.py writes).
-- report_texts is written before a run's load and never changed (keyed by content); the four
-- meeting tables are replaced as a whole after every load, so they always describe every
-- current report, from this run or earlier ones, and a re-run rewrites the same rows.

create table if not exists report_texts (
    report_id    varchar primary key,
    text         varchar,   -- the decoded text every fact_spans offset indexes into
    fingerprint  uinteger[] -- bottom-64 MinHash sketch of the text's shingles (finds reposts)
);

create table if not exists meetings (
    meeting_id        varchar primary key,   -- stable hash of meeting_key
    meeting_key       varchar not null,      -- region|body|term|session, or report:<id> when incomplete
    region_key        varchar,
    region            varchar,
    province          varchar,
    adcode            varchar,
    level             varchar,
    body              varchar,
    term              integer,
    session           integer,
    meeting_name      varchar,
    year              integer,               -- stated by a report or inferred across reports
    started_on        varchar,
    opened_on         varchar,
    closed_on         varchar,
    events            varchar,               -- comma-separated sittings reported
    reports           integer,
    distinct_reports  integer,               -- reports that are not reposts of another
    conflicts         integer
);

create table if not exists meeting_reports (
    report_id     varchar primary key,
    meeting_id    varchar not null,
    event         varchar,
    event_date    varchar,   -- the report's date with the year inferred when another report states it
    year          integer,
    year_source   varchar,   -- stated | inferred | null
    duplicate_of  varchar,   -- the report this one reposts (null for an original)
    resemblance   double     -- estimated shingle Jaccard similarity to duplicate_of
);

create table if not exists conflicts (
    meeting_id   varchar not null,
    event        varchar not null,
    field        varchar not null,
    report_id_a  varchar not null,
    value_a      varchar,
    start_a      integer,
    end_a        integer,
    snippet_a    varchar,
    report_id_b  varchar not null,
    value_b      varchar,
    start_b      integer,
    end_b        integer,
    snippet_b    varchar
);

create table if not exists meeting_checks (
    rule              varchar not null,   -- session_order | chairs_in_presidium
    meeting_id        varchar not null,
    other_meeting_id  varchar,
    message           varchar,
    observed          varchar              -- JSON text
);
