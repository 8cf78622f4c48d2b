-- Named queries for the Parquet lake (warehouse/lake.py). Not a migration.
-- Each returns one table's rows plus `year`, the hive partition column:
-- report tables take the meeting year of their report; run tables the year of the run.
-- A null year lands in DuckDB's `year=__HIVE_DEFAULT_PARTITION__` folder and reads back as NULL.

-- name: reports
select r.*, r.meeting_year as year
from reports as r;

-- name: attendance
select t.*, r.meeting_year as year
from attendance as t
left join reports as r on r.report_id = t.report_id;

-- name: people
select t.*, r.meeting_year as year
from people as t
left join reports as r on r.report_id = t.report_id;

-- name: agenda_items
select t.*, r.meeting_year as year
from agenda_items as t
left join reports as r on r.report_id = t.report_id;

-- name: work_report_items
select t.*, r.meeting_year as year
from work_report_items as t
left join reports as r on r.report_id = t.report_id;

-- name: keyword_candidates
select t.*, r.meeting_year as year
from keyword_candidates as t
left join reports as r on r.report_id = t.report_id;

-- name: fact_spans
select t.*, r.meeting_year as year
from fact_spans as t
left join reports as r on r.report_id = t.report_id;

-- name: meeting_facts
select m.*, r.meeting_year as year
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
select t.*, r.meeting_year as year
from report_texts as t
left join reports as r on r.report_id = t.report_id;

-- name: fp_reports
-- Partition fingerprints: (year, rows, hash) per partition, compared with the previous version's
-- to tell which partitions changed. Report tables are insert-only and keyed by report_id
-- (warehouse/tables.py), so a partition of any of them changes only when a report of that year
-- arrives (or is reloaded under a new run id): the reports' ids fingerprint all seven, without
-- reading their rows.
select meeting_year as year, count(*) as n, sum(hash(report_id, loaded_run_id)) as h
from reports
group by meeting_year;

-- name: fp_report_texts
select r.meeting_year as year, count(*) as n, sum(hash(t.report_id, r.loaded_run_id)) as h
from report_texts as t
left join reports as r on r.report_id = t.report_id
group by r.meeting_year;

-- name: fp_meeting_facts
-- A meeting_facts row is a current file's report: its facts are fixed by report_id.
select r.meeting_year as year, count(*) as n, sum(hash(f.report_id, f.file_path, r.loaded_run_id)) as h
from current_files as f
inner join reports as r on r.report_id = f.report_id
group by r.meeting_year;

-- name: fp_rows
-- Any other table: every row hashed whole (the placeholder is the table's named query above).
select q.year, count(*) as n, sum(hash(q)) as h
from ({query}) as q
group by q.year;
