-- Named statements of the dashboard build (dashboards/state.py). Not a migration.
--
-- The build runs in its own in-memory DuckDB: the source (BI snapshot or warehouse) is attached
-- read-only as `src`; `scope` is an in-memory catalog holding the source's rows of the cells a
-- build recomputes, with the staging and mart views (warehouse/sql/staging, marts) created over
-- them; the build's state lives in temp tables (`new_*` this build's, `old_*` views over the
-- previous build's Parquet state, `fresh_*` the recomputed cells). `{table}`, `{where}`, `{source}`,
-- `{target}` and the cube templates are filled by dashboards/state.py from fixed lists and paths, never
-- from data.
--
-- Unit of work: the cell (year, level, province, body) of a meeting (year -1 = unknown). Every
-- figure of the page is a sum or a top list over cells, so a cell whose meetings (and quarantine
-- records placed in it) did not change keeps its rows; the cells that did are recomputed whole
-- from the source. Top lists (of one year, and over all years: `y = '*'`) are merged from the
-- previous lists and the changed rows (see star_*).
-- Group keys: p(rovince), y(ear), l(evel), b(ody), e(vent), '*' = all; a CUBE over the
-- filter dimensions gives every choice of filters.

-- ---------------------------------------------------------------- what changed

-- name: new_meetings
-- Every meeting's filter cell, start and a fingerprint of everything the page shows of it:
-- its row, its reports (membership rows; a report's own rows never change, being keyed by its
-- content), their quarantine records, its conflicts and cross-report findings.
create or replace temp table new_meetings as
with member as (
    select meeting_id, sum(hash(x)::hugeint) as h from src.meeting_reports as x group by meeting_id
),

conflict as (
    select meeting_id, sum(hash(x)::hugeint) as h from src.conflicts as x group by meeting_id
),

finding as (
    select meeting_id, sum(hash(x)::hugeint) as h from src.meeting_checks as x group by meeting_id
),

quarantined as (
    select mr.meeting_id, sum(hash(x)::hugeint) as h
    from src.quarantine as x
    inner join src.meeting_reports as mr on mr.report_id = x.report_id
    group by mr.meeting_id
)

select d.meeting_id, d.year, d.level, d.province, d.body, d.started_on,
       hash(m, member.h, conflict.h, finding.h, quarantined.h) as fp
from src.mart_meeting_dims as d
inner join src.meetings as m on m.meeting_id = d.meeting_id
left join member on member.meeting_id = d.meeting_id
left join conflict on conflict.meeting_id = d.meeting_id
left join finding on finding.meeting_id = d.meeting_id
left join quarantined on quarantined.meeting_id = d.meeting_id;

-- name: new_cells
-- A fingerprint per cell (year, level, province, body): its meetings', and quarantine records of
-- files that belong to no meeting (placed by the report's own fields, as mart_violation_cube
-- does; the unknown cell when the file was unreadable).
create or replace temp table loose as
select
    q.report_id,
    coalesce(r.meeting_year, -1) as year,
    coalesce(r.level, 'unknown') as level,
    coalesce(r.province, case when r.level = 'national' then '全国' end, '未知') as province,
    coalesce(r.body, '未知') as body,
    hash(q) as h
from src.quarantine as q
left join src.reports as r on r.report_id = q.report_id
where not exists (select 1 from src.meeting_reports as mr where mr.report_id = q.report_id);
create or replace temp table new_cells as
with loose_cells as (
    select year, level, province, body, sum(h::hugeint) as h from loose group by all
),

held as (
    select year, level, province, body, sum(fp::hugeint) as h from new_meetings group by all
)

select year, level, province, body, hash(held.h, loose_cells.h) as fp
from held
full join loose_cells using (year, level, province, body);

-- name: no_previous_cells
-- A build without a usable previous state: every cell is new.
create or replace temp table old_cells as select * from new_cells limit 0;

