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
