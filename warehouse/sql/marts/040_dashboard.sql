-- Marts behind the dashboard's filters (dashboards/) and the BI project (dashboards/bi/).
-- Every row carries the five filter dimensions — year, level, province, body, event — with
-- unknowns spelled out (year -1, '未知', 'unknown', 'other'), never NULL, so that a filter
-- value and a GROUP BY key mean the same thing. The *_cube views are additive: summing their rows over
-- any choice of filter values gives the exact figure for that choice, and their size depends
-- on how many distinct dimension values exist, not on how many reports the warehouse holds.
-- Plain SQL that DuckDB 1.x snapshot readers also run.

-- The filter dimensions of each meeting.
create or replace view mart_meeting_dims as
select
    meeting_id,
    coalesce(year, -1) as year,
    coalesce(level, 'unknown') as level,
    coalesce(province, case when level = 'national' then '全国' end, '未知') as province,
    coalesce(body, '未知') as body,
    meeting_name,
    region,
    started_on,
    conflicts
from meetings;

-- One row per sitting (meeting × event). Counts come from mart_attendance_by_meeting, the
-- plenary scope first when a sitting reported several. `valid` is the validity of the report
-- the counts come from (of all the sitting's reports when it has no counts), and `rules` the
-- validation rules that report failed: a sitting at 114.8 % that failed present_le_required
-- is `valid = false` with that rule, and every view below keeps it apart.
create or replace view mart_sittings as
with per_event as (
    select
        mr.meeting_id,
        coalesce(mr.event, 'other') as event,
        min(mr.event_date) as event_date,
        count(*) as reports,
        count(*) filter (where mr.duplicate_of is null) as distinct_reports,
        bool_and(r.valid) as reports_valid
    from meeting_reports as mr
    inner join reports as r on r.report_id = mr.report_id
    group by mr.meeting_id, coalesce(mr.event, 'other')
),

counts as (
    select
        a.*,
        row_number() over (
            partition by a.meeting_id, a.event
            order by case a.scope
                when 'deputies' then 0 when 'members' then 1
                when 'standing_committee_members' then 2 else 3 end
        ) as pick
    from mart_attendance_by_meeting as a
),

failed as (
    select report_id, list_sort(list_distinct(list(rule))) as rules
    from quarantine
    where report_id is not null
    group by report_id
),

failed_per_event as (
    select mr.meeting_id, coalesce(mr.event, 'other') as event,
           list_sort(list_distinct(flatten(list(f.rules)))) as rules
    from meeting_reports as mr
    inner join failed as f on f.report_id = mr.report_id
    group by mr.meeting_id, coalesce(mr.event, 'other')
),

sitting as (
    select
        e.meeting_id,
        e.event,
        m.meeting_name,
        m.region,
        m.year,
        m.level,
        m.province,
        m.body,
        e.event_date,
        -- month of the sitting: 'YYYY-MM-DD' or 'MM-DD' (a date whose year no report states)
        case
            when regexp_matches(e.event_date, '^\d{4}-\d{2}') then cast(substr(e.event_date, 6, 2) as integer)
            when regexp_matches(e.event_date, '^\d{2}-\d{2}') then cast(substr(e.event_date, 1, 2) as integer)
        end as month,
        e.reports,
        e.distinct_reports,
        c.scope,
        c.required,
        c.present,
        c.absent,
        c.attendance_rate,
        c.quorum_needed,
        c.quorum_margin,
        c.quorum_met,
        c.report_id as counts_report_id,
        coalesce(r.valid, e.reports_valid) as valid,
        case when c.report_id is null then fe.rules else f.rules end as rules
    from per_event as e
    inner join mart_meeting_dims as m on m.meeting_id = e.meeting_id
    left join counts as c on c.meeting_id = e.meeting_id and c.event = e.event and c.pick = 1
    left join reports as r on r.report_id = c.report_id
    left join failed as f on f.report_id = c.report_id
    left join failed_per_event as fe on fe.meeting_id = e.meeting_id and fe.event = e.event
)

select
    *,
    -- attendance-rate histogram bin: 0 = below 50 %, 50, 55 … 95 = [b, b + 5) %, 100 = exactly
    -- everyone, 101 = above 100 % (impossible: such sittings failed present_le_required)
    case
        when attendance_rate is null then null
        when attendance_rate > 1 then 101
        when attendance_rate = 1 then 100
        when attendance_rate < 0.5 then 0
        else cast(floor(attendance_rate * 20) * 5 as integer)
    end as rate_bin
from sitting;

-- Sittings and attendance per filter cell. Rates pool valid sittings only
-- (present / required over sittings whose report passed validation).
create or replace view mart_sitting_cube as
select
    year, level, province, body, event,
    count(*) as sittings,
    count(*) filter (where not valid) as invalid,
    count(required) as with_counts,
    count(required) filter (where valid) as valid_with_counts,
    coalesce(sum(required) filter (where valid), 0) as required,
    coalesce(sum(present) filter (where valid), 0) as present,
    count(*) filter (where quorum_met = false and valid) as below_quorum,
    count(*) filter (where quorum_met = false and not valid) as below_quorum_invalid,
    sum(reports) as reports,
    sum(distinct_reports) as distinct_reports
from mart_sittings
group by year, level, province, body, event;

-- Distribution of attendance rates (see rate_bin), valid and invalid sittings apart.
create or replace view mart_attendance_distribution as
select year, level, province, body, event, rate_bin, valid, count(*) as sittings
from mart_sittings
where rate_bin is not null
group by year, level, province, body, event, rate_bin, valid;

-- Sittings per calendar month (month = NULL: the sitting's date is unknown).
create or replace view mart_sittings_by_month as
select
    year, level, province, body, event, month,
    count(*) as sittings,
    count(*) filter (where not valid) as invalid
from mart_sittings
group by year, level, province, body, event, month;

-- Meetings per filter cell. A meeting has several sittings, so `event = '*'` rows count each
-- meeting once (use them when no event is chosen); the other rows count meetings with a
-- report of that event.
create or replace view mart_meeting_cube as
with by_event as (
    select distinct meeting_id, event from mart_sittings
)

select d.year, d.level, d.province, d.body, '*' as event,
       count(*) as meetings, sum(d.conflicts) as conflicts
from mart_meeting_dims as d
group by d.year, d.level, d.province, d.body
union all
select d.year, d.level, d.province, d.body, b.event,
       count(*) as meetings, sum(d.conflicts) as conflicts
from mart_meeting_dims as d
inner join by_event as b on b.meeting_id = d.meeting_id
group by d.year, d.level, d.province, d.body, b.event;

-- Rule violations per filter cell: quarantine records (placed by the report's meeting, or by
-- the report's own fields when it belongs to no meeting, '未知' when the file was unreadable),
-- conflicts between reports (by sitting) and cross-report checks (event 'other').
create or replace view mart_violation_cube as
with placed as (
    select
        'quarantine' as source,
        q.rule,
        coalesce(d.year, r.meeting_year, -1) as year,
        coalesce(d.level, r.level, 'unknown') as level,
        coalesce(d.province, r.province,
                 case when r.level = 'national' then '全国' end, '未知') as province,
        coalesce(d.body, r.body, '未知') as body,
        coalesce(mr.event, r.event, 'other') as event,
        q.file_path
    from quarantine as q
    left join reports as r on r.report_id = q.report_id
    left join meeting_reports as mr on mr.report_id = q.report_id
    left join mart_meeting_dims as d on d.meeting_id = mr.meeting_id
    union all
    select 'conflict', 'conflict_' || c.field, d.year, d.level, d.province, d.body, c.event, null
    from conflicts as c
    inner join mart_meeting_dims as d on d.meeting_id = c.meeting_id
    union all
    select 'cross_report', k.rule, d.year, d.level, d.province, d.body, 'other', null
    from meeting_checks as k
    inner join mart_meeting_dims as d on d.meeting_id = k.meeting_id
)

select source, rule, year, level, province, body, event,
       count(*) as violations, count(distinct file_path) as files
from placed
group by source, rule, year, level, province, body, event;

-- Themes of work-report key tasks: each task (一是…) matched against a small lexicon of policy
-- areas by keyword; a task may belong to several themes, or to none ('其他').
create or replace view mart_key_task_themes as
with tasks as (
    select
        d.year, d.level, d.province, d.body,
        coalesce(mr.event, 'other') as event,
        t.report_id,
        -- constant patterns, so each regex is compiled once
        list_distinct([  -- drops the NULLs of unmatched themes
            case when regexp_matches(task, '经济|产业|工业|制造|投资|消费|项目|开发区|园区|招商|民营|企业|高质量发展') then '经济发展' end,
            case when regexp_matches(task, '改革|开放|营商环境|自贸|外贸|放管服') then '改革开放' end,
            case when regexp_matches(task, '乡村|农业|农村|农民|脱贫|扶贫|粮食|三农') then '乡村振兴' end,
            case when regexp_matches(task, '生态|环境|环保|污染|绿色|低碳|碳达峰|节能|河长|治水') then '生态环保' end,
            case when regexp_matches(task, '民生|就业|教育|医疗|卫生|健康|养老|社保|社会保障|住房|托育|实事') then '民生保障' end,
            case when regexp_matches(task, '科技|创新|人才|数字|科研|研发|智能') then '科技创新' end,
            case when regexp_matches(task, '城市|城镇|城乡|基础设施|交通|新型城镇化|旧城|棚户|水利') then '城乡建设' end,
            case when regexp_matches(task, '文化|旅游|文旅|体育') then '文化旅游' end,
            case when regexp_matches(task, '治理|安全|法治|平安|稳定|应急|信访') then '社会治理' end,
            case when regexp_matches(task, '政府自身|作风|廉政|廉洁|党风|效能|依法行政') then '政府建设' end
        ]) as themes
    from mart_key_tasks as t
    inner join meeting_reports as mr on mr.report_id = t.report_id
    inner join mart_meeting_dims as d on d.meeting_id = t.meeting_id
),

matched as (
    select year, level, province, body, event, report_id,
           unnest(case when len(themes) = 0 then ['其他'] else themes end) as theme
    from tasks
)

select year, level, province, body, event, theme,
       count(*) as tasks, count(distinct report_id) as work_reports
from matched
group by year, level, province, body, event, theme;