-- name: touched
-- Cells whose fingerprint differs from the previous build's (or that appeared or vanished), and
-- their years (the state's files are per year).
create or replace temp table touched_cells as
select year, level, province, body
from new_cells as n
full join old_cells as o using (year, level, province, body)
where n.fp is distinct from o.fp;
create or replace temp table touched as select distinct year from touched_cells;

-- name: no_previous_state
-- ... and the rest of an empty previous state, in the shapes this build gives them.
create or replace temp table old_items as select * from fresh_items limit 0;
create or replace temp table old_people as select * from fresh_people limit 0;
create or replace temp table old_parts (p varchar, y varchar);
create or replace temp table affected_parts (p varchar, y varchar);
create or replace temp table old_meetings as select * from new_meetings limit 0;
create or replace temp table old_listed as select 0::bigint as rank, meeting_id, fp from new_meetings limit 0;

-- name: old_cube
create or replace temp table old_{table} as select * from fresh_{table} limit 0;

-- name: all_rows
-- Every row of a table of cell rows: the previous build's where its cell did not change.
create or replace temp view all_{table} as
select * from old_{table} anti join touched_cells using (year, level, province, body)
union all
select * from fresh_{table};
-- what the state keeps of it: the files of the changed years (the others are linked)
create or replace temp view next_{table} as
select * from all_{table} where year in (select year from touched);

-- name: all_cube
-- The same for a cube, kept as a table: the summary reads it several times.
create or replace temp table all_{table} as
select * from old_{table} anti join touched_cells using (year, level, province, body)
union all
select * from fresh_{table};

-- name: old_touched
-- The previous build's rows of the changed cells (what the star_* statements diff against).
create or replace temp view old_{table}_touched as
select * from old_{table} semi join touched_cells using (year, level, province, body);

-- name: changed_meetings
-- Meetings whose fingerprint differs from the previous build's (or that came or went): the only
-- ones whose list items can differ (an item is a row of its meeting's sittings, conflicts or
-- findings, all in the fingerprint), so the only ones whose items star_delta diffs.
create or replace temp table changed_meetings as
select coalesce(n.meeting_id, o.meeting_id) as meeting_id
from new_meetings as n
full join old_meetings as o on o.meeting_id = n.meeting_id
where n.fp is distinct from o.fp;

-- ---------------------------------------------------------------- the scope

-- name: scope_meetings
create or replace table scope.dash_scope_meetings as
select meeting_id from new_meetings semi join touched_cells using (year, level, province, body);

-- name: scope_reports
-- Reports of the scope's meetings, and those of quarantine records placed in its cells.
create or replace table scope.dash_scope_reports as
select report_id from src.meeting_reports
where meeting_id in (select meeting_id from scope.dash_scope_meetings)
union
select report_id from loose semi join touched_cells using (year, level, province, body)
where report_id is not null;

-- name: scope_table
-- One source table in the scope: its rows of the changed cells (the where_* fragment below).
create or replace table scope.{table} as select * from src.{table} {where};

-- name: scope_drop
-- The scope's empty table (from the migrations) gives way to the source's rows.
drop table scope.{table};

-- name: scope_view
-- A full build reads every row: the scope is views over the source, nothing copied.
create or replace view scope.{table} as select * from src.{table};

-- name: source_tables
select table_name from information_schema.tables where table_catalog = 'src';

-- name: where_meeting
where meeting_id in (select meeting_id from scope.dash_scope_meetings)

-- name: where_report
where report_id in (select report_id from scope.dash_scope_reports){prune}

-- name: where_quarantine
-- Records of the scope's reports, and records of unreadable files (no report) when their cell
-- is in the scope.
where report_id in (select report_id from scope.dash_scope_reports)
    or (report_id is null and exists (select 1 from loose semi join touched_cells using (year, level, province, body)
                                      where loose.report_id is null))

-- name: materialize_sittings
-- mart_sittings is read by every cube and list: computed once, kept as a table of the same name.
create table scope.dash_sittings as select * from scope.mart_sittings;
drop view scope.mart_sittings;
alter table scope.dash_sittings rename to mart_sittings;

-- ---------------------------------------------------------------- the years recomputed

-- name: fresh_cubes
-- The additive cubes of the page (marts/040_dashboard.sql), for the scope's years.
create or replace temp table fresh_sitting_cube as
select year, level, province, body, event, sittings, invalid, with_counts, valid_with_counts,
       required, present, below_quorum, below_quorum_invalid, reports, distinct_reports
from scope.mart_sitting_cube;
create or replace temp table fresh_distribution as
select year, level, province, body, event, rate_bin, valid, sittings
from scope.mart_attendance_distribution;
create or replace temp table fresh_months as
select year, level, province, body, event, month, sittings, invalid
from scope.mart_sittings_by_month;
create or replace temp table fresh_meeting_cube as
select year, level, province, body, event, meetings, conflicts
from scope.mart_meeting_cube;
create or replace temp table fresh_violation_cube as
select year, level, province, body, event, source, rule, violations, files
from scope.mart_violation_cube;
create or replace temp table fresh_themes as
select year, level, province, body, event, theme, tasks, work_reports
from scope.mart_key_task_themes;

-- name: fresh_items
-- Everything a top list can show, one row per (list kind, item): `ord` orders a kind's list
-- (lowest first; ids break ties, so the order is total), `item` is the row as the page's
-- tables show it (a JSON array in the column order of dashboards/build.py), `meeting_id` the
-- meeting it belongs to (so that a night diffs only the items of the meetings it changed).
create or replace temp table fresh_items as
with sitting as (
    select
        year, level, province, body, event, meeting_id, attendance_rate, quorum_margin, valid,
        quorum_met,
        json_array(meeting_id, event, meeting_name, event_date, required, present, attendance_rate,
                   quorum_margin, quorum_met, valid, rules) as item
    from scope.mart_sittings
)

select 'low' as kind, year, level, province, body, event,
       struct_pack(n := attendance_rate::double, t := [meeting_id, event]) as ord, item, meeting_id
from sitting where valid and attendance_rate is not null
union all
select 'quorum', year, level, province, body, event,
       struct_pack(n := quorum_margin::double, t := [meeting_id, event]), item, meeting_id
from sitting where quorum_met = false
union all
select 'invalid', year, level, province, body, event,
       -- highest rate first (114.8 % on top), sittings without counts last
       struct_pack(n := coalesce(-attendance_rate, 1e9)::double, t := [meeting_id, event]), item, meeting_id
from sitting where not valid
union all
select 'conflicts', d.year, d.level, d.province, d.body, c.event,
       struct_pack(n := 0::double, t := [c.meeting_id, c.field, coalesce(c.value_a, ''), coalesce(c.value_b, ''),
                                         c.report_id_a, c.report_id_b]),
       json_array(c.meeting_id, d.meeting_name, c.event, c.field, c.value_a, left(c.snippet_a, 60), c.value_b,
                  left(c.snippet_b, 60)),
       c.meeting_id
from scope.conflicts as c
inner join scope.mart_meeting_dims as d on d.meeting_id = c.meeting_id
union all
-- cross-report findings belong to no sitting: event 'other'
select 'checks', d.year, d.level, d.province, d.body, 'other',
       struct_pack(n := 0::double, t := [k.rule, k.meeting_id, coalesce(k.message, ''),
                                         coalesce(k.other_meeting_id, '')]),
       json_array(k.rule, k.meeting_id, d.meeting_name, k.message), k.meeting_id
from scope.meeting_checks as k
inner join scope.mart_meeting_dims as d on d.meeting_id = k.meeting_id;

-- name: fresh_people
-- Who chaired (执行主席) or presided (主持人), counted in meetings per filter cell: per event a
-- meeting counts once per person, and under event '*' once whatever its sittings — so counts
-- add up over cells and years.
create or replace temp table fresh_people as
with held as (
    select p.name, mr.meeting_id, coalesce(mr.event, 'other') as event, d.year, d.level,
           d.province, d.body,
           max(case when p.role = '执行主席' then 1 else 0 end) as chair,
           max(case when p.role = '主持人' then 1 else 0 end) as presider
    from scope.people as p
    inner join scope.meeting_reports as mr on mr.report_id = p.report_id
    inner join scope.mart_meeting_dims as d on d.meeting_id = mr.meeting_id
    where p.role in ('执行主席', '主持人')
    group by p.name, mr.meeting_id, coalesce(mr.event, 'other'), d.year, d.level, d.province, d.body
),

any_event as (
    select name, meeting_id, '*' as event, year, level, province, body, max(chair) as chair,
           max(presider) as presider
    from held
    group by name, meeting_id, year, level, province, body
)

select name, year, level, province, body, event, count(*) as meetings,
       sum(chair)::bigint as as_chair, sum(presider)::bigint as as_presider
from (select * from held union all by name select * from any_event)
group by name, year, level, province, body, event;

-- ---------------------------------------------------------------- top lists

-- name: year_lists
-- A full build computes every top list from every row: those of each year (y = the year), then
-- those over all years (y = '*'), then puts them together (full_lists); an incremental build
-- merges them (star_*). One row per list entry, `rank` from 1. Items are numbered in their
-- kind's order and people in name order first, so the grouping sets aggregate integers
-- (`min(n, $k)`: the k smallest) rather than rows.
create or replace temp table fresh_lists as
select * from lists_of('fresh_items', 'fresh_people', true, $k);

-- name: star_lists_full
create or replace temp table star_lists as
select * from lists_of('all_items', 'all_people', false, $k);

-- name: lists_macro
-- The state folder of the lists of one top-list chunk (province p, y): `<y>-<province id>`, 'all'
-- for '*' (the chunk's file name, dashboards/state.py province_id).
create or replace temp macro list_part(p, y) as
    (case when y = '*' then 'all' else y end) || '-' || (case when p = '*' then 'all' else left(sha1(p), 10) end);
-- The lists of `items` and `people` per year (by_year) or over all years (y = '*').
create or replace temp macro lists_of(items, people, by_year, k) as table
with numbered as (
    -- yk: the year, or one value for all years
    select *, row_number() over (partition by kind order by ord) as n,
           case when by_year then year end as yk
    from query_table(items)
),

grouped as (
    select
        kind,
        case when grouping(province) = 1 then '*' else province end as p,
        coalesce(cast(yk as varchar), '*') as y,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        case when grouping(event) = 1 then '*' else event end as e,
        min(n, k) as top
    from numbered
    group by grouping sets (
        (kind, yk, province, level, body, event), (kind, yk, province, level, body),
        (kind, yk, province, level, event), (kind, yk, province, body, event),
        (kind, yk, level, body, event), (kind, yk, province, level), (kind, yk, province, body),
        (kind, yk, province, event), (kind, yk, level, body), (kind, yk, level, event),
        (kind, yk, body, event), (kind, yk, province), (kind, yk, level), (kind, yk, body),
        (kind, yk, event), (kind, yk)
    )
),

entries as (
    select kind, p, y, l, b, e, unnest(top) as n, generate_subscripts(top, 1) as rank from grouped
),

names as (
    select name, row_number() over (order by name) as id
    from (select distinct name from query_table(people))
),

-- people's filter values as small integers (0 = '*'): the grouping sets below aggregate
-- millions of (person, group) pairs at 100k reports, integers hash and compare cheaply
codes as (
    select 'p' as dim, province as value, row_number() over (order by province) as code
    from (select distinct province from query_table(people))
    union all
    select 'l', level, row_number() over (order by level) from (select distinct level from query_table(people))
    union all
    select 'b', body, row_number() over (order by body) from (select distinct body from query_table(people))
    union all
    select 'e', event, row_number() over (order by event) from (select distinct event from query_table(people))
),

coded as (
    select names.id, case when by_year then x.year end as yk, pc.code as pc, lc.code as lc, bc.code as bc,
           ec.code as ec, x.meetings, x.as_chair, x.as_presider
    from query_table(people) as x
    inner join names on names.name = x.name
    inner join codes as pc on pc.dim = 'p' and pc.value = x.province
    inner join codes as lc on lc.dim = 'l' and lc.value = x.level
    inner join codes as bc on bc.dim = 'b' and bc.value = x.body
    inner join codes as ec on ec.dim = 'e' and ec.value = x.event
),

counted as (
    select
        id, yk, ec,
        case when grouping(pc) = 1 then 0 else pc end as pc,
        case when grouping(lc) = 1 then 0 else lc end as lc,
        case when grouping(bc) = 1 then 0 else bc end as bc,
        sum(meetings)::bigint as meetings, sum(as_chair)::bigint as as_chair,
        sum(as_presider)::bigint as as_presider
    from coded
    group by grouping sets (
        (id, ec, yk, pc, lc, bc), (id, ec, yk, pc, lc), (id, ec, yk, pc, bc), (id, ec, yk, lc, bc),
        (id, ec, yk, pc), (id, ec, yk, lc), (id, ec, yk, bc), (id, ec, yk)
    )
),

people_top as (
    -- most meetings first, then name: one integer per person and group orders both
    select yk, pc, lc, bc, ec,
           arg_min(struct_pack(id := id, meetings := meetings, as_chair := as_chair, as_presider := as_presider),
                   -meetings * 4294967296 + id, k) as top
    from counted
    group by yk, pc, lc, bc, ec
),

people_entries as (
    select coalesce(p.value, '*') as p, coalesce(cast(t.yk as varchar), '*') as y, coalesce(l.value, '*') as l,
           coalesce(b.value, '*') as b, e.value as e, t.x, t.rank
    from (select *, unnest(top) as x, generate_subscripts(top, 1) as rank from people_top) as t
    left join codes as p on p.dim = 'p' and p.code = t.pc
    left join codes as l on l.dim = 'l' and l.code = t.lc
    left join codes as b on b.dim = 'b' and b.code = t.bc
    inner join codes as e on e.dim = 'e' and e.code = t.ec
)

select x.kind, x.p, x.y, x.l, x.b, x.e, x.rank, i.ord, i.item
from entries as x
inner join numbered as i on i.kind = x.kind and i.n = x.n
union all
select 'people', x.p, x.y, x.l, x.b, x.e, x.rank,
       struct_pack(n := -x.x.meetings::double, t := [names.name]),
       json_array(names.name, x.x.meetings, x.x.as_chair, x.x.as_presider)
from people_entries as x
inner join names on names.id = x.x.id;

-- name: star_delta
-- An incremental build's lists (of each year, y = the year, and over all years, y = '*') start
-- from what changed in the recomputed years: item rows that left (or changed: their old version)
-- and came (their new version) — diffed over the changed meetings' items only, the others being
-- the same rows on both sides — and the people counts likewise; `star_affected` are the groups
-- (kind, p, y, l, b, e) those rows fall in. Every other group keeps its list.
create or replace temp table d_removed as
select * from old_items_touched where meeting_id in (select meeting_id from changed_meetings)
except all
select * from fresh_items where meeting_id in (select meeting_id from changed_meetings);
create or replace temp table d_added as
select * from fresh_items where meeting_id in (select meeting_id from changed_meetings)
except all
select * from old_items_touched where meeting_id in (select meeting_id from changed_meetings);
-- a count is of one cell (year, level, province, body): only the cells a changed meeting was or
-- is in can differ (people rows are unique per name, cell and event: `except` is exact)
create or replace temp table changed_cells as
select distinct year, level, province, body from (
    select year, level, province, body from new_meetings semi join changed_meetings using (meeting_id)
    union all
    select year, level, province, body from old_meetings semi join changed_meetings using (meeting_id)
);
create or replace temp table p_removed as
select * from old_people_touched semi join changed_cells using (year, level, province, body)
except
select * from fresh_people semi join changed_cells using (year, level, province, body);
create or replace temp table p_added as
select * from fresh_people semi join changed_cells using (year, level, province, body)
except
select * from old_people_touched semi join changed_cells using (year, level, province, body);
create or replace temp table p_names as
select distinct name from (select name from p_removed union all select name from p_added);
create or replace temp table star_affected as
select distinct kind, p, y, l, b, e from (
    select kind, unnest([cast(year as varchar), '*']) as y, p, l, b, e from (
        select
            kind, year,
            case when grouping(province) = 1 then '*' else province end as p,
            case when grouping(level) = 1 then '*' else level end as l,
            case when grouping(body) = 1 then '*' else body end as b,
            case when grouping(event) = 1 then '*' else event end as e
        from (select kind, year, province, level, body, event from d_removed
              union all select kind, year, province, level, body, event from d_added)
        group by kind, year, cube(province, level, body, event)
    )
    union all
    select 'people', unnest([cast(year as varchar), '*']), p, l, b, e from (
        select
            year,
            case when grouping(province) = 1 then '*' else province end as p,
            case when grouping(level) = 1 then '*' else level end as l,
            case when grouping(body) = 1 then '*' else body end as b,
            event as e
        from (select year, province, level, body, event from p_removed
              union all select year, province, level, body, event from p_added)
        group by year, event, cube(province, level, body)
    )
);
-- the chunks (province, y) holding an affected group: their lists are rewritten, others linked
create or replace temp table affected_parts as
select distinct p, y, list_part(p, y) as folder from star_affected;

-- name: star_dirty
-- Affected groups whose list can no longer be merged and is recomputed from every row: a full
-- list that held an item which left or changed, or a person whose count fell (or who left). For
-- the rest the new list is exact from the old one and the changes: an item or person not in the
-- old list and not changed ranks after all of it (a short list has no such rows), and nothing
-- in it got worse.
-- The new counts of the changed people in the affected groups where they matter: where they are
-- in the old list, or where their count rose (net of the diff: p_added minus p_removed). A person
-- in neither ranked after the whole old list and does not rank better now.
create or replace temp table p_counts as
with rose as (
    select
        name,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        event as e
    from (select name, year, level, province, body, event, meetings from p_added
          union all select name, year, level, province, body, event, -meetings from p_removed)
    group by name, event, grouping sets ((year), ()), cube(province, level, body)
    having sum(meetings) > 0
),

needed as (
    select name, y, p, l, b, e from rose
    union
    select o.ord.t[1], o.y, o.p, o.l, o.b, o.e
    from old_lists as o
    where o.kind = 'people' and o.ord.t[1] in (select name from p_names)
),

counted as (
    select
        name,
        case when grouping(year) = 1 then '*' else cast(year as varchar) end as y,
        case when grouping(province) = 1 then '*' else province end as p,
        case when grouping(level) = 1 then '*' else level end as l,
        case when grouping(body) = 1 then '*' else body end as b,
        event as e,
        sum(meetings)::bigint as meetings, sum(as_chair)::bigint as as_chair,
        sum(as_presider)::bigint as as_presider
    from all_people
    where name in (select name from p_names)
    group by name, event, grouping sets ((year), ()), cube(province, level, body)
)

select c.* from counted as c
semi join needed as n using (name, y, p, l, b, e)
semi join star_affected as a
    on a.kind = 'people' and a.p = c.p and a.y = c.y and a.l = c.l and a.b = c.b and a.e = c.e;
-- A list shorter than $k held every row of its group: what is left of it is still all of them,
-- so only full lists can be dirty.
create or replace temp table star_dirty as
with full_lists as (
    select * from old_lists
    semi join (select kind, p, y, l, b, e from old_lists group by all having count(*) >= $k) as f
        using (kind, p, y, l, b, e)
)

select distinct o.kind, o.p, o.y, o.l, o.b, o.e
from full_lists as o
inner join d_removed as r on r.kind = o.kind and r.item = o.item
union
select distinct o.kind, o.p, o.y, o.l, o.b, o.e
from full_lists as o
semi join star_affected as a
    on a.kind = o.kind and a.p = o.p and a.y = o.y and a.l = o.l and a.b = o.b and a.e = o.e
left join p_counts as c
    on c.name = o.ord.t[1] and c.p = o.p and c.y = o.y and c.l = o.l and c.b = o.b and c.e = o.e
where
    o.kind = 'people'
    and o.ord.t[1] in (select name from p_names)
    and (c.meetings is null or c.meetings < -o.ord.n);

-- name: star_merge
-- The new lists of the affected chunks (old_lists holds their previous lists): unaffected groups
-- keep theirs; clean affected groups merge their old list with the changes; dirty ones are
-- recomputed from every row of the group (rows of the group's year, or of every year for y = '*').
create or replace temp table new_lists as
with clean as (
    select * from star_affected
    except
    select * from star_dirty
),

kept as (
    -- per people list, its entries of people whose count did not change: how many, the last
    select o.p, o.y, o.l, o.b, o.e, count(*) as entries, max(o.ord) as worst
    from old_lists as o
    where o.kind = 'people' and o.ord.t[1] not in (select name from p_names)
    group by o.p, o.y, o.l, o.b, o.e
),

added as (
    -- every group a changed item falls in: its year or all years × each filter or '*'
    select a.kind, y.y, p.p, l.l, b.b, e.e, a.ord, a.item
    from d_added as a,
        unnest([cast(a.year as varchar), '*']) as y(y), unnest([a.province, '*']) as p(p),
        unnest([a.level, '*']) as l(l), unnest([a.body, '*']) as b(b), unnest([a.event, '*']) as e(e)
),

candidates as (
    -- old entries of clean groups (items: those that did not leave — only a short list can have
    -- lost some; people: those whose count did not change)
    select o.kind, o.p, o.y, o.l, o.b, o.e, o.ord, o.item
    from old_lists as o
    semi join clean as g on g.kind = o.kind and g.p = o.p and g.y = o.y and g.l = o.l and g.b = o.b and g.e = o.e
    anti join d_removed as r on r.kind = o.kind and r.item = o.item
    where o.kind <> 'people' or o.ord.t[1] not in (select name from p_names)
    union all
    select a.kind, a.p, a.y, a.l, a.b, a.e, a.ord, a.item
    from added as a
    semi join clean as g on g.kind = a.kind and g.p = a.p and g.y = a.y and g.l = a.l and g.b = a.b and g.e = a.e
    union all
    select 'people', c.p, c.y, c.l, c.b, c.e, c.ord, json_array(c.name, c.meetings, c.as_chair, c.as_presider)
    from (select *, struct_pack(n := -meetings::double, t := [name]) as ord from p_counts) as c
    inner join clean as g
        on g.kind = 'people' and g.p = c.p and g.y = c.y and g.l = c.l and g.b = c.b and g.e = c.e
    left join kept as t on t.p = c.p and t.y = c.y and t.l = c.l and t.b = c.b and t.e = c.e
    -- a count can enter the list unless k kept entries all rank before it
    where t.entries is null or t.entries < $k or c.ord < t.worst
),

recounted as (
    -- every row of the dirty groups: those of all years, then those of one year
    select i.kind, g.p, g.y, g.l, g.b, g.e, i.ord, i.item
    from all_items as i
    inner join star_dirty as g
        on g.kind = i.kind and g.y = '*' and g.p in ('*', i.province) and g.l in ('*', i.level)
        and g.b in ('*', i.body) and g.e in ('*', i.event)
    union all
    select i.kind, g.p, g.y, g.l, g.b, g.e, i.ord, i.item
    from all_items as i
    inner join star_dirty as g
        on g.kind = i.kind and g.y = cast(i.year as varchar) and g.p in ('*', i.province)
        and g.l in ('*', i.level) and g.b in ('*', i.body) and g.e in ('*', i.event)
    union all
    select 'people', g.p, g.y, g.l, g.b, g.e, struct_pack(n := -sum(x.meetings)::double, t := [x.name]),
           json_array(x.name, sum(x.meetings)::bigint, sum(x.as_chair)::bigint, sum(x.as_presider)::bigint)
    from all_people as x
    inner join star_dirty as g
        on g.kind = 'people' and g.y = '*' and g.p in ('*', x.province) and g.l in ('*', x.level)
        and g.b in ('*', x.body) and g.e = x.event
    group by g.p, g.y, g.l, g.b, g.e, x.name
    union all
    select 'people', g.p, g.y, g.l, g.b, g.e, struct_pack(n := -sum(x.meetings)::double, t := [x.name]),
           json_array(x.name, sum(x.meetings)::bigint, sum(x.as_chair)::bigint, sum(x.as_presider)::bigint)
    from all_people as x
    inner join star_dirty as g
        on g.kind = 'people' and g.y = cast(x.year as varchar) and g.p in ('*', x.province)
        and g.l in ('*', x.level) and g.b in ('*', x.body) and g.e = x.event
    group by g.p, g.y, g.l, g.b, g.e, x.name
),

merged as (
    select kind, p, y, l, b, e, arg_min(struct_pack(ord := ord, item := item), ord, $k) as top
    from (select * from candidates union all select * from recounted)
    group by kind, p, y, l, b, e
)

select kind, p, y, l, b, e, rank, ord, item
from old_lists as o
where not exists (select 1 from star_affected as a
                  where a.kind = o.kind and a.p = o.p and a.y = o.y and a.l = o.l and a.b = o.b and a.e = o.e)
union all
select kind, p, y, l, b, e, rank, x.ord, x.item
from (select *, unnest(top) as x, generate_subscripts(top, 1) as rank from merged);

-- name: full_lists
-- A full build's lists: those of every year and those over all years.
create or replace temp table new_lists as
select * from fresh_lists union all select * from star_lists;
drop table fresh_lists;
drop table star_lists;

-- ---------------------------------------------------------------- the meeting list

-- name: window
-- Meetings the page lists with their reports and texts: the most recent of every
-- year × level × province × body cell first, then the second most recent of each, and so on,
-- so that every cell is represented before any cell gets more; the first $limit.
create or replace temp table listed_window as
select meeting_id, fp
from (
    select
        meeting_id, fp, started_on,
        row_number() over (partition by year, level, province, body
                           order by started_on desc nulls last, meeting_id) as cell_rank
    from new_meetings
)
order by cell_rank, started_on desc nulls last, meeting_id
limit $limit;

-- name: listing_plan
-- The listed meetings in window order, and whether the previous build's row and detail chunk
-- of each still hold (same meeting fingerprint).
create or replace temp table listed_plan as
select w.*, exists (select 1 from old_listed as o where o.meeting_id = w.meeting_id and o.fp = w.fp) as reused
from (select row_number() over () as rank, * from listed_window) as w;
create or replace temp table want as select meeting_id from listed_plan where not reused;

-- name: listed_rows
-- What the list shows of each meeting in `want` (read from the catalog in use: scope or src):
-- its cell, sittings and the people who chaired or presided ([role, name], sorted).
select d.meeting_id, d.meeting_name, d.region, d.year, d.level, d.province, d.body,
       m.started_on, m.reports, m.distinct_reports, m.conflicts,
       (select list_sort(list_distinct(list(coalesce(mr.event, 'other'))))
        from meeting_reports as mr where mr.meeting_id = d.meeting_id) as events,
       (select list_sort(list_distinct(list([p.role, p.name])))
        from people as p
        inner join meeting_reports as mr on mr.report_id = p.report_id
        where mr.meeting_id = d.meeting_id) as people
from mart_meeting_dims as d
inner join meetings as m on m.meeting_id = d.meeting_id
where
    d.meeting_id in (select meeting_id from want)
    and (d.meeting_id in (select meeting_id from scope.dash_scope_meetings)) = $in_scope;

-- name: new_listed
-- The listing's rows: the previous build's where they hold, the fetched ones (got_scope, got_src).
create or replace temp table new_listed as
select w.rank, w.fp, o.* exclude (rank, fp)
from listed_plan as w
inner join old_listed as o on o.meeting_id = w.meeting_id
where w.reused
union all by name
select w.rank, w.fp, g.*
from listed_plan as w
inner join (select * from got_scope union all by name select * from got_src) as g on g.meeting_id = w.meeting_id;

-- name: listing_rows
-- As the page lists them: most recent first.
select * exclude (rank, fp) from new_listed order by started_on desc nulls last, meeting_id;

-- name: listing_written
select meeting_id from listed_plan where not reused order by rank;

-- name: listing_kept
select meeting_id from listed_plan where reused order by rank;

-- name: detail_reports
-- The membership rows of the meetings in `want` whose detail chunks a build writes.
create or replace temp table detail_reports as
select * from src.meeting_reports where meeting_id in (select meeting_id from want);

-- name: report_partitions
-- The lake partitions of the reports in {reports} (the snapshot's `lake_year`: every table
-- keyed by report is partitioned by its report's year), so that the reads below can name them.
select distinct lake_year from src.reports where report_id in (select report_id from {reports});

-- name: detail_fetch
-- Their reports, failed rules, fact spans and texts, read from the source once (each read of a
-- big table scans it; {prune} names the lake partitions to read when the source has them) into
-- temp tables the chunks are then composed from, a batch of meetings at a time (detail_chunks).
-- {wanted} selects the reports: a list bound as $reports when they are few (a night's: the scan
-- gets it as a filter and skips what holds none of them, half the work of a join on the
-- bench's texts), else a join with detail_reports (dashboards/state.py details).
create or replace temp table detail_members as
select mr.meeting_id, mr.report_id, r.file_path, r.title, coalesce(mr.event, 'other') as event,
       mr.event_date, mr.year_source, mr.duplicate_of, mr.resemblance, r.valid,
       a.scope, a.required, a.present, a.absent
from detail_reports as mr
inner join (select * from src.reports where {wanted}{prune}) as r
    on r.report_id = mr.report_id
left join (select * from src.attendance where {wanted}{prune}) as a
    on a.report_id = mr.report_id;
create or replace temp table detail_rules as
select report_id, rule, message
from src.quarantine
where report_id in (select report_id from detail_members);
create or replace temp table detail_spans as
select report_id, field, value, start_offset, end_offset, snippet
from src.fact_spans
where {wanted}{prune};
create or replace temp table detail_texts as
select report_id, text
from src.report_texts
where {wanted}{prune};

-- name: wanted_joined
report_id in (select report_id from detail_reports)

-- name: wanted_listed
report_id = any($reports::varchar[])

-- name: partitioned_tables
-- Source tables whose rows carry the lake partition they are stored in (a views-over-the-lake
-- snapshot): reads filtered on it open only those files.
select table_name from information_schema.columns
where table_catalog = 'src' and column_name = 'lake_year' and data_type in ('BIGINT', 'INTEGER');

-- name: detail_chunks
-- The detail chunk of each meeting in $ids, as JSON text (the page's payload, composed here so
-- that no row of it passes through Python objects): {"reports": [...]} in (event, report id)
-- order, each report with its failed rules, its facts in span order — the offsets are code
-- points, as the extractor counts them; the page cuts the text at them (dashboards/static/app.js
-- cutText) — and its text. Facts are joined as JSON text (string_agg) rather than as a list of
-- structs: a third less CPU on the 20k snapshot's 2,000 meetings.
with members as (
    select * from detail_members where meeting_id in (select unnest($ids::varchar[]))
),
rules as (
    select report_id, to_json(list({'rule': rule, 'message': message} order by rule, message)) as rules
    from detail_rules semi join members using (report_id)
    group by report_id
),
facts as (
    select report_id,
           ('[' || string_agg(to_json({'field': field, 'value': value, 'start': start_offset, 'end': end_offset,
                                       'snippet': snippet})::varchar, ','
                              order by start_offset, end_offset, field, value) || ']')::json as facts
    from detail_spans semi join members using (report_id)
    group by report_id
),
reports as (
    select m.meeting_id, m.event, m.report_id, to_json({
               'report_id': m.report_id, 'file_path': m.file_path, 'title': m.title, 'event': m.event,
               'event_date': m.event_date, 'year_source': m.year_source, 'duplicate_of': m.duplicate_of,
               'valid': m.valid, 'scope': m.scope, 'required': m.required, 'present': m.present,
               'absent': m.absent, 'rules': coalesce(r.rules, '[]'::json), 'facts': coalesce(f.facts, '[]'::json),
               'text': t.text
           })::varchar as report
    from members as m
    left join rules as r on r.report_id = m.report_id
    left join facts as f on f.report_id = m.report_id
    left join detail_texts as t on t.report_id = m.report_id
)
select meeting_id, '{"reports":[' || string_agg(report, ',' order by event, report_id) || ']}' as chunk
from reports
group by meeting_id
order by meeting_id;

-- ---------------------------------------------------------------- top-list chunks

-- name: new_parts
-- Every top-list chunk (province, y) of the page: the previous build's that no change touched,
-- and those of the lists of this build.
create or replace temp table new_parts as
select p, y from old_parts anti join affected_parts using (p, y)
union
select p, y from new_lists;

-- name: rendered
-- The chunks a build writes: those of its lists (a full build: every one; an incremental one
-- those holding a group it merged or recomputed — the others hold the previous build's lists,
-- and the previous version's file is linked).
create or replace temp table rendered as select distinct p, y from new_lists;

-- name: rendered_parts
select p, y from rendered order by all;

-- name: all_parts
select p, y from new_parts order by all;

-- name: list_entries
-- The entries of the chunks a build writes, in chunk order.
select p, y, l, b, e, kind, item
from new_lists semi join rendered using (p, y)
order by p, y, l, b, e, kind, rank;

-- name: dim_values
select dim, value from dims order by dim, code;

-- name: dict_values
select value from dict_{column} order by code;

-- ---------------------------------------------------------------- the state files

-- name: save_years
-- A year-partitioned state table: one folder per year it has rows of (`part=<year>`, `part=all`
-- for the lists over all years); {part} is the year's expression (dashboards/state.py).
copy (select *, {part} as part from {source}) to '{target}'
    (format parquet, partition_by (part), write_partition_columns false, overwrite_or_ignore);

-- name: save_whole
copy (select * from {source}) to '{target}/part=all/data_0.parquet' (format parquet);

-- name: save_empty
-- A table without rows keeps its schema for the next build.
copy (select * from {source} limit 0) to '{target}/data_0.parquet' (format parquet);

-- name: drop_state
drop table if exists fresh_items;
drop table if exists fresh_people;
drop table if exists new_lists;
drop table if exists rendered;
drop table if exists d_removed;
drop table if exists d_added;
drop table if exists p_removed;
drop table if exists p_added;
drop table if exists p_counts;
drop table if exists all_sitting_cube;
drop table if exists all_distribution;
drop table if exists all_months;
drop table if exists all_meeting_cube;
drop table if exists all_violation_cube;
drop table if exists all_themes;

-- ---------------------------------------------------------------- the summary chunk

-- name: dims
-- The page's filter values: every value of a cube row, per dimension, sorted (years as numbers);
-- rows carry a value's position in this list (`code`), so equal data give equal codes.
create or replace temp table dims as
with cells as (
    select year, level, province, body, event from all_sitting_cube
    union select year, level, province, body, event from all_distribution
    union select year, level, province, body, event from all_months
    union select year, level, province, body, event from all_meeting_cube
    union select year, level, province, body, event from all_violation_cube
    union select year, level, province, body, event from all_themes
)

select 'year' as dim, cast(year as varchar) as value, row_number() over (order by year) - 1 as code
from (select distinct year from cells)
union all
select 'level', level, row_number() over (order by level) - 1 from (select distinct level from cells)
union all
select 'province', province, row_number() over (order by province) - 1 from (select distinct province from cells)
union all
select 'body', body, row_number() over (order by body) - 1 from (select distinct body from cells)
union all
select 'event', event, row_number() over (order by event) - 1 from (select distinct event from cells);

-- name: cube_dict
-- The values of one coded column of a cube (violations' source and rule, themes' theme), sorted.
create or replace temp table dict_{column} as
select {column} as value, row_number() over (order by {column} nulls last) - 1 as code
from (select distinct {column} from all_{cube});

-- name: cube_json
-- One cube's rows as JSON arrays [dim codes…, extra columns…, measures…], comma-separated.
select coalesce(string_agg(json_array(y.code, l.code, p.code, b.code, e.code{columns}), ','
                           order by c.year, c.level, c.province, c.body, c.event{order}), '')
from all_{cube} as c
inner join dims as y on y.dim = 'year' and y.value = cast(c.year as varchar)
inner join dims as l on l.dim = 'level' and l.value = c.level
inner join dims as p on p.dim = 'province' and p.value = c.province
inner join dims as b on b.dim = 'body' and b.value = c.body
inner join dims as e on e.dim = 'event' and e.value = c.event{joins};

-- ---------------------------------------------------------------- page-wide figures

-- name: totals
select
    (select count(*) from src.meetings) as meetings,
    (select count(*) from src.meeting_reports) as reports,
    (select count(*) from src.meeting_reports where duplicate_of is not null) as reposts,
    (select count(distinct file_path) from src.quarantine) as quarantined_files,
    (select count(*) from src.runs) as runs;

-- name: runs
select run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined,
       list(rule order by rule) filter (where rule is not null) as rules,
       sum(violations) as violations
from src.mart_quality_by_run
group by run_id, started_at, status, files_seen, files_new, files_loaded, files_quarantined
order by started_at desc nulls last, run_id
limit $limit;
