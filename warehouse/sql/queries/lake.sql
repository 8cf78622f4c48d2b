-- Named queries for the Parquet lake (warehouse/lake.py). Not a migration.
-- Each returns one table's rows plus `year`, the hive partition column:
-- report tables take the meeting year of their report, or when no year is known for it the
-- year of the run that loaded it (a nightly's undated reports then join the current year's
-- partition, which the night rewrites anyway, instead of one null partition that grows with
-- history and is rewritten whole: a fifth of the bench's 100k reports); run tables the year of
-- the run. A null year (no run row) lands in `year=__HIVE_DEFAULT_PARTITION__`, read back as NULL.
-- After the tables' queries: partition fingerprints (`fp_*`) and the templates that pick a
-- partition's appended rows (`append_*`).

-- name: reports
select r.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from reports as r;

-- name: attendance
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from attendance as t
left join reports as r on r.report_id = t.report_id;

-- name: people
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from people as t
left join reports as r on r.report_id = t.report_id;

-- name: agenda_items
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from agenda_items as t
left join reports as r on r.report_id = t.report_id;

-- name: work_report_items
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from work_report_items as t
left join reports as r on r.report_id = t.report_id;

-- name: keyword_candidates
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from keyword_candidates as t
left join reports as r on r.report_id = t.report_id;

-- name: fact_spans
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from fact_spans as t
left join reports as r on r.report_id = t.report_id;

-- name: meeting_facts
select m.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from meeting_facts as m
left join reports as r on r.report_id = m.report_id;

-- name: quarantine
select q.*, year(q.quarantined_at)::integer as year
from quarantine as q;

-- name: runs
select u.*, year(u.started_at)::integer as year
from runs as u;

-- name: file_ledger
select f.*, year(f.first_seen_at)::integer as year
from file_ledger as f;

-- name: meetings
-- Reconciliation tables are partitioned by the meeting's year (stated or inferred across reports).
select m.*
from meetings as m;

-- name: meeting_reports
select t.*
from meeting_reports as t;

-- name: conflicts
select c.*, m.year as year
from conflicts as c
left join meetings as m on m.meeting_id = c.meeting_id;

-- name: meeting_checks
select k.*, m.year as year
from meeting_checks as k
left join meetings as m on m.meeting_id = k.meeting_id;

-- name: report_texts
-- `fingerprint` as schema 012 hashes it (this comment is part of the table's signature: the
-- lake rewrites report_texts once after that migration).
select t.*, coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
from report_texts as t
left join reports as r on r.report_id = t.report_id;

-- name: fp_reports
-- Partition fingerprints: (year, rows, hash) per partition, compared with the previous version's
-- to tell which partitions changed. Report tables are insert-only and keyed by report_id
-- (warehouse/tables.py), so a partition of any of them changes only when a report of that year
-- arrives (or is reloaded under a new run id): the reports' ids fingerprint all seven, without
-- reading their rows.
select coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year, count(*) as n, sum(hash(r.report_id, r.loaded_run_id)) as h
from reports as r
group by 1;

-- name: fp_report_texts
select coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year, count(*) as n, sum(hash(t.report_id, r.loaded_run_id)) as h
from report_texts as t
left join reports as r on r.report_id = t.report_id
group by 1;

-- name: fp_meeting_facts
-- A meeting_facts row is a current file's report: its facts are fixed by report_id.
select coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year, count(*) as n, sum(hash(f.report_id, f.file_path, r.loaded_run_id)) as h
from current_files as f
inner join reports as r on r.report_id = f.report_id
group by 1;

-- name: fp_rows
-- Any other table: every row hashed whole (the placeholder is the table's named query above).
select q.year, count(*) as n, sum(hash(q)) as h
from ({query}) as q
group by q.year;

-- name: fp_partition_new_reports
-- Reports of some partitions ({where} on the partition year, as the exports compute it) that are
-- not in those partitions' previous files ($1: the previous version's `reports` files of them),
-- with their partition year and each one's fingerprint term. (A report found in another
-- partition's old files is not counted as gained: its partition's sums then differ and it is
-- written whole — never a wrong append.)
select year, report_id, hash(report_id, loaded_run_id) as h
from (select r.report_id, r.loaded_run_id,
             coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
      from reports as r) as r
where ({where})
  and report_id not in (select report_id from read_parquet($1));

-- name: fp_meeting_facts_gained
-- The same for meeting_facts, whose rows are (report, current file): the rows of the partitions
-- not in their previous files, with each one's term as fp_meeting_facts sums it — a current
-- file of a new report, and a new file of a report already known (a repost).
select f.year, f.report_id, f.file_path, f.h
from (select f.report_id, f.file_path, hash(f.report_id, f.file_path, r.loaded_run_id) as h,
             coalesce(r.meeting_year, (select year(u.started_at)::integer from runs as u where u.run_id = r.loaded_run_id)) as year
      from current_files as f
      inner join reports as r on r.report_id = f.report_id) as f
where ({where})
  and not exists (select 1 from read_parquet($1) as o where o.report_id = f.report_id and o.file_path = f.file_path);

-- name: append_rows
-- The rows of the gained reports (lake_append_ids) of one table: the table's named query above,
-- read through a CTE of the table's own name (shadowing it) that holds only those reports'
-- rows, picked by rowid (the placeholders are filled by warehouse/lake.py _append). A scan
-- filtered on rowid reads only the row groups that hold them, where a join on report_id decodes
-- every row's columns first (report_texts at 100,000 reports: 0.78 s to pick a night's 985 texts
-- that way, 0.05 s by rowid).
with {table} as (
    select * from {stored}
    where rowid in (select rowid from {stored} semi join lake_append_ids using (report_id))
)
select t.* from ({query}) as t semi join lake_append_ids as a on a.report_id = t.report_id

-- name: append_view_rows
-- The same for a view (meeting_facts): its definition, read back from the database, evaluated
-- over CTEs that shadow the report-keyed relations it reads with only the gained reports' rows
-- (every join of meeting_facts is on report_id, so it yields exactly their rows). Evaluated whole
-- and then filtered, the view aggregates every report's chairs and agenda first (0.6 s of a
-- night's export at 100,000 reports).
with {shadows}, {table} as ({view})
select t.* from ({query}) as t semi join lake_append_ids using ({key})
