-- Named read-only queries of the dashboard (dashboards/build.py). Not a migration.
-- What they return is bounded by the number of distinct filter values (year, level,
-- province, body, event — see marts/040_dashboard.sql) times small `$k`/`$limit` caps, never
-- by the number of reports, except `window`, which the caller caps with `$limit`.

-- name: sitting_cube
select year, level, province, body, event, sittings, invalid, with_counts, valid_with_counts,
       required, present, below_quorum, below_quorum_invalid, reports, distinct_reports
from mart_sitting_cube;

-- name: distribution
select year, level, province, body, event, rate_bin, valid, sittings
from mart_attendance_distribution;

-- name: months
select year, level, province, body, event, month, sittings, invalid
from mart_sittings_by_month;

-- name: meeting_cube
select year, level, province, body, event, meetings, conflicts
from mart_meeting_cube;

-- name: violation_cube
select source, rule, year, level, province, body, event, violations, files
from mart_violation_cube;

-- name: theme_cube
select year, level, province, body, event, theme, tasks, work_reports
from mart_key_task_themes;

-- name: sitting_tops
-- The page's top lists, exact for every filter choice: for each value or "all" ('*') of each
-- of the five dimensions (CUBE), the $k lowest-attendance valid sittings, the $k worst quorum
-- failures and the $k invalid sittings (highest rate first: 114.8 % on top), ties broken by
-- meeting id then event. Top-k aggregates (arg_min with n) instead of sorting every group.
-- The page loads one province's groups at a time (province '*' = all provinces).
select
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        case when grouping(event) = 1 then '*' else event end as e,
        arg_min(struct_pack(m := meeting_id, v := event),
                struct_pack(r := attendance_rate, m := meeting_id, v := event), $k)
            filter (where valid and attendance_rate is not null) as low,
        arg_min(struct_pack(m := meeting_id, v := event),
                struct_pack(q := quorum_margin, m := meeting_id, v := event), $k)
            filter (where quorum_met = false) as quorum,
        arg_min(struct_pack(m := meeting_id, v := event),
                struct_pack(r := coalesce(-attendance_rate, 1e9), m := meeting_id, v := event), $k)
            filter (where not valid) as invalid
from mart_sittings
group by cube(province, year, level, body, event);

-- name: sittings_of
-- What the lists show of the sittings named in `sitting_tops` (by meeting; the caller picks events).
select s.meeting_id, s.event, s.meeting_name, s.event_date, s.required, s.present, s.attendance_rate,
       s.quorum_margin, s.quorum_met, s.valid, s.rules
from mart_sittings as s
where s.meeting_id in (select unnest($ids::varchar[]));

-- name: people_top
-- Who chaired (执行主席) or presided (主持人) most, for every filter choice as `sitting_tops`:
-- the $k first by meetings, then name. Meetings count once per person: per (person, meeting,
-- event) for an event, per (person, meeting) for all events, so plain counts replace
-- COUNT(DISTINCT); a top-k aggregate picks each group's first $k.
with held as (
    select p.name, mr.meeting_id, coalesce(mr.event, 'other') as event, d.year, d.level,
           d.province, d.body,
           max(case when p.role = '执行主席' then 1 else 0 end) as chair,
           max(case when p.role = '主持人' then 1 else 0 end) as presider
    from people as p
    inner join meeting_reports as mr on mr.report_id = p.report_id
    inner join mart_meeting_dims as d on d.meeting_id = mr.meeting_id
    where p.role in ('执行主席', '主持人')
    group by p.name, mr.meeting_id, coalesce(mr.event, 'other'), d.year, d.level, d.province, d.body
),

held_any_event as (
    select name, meeting_id, year, level, province, body, max(chair) as chair,
           max(presider) as presider
    from held
    group by name, meeting_id, year, level, province, body
),

counted as (
    select
        name,
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        event as e,
        count(*) as meetings, sum(chair) as as_chair, sum(presider) as as_presider
    from held
    group by name, event, cube(province, year, level, body)
    union all
    select
        name,
        case when grouping(province) = 1 then '*' else province end,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end,
        case when grouping(level) = 1 then '*' else level end,
        case when grouping(body) = 1 then '*' else body end,
        '*',
        count(*), sum(chair), sum(presider)
    from held_any_event
    group by name, cube(province, year, level, body)
)

select p, y, l, b, e,
       arg_min(struct_pack(name := name, meetings := meetings, as_chair := as_chair,
                           as_presider := as_presider),
               struct_pack(n := -meetings, name := name), $k) as people
