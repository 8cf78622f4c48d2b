-- Named load statements run by warehouse/store.py inside the run transaction.
-- Not a migration (no number prefix). Each `-- name: x` starts a statement.
-- Inputs are Arrow tables registered as stg_<table> (and the temp table new_reports).

-- name: ledger_touch
-- Content already known at this path: refresh the sighting; an `unchanged` entry keeps
-- the status and report it had, a reprocessed one takes the new status and report.
-- A file is identified by inbox + path; one seen again is no longer missing.
update file_ledger as f
set
    last_seen_at = s.seen_at,
    missing_since = null,
    size_bytes = coalesce(s.size_bytes, f.size_bytes),
    mtime_ns = coalesce(s.mtime_ns, f.mtime_ns),
    encoding = coalesce(s.encoding, f.encoding),
    format = coalesce(s.format, f.format),
    status = case when s.status = 'unchanged' then f.status else s.status end,
    report_id = case when s.status = 'unchanged' then f.report_id else s.report_id end
from stg_files as s
where
    f.path = s.path
    and f.inbox is not distinct from s.inbox
    and f.is_current
    and f.sha256 is not distinct from s.sha256
    and s.status not in ('missing', 'missing_kept');

-- name: ledger_touch_inbox
-- Every current file of the inbox was seen again as the ledger has it (the common night: new
-- files, nothing changed or gone): one filtered update instead of joining each sighting.
update file_ledger
set last_seen_at = $seen_at, missing_since = null
where inbox = $inbox and is_current;

-- name: ledger_retire
-- Changed content at a known path: the current version stops being current.
update file_ledger as f
set is_current = false
from stg_files as s
where
    f.path = s.path
    and f.inbox is not distinct from s.inbox
    and f.is_current
    and f.sha256 is distinct from s.sha256
    and s.status not in ('missing', 'missing_kept');

-- name: ledger_missing
-- Files gone from their inbox: marked since when; `missing` also retires the current version
-- (its facts leave meeting_facts and reconciliation, its history stays), `missing_kept`
-- (run with --keep-removed) keeps it current.
update file_ledger as f
set
    missing_since = coalesce(f.missing_since, s.seen_at),
    is_current = s.status = 'missing_kept'
from stg_files as s
where
    f.path = s.path
    and f.inbox is not distinct from s.inbox
    and f.is_current
    and s.status in ('missing', 'missing_kept');

-- name: ledger_insert
-- New paths and changed contents become the next version of their path.
-- Version numbers count per path over all inboxes (the key is path + version); a row is
-- identified by inbox + path + version.
insert into file_ledger (
    inbox, path, version, sha256, size_bytes, mtime_ns, encoding, format,
    first_seen_at, last_seen_at, status, report_id, is_current
)
with versions as (
    select path, max(version) as max_version
    from file_ledger
    group by path
)
select
    s.inbox,
    s.path,
    coalesce(v.max_version, 0) + 1 as version,
    s.sha256,
    s.size_bytes,
    s.mtime_ns,
    s.encoding,
    s.format,
    s.seen_at as first_seen_at,
    s.seen_at as last_seen_at,
    s.status,
    s.report_id,
    true as is_current
from stg_files as s
left join versions as v on v.path = s.path
where
    s.status not in ('missing', 'missing_kept')
    and not exists (
        select 1 from file_ledger as f
        where f.path = s.path and f.inbox is not distinct from s.inbox and f.is_current
    );

-- name: new_reports
create or replace temp table new_reports as
select distinct s.report_id
from stg_reports as s
where not exists (select 1 from reports as r where r.report_id = s.report_id);

-- name: insert_reports
insert into reports by name
select s.* from stg_reports as s
where s.report_id in (select report_id from new_reports);

-- name: insert_attendance
insert into attendance by name
select s.* from stg_attendance as s
where s.report_id in (select report_id from new_reports);

-- name: insert_people
insert into people by name
select s.* from stg_people as s
where s.report_id in (select report_id from new_reports);

-- name: insert_agenda_items
insert into agenda_items by name
select s.* from stg_agenda_items as s
where s.report_id in (select report_id from new_reports);

-- name: insert_work_report_items
insert into work_report_items by name
select s.* from stg_work_report_items as s
where s.report_id in (select report_id from new_reports);

-- name: insert_keyword_candidates
insert into keyword_candidates by name
select s.* from stg_keyword_candidates as s
where s.report_id in (select report_id from new_reports);

-- name: duplicate_keyword_candidates
-- keyword_candidates has no primary-key index (schema/011): the (report, term) keys this load
-- inserts more than once, counted over the run's own rows.
select count(*) from (
    select report_id, term from stg_keyword_candidates
    where report_id in (select report_id from new_reports)
    group by report_id, term
    having count(*) > 1
);

-- name: insert_fact_spans
insert into fact_spans by name
select s.* from stg_fact_spans as s
where s.report_id in (select report_id from new_reports);

-- name: insert_quarantine
-- A quarantine record states that this content at this path fails this rule; the first run
-- that found it keeps the record, so re-committing the same rows adds nothing.
insert into quarantine by name
select s.* from stg_quarantine as s
where not exists (
    select 1
    from quarantine as q
    where
        q.file_path is not distinct from s.file_path
        and q.sha256 is not distinct from s.sha256
        and q.rule = s.rule
);

-- name: upsert_run
insert or replace into runs by name
select s.* from stg_runs as s;

-- name: delete_staged
-- Used only by commit_run(reload=True): forget staged reports so they load again.
-- `{table}` is filled from a fixed list of report tables in store.py, never from data.
delete from {table} where report_id in (select report_id from stg_reports);
