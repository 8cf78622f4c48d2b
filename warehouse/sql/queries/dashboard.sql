-- Named read-only queries of the dashboard (flows/dashboard.py). Not a migration.
-- `$limit` parameters bound by the caller cap what one HTML page carries.

-- name: totals
select
    (select count(*) from meetings) as meetings,
    (select count(*) from meeting_reports) as reports,
    (select count(*) from meeting_reports where duplicate_of is not null) as reposts,
    (select count(*) from conflicts) as conflicts,
    (select count(*) from meeting_checks) as checks,
    (select count(distinct file_path) from quarantine) as quarantined_files,
    (select count(*) from runs) as runs;

-- name: attendance
select meeting_id, meeting_name, region, level, year, event, event_date, scope, required, present,
       absent, attendance_rate, quorum_needed, quorum_margin, quorum_met
from mart_attendance_by_meeting
order by year desc nulls last, event_date desc nulls last, meeting_id, event
limit $limit;

-- name: trends
-- Pooled over regions: one line per level.
select level, year, round(sum(present) / nullif(sum(required), 0), 4) as attendance_rate,
       sum(meetings) as meetings
from mart_attendance_trends
group by level, year
order by level, year;

-- name: people
select name, role, meetings, reports, regions, first_year, last_year
from mart_people_roles
where role in ('执行主席', '主持人', '政府工作报告人')
order by meetings desc, reports desc, name, role
limit $limit;

-- name: agenda
select item, count(distinct meeting_id) as meetings
from mart_agenda
group by item
order by meetings desc, item
limit $limit;

-- name: key_tasks
select meeting_name, year, ordinal, task, announced_tasks
from mart_key_tasks
order by year desc nulls last, meeting_id, report_id, ordinal
limit $limit;

-- name: keywords
select term, sum(reports) as reports, sum(meetings) as meetings
from mart_keyword_trends
group by term
order by reports desc, term
limit $limit;

-- name: keyword_years
select year, level, list(term order by rank) as terms
from mart_keyword_trends
where rank <= 5
group by year, level
order by year desc, level;

-- name: quality_rules
select source, rule, violations, files, meetings
from mart_quality_by_rule;

-- name: runs
select run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined,
       list(rule order by rule) filter (where rule is not null) as rules,
       sum(violations) as violations
from mart_quality_by_run
group by run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined
order by started_at desc nulls last, run_id
limit $limit;

-- name: meetings
select meeting_id, meeting_name, region, level, body, term, session, year, started_on, opened_on,
       closed_on, events, reports, distinct_reports, conflicts
from meetings
order by year desc nulls last, started_on desc nulls last, meeting_id
limit $limit;

-- name: meeting_reports
select mr.meeting_id, mr.report_id, r.file_path, r.title, mr.event, mr.event_date, mr.year_source,
       mr.duplicate_of, mr.resemblance, r.valid
from meeting_reports as mr
inner join reports as r on r.report_id = mr.report_id
where mr.meeting_id in (select unnest($ids::varchar[]))
order by mr.meeting_id, mr.event, mr.report_id;

-- name: spans
select report_id, field, value, start_offset, end_offset, snippet
from fact_spans
where report_id in (select unnest($ids::varchar[]))
  and field in ('meeting_name', 'date', 'time', 'venue', 'required', 'present', 'absent', 'presider',
                'executive_chairs', 'work_report_by')
order by report_id, start_offset, end_offset, field;

-- name: texts
select report_id, text
from report_texts
where report_id in (select unnest($ids::varchar[]));

-- name: conflicts
select c.meeting_id, m.meeting_name, c.event, c.field, c.report_id_a, c.value_a, c.start_a, c.end_a,
       c.snippet_a, c.report_id_b, c.value_b, c.start_b, c.end_b, c.snippet_b
from conflicts as c
inner join meetings as m on m.meeting_id = c.meeting_id
order by c.meeting_id, c.event, c.field, c.value_a, c.value_b
limit $limit;

-- name: checks
select k.rule, k.meeting_id, m.meeting_name, k.message
from meeting_checks as k
left join meetings as m on m.meeting_id = k.meeting_id
order by k.rule, k.meeting_id
limit $limit;
