-- Marts: read-only views for the dashboard and BI tools, computed from the report tables and
-- the reconciliation tables (no Python at query time). Reposts (meeting_reports.duplicate_of)
-- are counted once. Plain SQL that DuckDB 1.x snapshot readers also run.

-- One row per sitting (meeting, event, scope) with counts: the first original report that
-- states counts speaks for the sitting; disagreeing reports are listed in `conflicts`.
create or replace view mart_attendance_by_meeting as
with counted as (
    select
        mr.meeting_id,
        coalesce(mr.event, 'other') as event,
        mr.event_date,
        mr.report_id,
        a.scope,
        a.required,
        a.present,
        a.absent,
        row_number() over (
            partition by mr.meeting_id, coalesce(mr.event, 'other'), a.scope
            order by mr.duplicate_of is not null, mr.report_id
        ) as pick,
        count(*) over (partition by mr.meeting_id, coalesce(mr.event, 'other'), a.scope) as reports
    from meeting_reports as mr
    inner join attendance as a on a.report_id = mr.report_id
    where a.required is not null and a.present is not null
),

quorum as (
    select
        c.*,
        -- The validation rules' quorum: plenaries need two thirds, committees more than half.
        case
            when c.scope in ('deputies', 'members') then ceil(c.required * 2 / 3.0)::integer
            when c.scope in ('standing_committee_members', 'presidium') then floor(c.required / 2.0)::integer + 1
        end as quorum_needed
    from counted as c
    where c.pick = 1
)

select
    m.meeting_id,
    m.meeting_name,
    m.region,
    m.province,
    m.level,
    m.body,
    m.year,
    q.event,
    q.event_date,
    q.scope,
    q.required,
    q.present,
    q.absent,
    round(q.present / nullif(q.required, 0), 4) as attendance_rate,
    q.quorum_needed,
    q.present - q.quorum_needed as quorum_margin,
    q.present >= q.quorum_needed as quorum_met,
    q.reports,
    q.report_id
from quorum as q
inner join meetings as m on m.meeting_id = q.meeting_id
order by m.year nulls last, m.meeting_id, q.event, q.scope;

-- Attendance over years by top-level region (province, or 全国) and level; sittings of
-- meetings whose year is unknown have no place on a time axis and are left out.
create or replace view mart_attendance_trends as
select
    coalesce(province, region) as region,
    level,
    year,
    count(distinct meeting_id) as meetings,
    count(*) as sittings,
    sum(required) as required,
    sum(present) as present,
    round(sum(present) / nullif(sum(required), 0), 4) as attendance_rate,
    round(avg(attendance_rate), 4) as mean_attendance_rate,
    min(quorum_margin) as min_quorum_margin,
    count(*) filter (where not quorum_met) as sittings_below_quorum
from mart_attendance_by_meeting
where year is not null
group by coalesce(province, region), level, year
order by region, level, year;

-- Who held which role at which meeting (one row per person, role and meeting).
create or replace view mart_people_appearances as
select
    p.name,
    p.role,
    mr.meeting_id,
    m.meeting_name,
    m.region,
    m.level,
    m.body,
    m.year,
    list_sort(list_distinct(list(coalesce(mr.event, 'other')))) as events,
    count(distinct p.report_id) as reports
from people as p
inner join meeting_reports as mr on mr.report_id = p.report_id
inner join meetings as m on m.meeting_id = mr.meeting_id
group by p.name, p.role, mr.meeting_id, m.meeting_name, m.region, m.level, m.body, m.year
order by p.name, p.role, m.year nulls last, mr.meeting_id;

-- How often each person held each role, and where.
create or replace view mart_people_roles as
select
    name,
    role,
    count(*) as meetings,
    sum(reports) as reports,
    list_sort(list_distinct(list(region))) as regions,
    min(year) as first_year,
    max(year) as last_year
from mart_people_appearances
group by name, role
order by meetings desc, name, role;

-- Agenda items per meeting, in order of first mention across its reports.
create or replace view mart_agenda as
select
    m.meeting_id,
    m.meeting_name,
    m.region,
    m.level,
    m.body,
    m.year,
    g.item,
    min(g.ordinal) as ordinal,
    count(distinct g.report_id) as reports
from agenda_items as g
inner join meeting_reports as mr on mr.report_id = g.report_id
inner join meetings as m on m.meeting_id = mr.meeting_id
group by m.meeting_id, m.meeting_name, m.region, m.level, m.body, m.year, g.item
order by m.year nulls last, m.meeting_id, ordinal, g.item;

-- Key tasks of work reports (一是…), from original reports only.
create or replace view mart_key_tasks as
select
    m.meeting_id,
    m.meeting_name,
    m.region,
    m.level,
    m.year,
    w.report_id,
    r.key_tasks as announced_tasks,
    w.ordinal,
    w.text as task
from work_report_items as w
inner join meeting_reports as mr on mr.report_id = w.report_id
inner join meetings as m on m.meeting_id = mr.meeting_id
inner join reports as r on r.report_id = w.report_id
where w.kind = 'key_task' and mr.duplicate_of is null
order by m.year nulls last, m.meeting_id, w.report_id, w.ordinal;

-- jieba keyword trends by year and level; `rank` 1 = in most reports that year and level.
create or replace view mart_keyword_trends as
with counted as (
    select
        coalesce(mr.year, m.year) as year,
        m.level,
        k.term,
        count(distinct mr.meeting_id) as meetings,
        count(*) as reports,
        round(sum(k.weight), 4) as weight
    from keywords as k
    inner join meeting_reports as mr on mr.report_id = k.report_id
    inner join meetings as m on m.meeting_id = mr.meeting_id
    where mr.duplicate_of is null and coalesce(mr.year, m.year) is not null
    group by coalesce(mr.year, m.year), m.level, k.term
)

select
    *,
    row_number() over (partition by year, level order by reports desc, weight desc, term) as rank
from counted
order by year, level, rank;

-- Data quality by rule: quarantine records (per file), cross-report checks and conflicts.
create or replace view mart_quality_by_rule as
select
    'quarantine' as source,
    rule,
    count(*) as violations,
    count(distinct file_path) as files,
    null::bigint as meetings
from quarantine
group by rule
union all
select
    'cross_report' as source,
    rule,
    count(*) as violations,
    null::bigint as files,
    count(distinct meeting_id) as meetings
from meeting_checks
group by rule
union all
select
    'conflict' as source,
    'conflict_' || field as rule,
    count(*) as violations,
    null::bigint as files,
    count(distinct meeting_id) as meetings
from conflicts
group by field
order by source, rule;

-- Data quality by run: each run's figures and the quarantine records it wrote, per rule.
create or replace view mart_quality_by_run as
with per_rule as (
    select run_id, rule, count(*) as violations
    from quarantine
    group by run_id, rule
)

select
    u.run_id,
    u.started_at,
    u.status,
    u.files_seen,
    u.files_new,
    u.files_loaded,
    u.files_quarantined,
    q.rule,
    coalesce(q.violations, 0) as violations
from runs as u
left join per_rule as q on q.run_id = u.run_id
order by u.started_at, u.run_id, q.rule;