from counted
group by p, y, l, b, e;

-- name: conflict_tops
-- The first $k conflicts (by meeting, field, values) of every filter choice, as `sitting_tops`.
with placed as (
    select c.*, d.meeting_name, d.year, d.level, d.province, d.body
    from conflicts as c
    inner join mart_meeting_dims as d on d.meeting_id = c.meeting_id
)

select
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        case when grouping(event) = 1 then '*' else event end as e,
        arg_min(struct_pack(meeting_id := meeting_id, meeting_name := meeting_name, event := event,
                            field := field, value_a := value_a, snippet_a := left(snippet_a, 60),
                            value_b := value_b, snippet_b := left(snippet_b, 60)),
                struct_pack(m := meeting_id, f := field, a := value_a, b := value_b,
                            ra := report_id_a, rb := report_id_b), $k) as conflicts
from placed
group by cube(province, year, level, body, event);

-- name: check_tops
-- The first $k cross-report findings of every filter choice (their event is 'other').
with placed as (
    select k.rule, k.meeting_id, k.message, d.meeting_name, d.year, d.level, d.province, d.body,
           'other' as event
    from meeting_checks as k
    inner join mart_meeting_dims as d on d.meeting_id = k.meeting_id
)

select
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        case when grouping(event) = 1 then '*' else event end as e,
        arg_min(struct_pack(rule := rule, meeting_id := meeting_id, meeting_name := meeting_name,
                            message := message),
                struct_pack(r := rule, m := meeting_id, x := message), $k) as checks
from placed
group by cube(province, year, level, body, event);

-- name: window
-- Meetings the page lists with their reports and texts: the most recent of every
-- year × level × province × body cell first, then the second most recent of each, and so on,
-- so that every cell is represented before any cell gets more; the caller keeps $limit.
with ranked as (
    select
        *,
        row_number() over (partition by year, level, province, body
                           order by started_on desc nulls last, meeting_id) as cell_rank
    from mart_meeting_dims
)

select meeting_id
from ranked
order by cell_rank, started_on desc nulls last, meeting_id
limit $limit;

-- name: meetings
select d.meeting_id, d.meeting_name, d.region, d.year, d.level, d.province, d.body,
       m.term, m.session, m.started_on, m.opened_on, m.closed_on, m.reports, m.distinct_reports,
       m.conflicts,
       (select list(distinct coalesce(mr.event, 'other'))
        from meeting_reports as mr where mr.meeting_id = d.meeting_id) as events
from mart_meeting_dims as d
inner join meetings as m on m.meeting_id = d.meeting_id
where d.meeting_id in (select unnest($ids::varchar[]))
order by d.started_on desc nulls last, d.meeting_id;

-- name: meeting_people
select distinct mr.meeting_id, p.name, p.role
from people as p
inner join meeting_reports as mr on mr.report_id = p.report_id
where mr.meeting_id in (select unnest($ids::varchar[]))
order by mr.meeting_id, p.role, p.name;

-- name: meeting_reports
select mr.meeting_id, mr.report_id, r.file_path, r.title, coalesce(mr.event, 'other') as event,
       mr.event_date, mr.year_source, mr.duplicate_of, mr.resemblance, r.valid,
       a.scope, a.required, a.present, a.absent
from meeting_reports as mr
inner join reports as r on r.report_id = mr.report_id
left join attendance as a on a.report_id = mr.report_id
where mr.meeting_id in (select unnest($ids::varchar[]))
order by mr.meeting_id, mr.event, mr.report_id;

-- name: report_rules
select report_id, rule, message
from quarantine
where report_id in (select unnest($ids::varchar[]))
order by report_id, rule;

-- name: spans
select report_id, field, value, start_offset, end_offset, snippet
from fact_spans
where report_id in (select unnest($ids::varchar[]))
order by report_id, start_offset, end_offset, field;

-- name: texts
select report_id, text
from report_texts
where report_id in (select unnest($ids::varchar[]));

-- name: totals
select
    (select count(*) from meetings) as meetings,
    (select count(*) from meeting_reports) as reports,
    (select count(*) from meeting_reports where duplicate_of is not null) as reposts,
    (select count(distinct file_path) from quarantine) as quarantined_files,
    (select count(*) from runs) as runs;

-- name: runs
select run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined,
       list(rule order by rule) filter (where rule is not null) as rules,
       sum(violations) as violations
from mart_quality_by_run
group by run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined
order by started_at desc nulls last, run_id
limit $limit;
