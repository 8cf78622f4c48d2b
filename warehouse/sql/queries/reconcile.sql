-- Named statements of reconciliation (warehouse/store.py, driven by flows/reconcile.py). Not a
-- migration. A run recomputes only the meetings its changes touch: the meeting keys of reports
-- that became current, and the keys of reports that stopped being current or moved. Which
-- meeting every current report belongs to is decided here in SQL (cheap, no Python per report);
-- only the touched meetings' reports go through transforms/reconcile.py, a batch at a time.
-- `{table}` is filled from the fixed list of reconciliation tables in store.py, never from data.

-- name: unkeyed
-- Current meeting reports reconciled for the first time: their key parts are computed in Python.
select r.report_id, r.region, r.adcode, r.body, r.term, r.session
from reports as r
where
    r.is_meeting_report
    and r.report_id in (select report_id from current_files where report_id is not null)
    and not exists (select 1 from report_keys as k where k.report_id = r.report_id)
order by r.report_id;

-- name: add_keys
insert into report_keys by name
select s.* from stg_report_keys as s
where not exists (select 1 from report_keys as k where k.report_id = s.report_id);

-- name: forget_keys
-- A full recompute computes every report's key parts again.
delete from report_keys;

-- name: assign
-- Every current meeting report and its meeting key: transforms.reconcile.group_reports in SQL.
-- Within one (body, term, session) an adcode decides; a report without one joins the adcode
-- whose reports use its region name when exactly one adcode does, else keys by its name.
-- Reports without a full key are meetings of their own (`report:<id>`).
create or replace temp table reconcile_assigned as
with current_reports as (
    select distinct report_id from current_files where report_id is not null
),

keyed as (
    select r.report_id, k.region_name, k.keyable, nullif(r.adcode, '') as adcode, r.body, r.term, r.session
    from reports as r
    inner join current_reports using (report_id)
    inner join report_keys as k using (report_id)
    where r.is_meeting_report
),

named as (
    select distinct body, term, session, adcode, region_name
    from keyed
    where keyable and adcode is not null and region_name is not null
),

owners as (
    select body, term, session, region_name, min(adcode) as adcode, count(*) as codes
    from named
    group by body, term, session, region_name
)

select
    k.report_id,
    case
        when not k.keyable then 'report:' || k.report_id
        else coalesce('adcode:' || k.adcode, case when o.codes = 1 then 'adcode:' || o.adcode end, k.region_name)
            || '|' || k.body || '|' || k.term || '|' || k.session
    end as meeting_key
from keyed as k
left join owners as o
    on k.adcode is null and k.keyable
    and o.body = k.body and o.term = k.term and o.session = k.session and o.region_name = k.region_name;

-- name: touched
-- Meeting keys whose reports changed: a report that is new here or moved (its new key), a
-- report that left or moved (its old key), and any meeting left without reports.
select distinct meeting_key from (
    select a.meeting_key
    from reconcile_assigned as a
    left join meeting_reports as mr on mr.report_id = a.report_id
    left join meetings as m on m.meeting_id = mr.meeting_id
    where m.meeting_key is distinct from a.meeting_key
    union all
    select m.meeting_key
    from meeting_reports as mr
    inner join meetings as m on m.meeting_id = mr.meeting_id
    left join reconcile_assigned as a on a.report_id = mr.report_id
    where a.meeting_key is distinct from m.meeting_key
    union all
    select m.meeting_key
    from meetings as m
    where not exists (select 1 from meeting_reports as mr where mr.meeting_id = m.meeting_id)
)
order by meeting_key;

-- name: all_keys
-- A full recompute touches every meeting, present and past.
select meeting_key from reconcile_assigned
union
select meeting_key from meetings
order by meeting_key;

-- name: touched_series
-- The (region, body, term) series the touched meetings belonged to before this run: their
-- session_order findings are recomputed with the new meetings of the same series.
select distinct region_key, body, term
from meetings
where meeting_id in (select meeting_id from stg_touched);

-- name: clear_touched
-- Memberships of touched meetings, and any row of a report about to be written again.
delete from meeting_reports
where
    meeting_id in (select meeting_id from stg_touched)
    or report_id in (
        select a.report_id from reconcile_assigned as a
        where a.meeting_key in (select meeting_key from stg_touched)
    );
delete from conflicts where meeting_id in (select meeting_id from stg_touched);
delete from meeting_checks where rule = 'chairs_in_presidium' and meeting_id in (select meeting_id from stg_touched);
delete from meetings where meeting_id in (select meeting_id from stg_touched);

-- name: batch_inputs
-- The reports of a batch of touched meetings (stg_batch), with what reconciliation compares.
select
    a.meeting_key,
    r.report_id, r.region, r.adcode, r.province, r.level, r.body, r.term, r.session, r.event,
    r.meeting_date as date, r.meeting_name, t.required, t.present, t.absent, t.scope, r.presider,
    x.fingerprint
from reconcile_assigned as a
inner join stg_batch as b on b.meeting_key = a.meeting_key
inner join reports as r on r.report_id = a.report_id
left join attendance as t on t.report_id = r.report_id
left join report_texts as x on x.report_id = r.report_id
order by r.report_id;

-- name: batch_people
-- Chairs in text order, and anyone the text places on the presidium (主席团…, not 执行主席).
select p.report_id, p.name, p.role
from people as p
where
    p.report_id in (
        select a.report_id from reconcile_assigned as a
        inner join stg_batch as b on b.meeting_key = a.meeting_key
    )
    and (p.role = '执行主席' or (p.role like '%主席团%' and p.role <> '执行主席'))
order by p.report_id, p.role, p.ordinal;

-- name: batch_spans
-- The first span of each field conflicts are reported on.
select s.report_id, s.field, s.start_offset, s.end_offset, s.snippet
from fact_spans as s
where
    s.report_id in (
        select a.report_id from reconcile_assigned as a
        inner join stg_batch as b on b.meeting_key = a.meeting_key
    )
    and s.field in ('date', 'required', 'present', 'absent', 'presider')
qualify row_number() over (partition by s.report_id, s.field order by s.start_offset, s.end_offset) = 1
order by s.report_id, s.field;

-- name: fill
insert into {table} by name select * from stg_{table};

-- name: series_meetings
-- Every meeting of the given (region, body, term) series, for the session_order check.
select m.meeting_id, m.region_key, m.body, m.term, m.session, m.started_on
from meetings as m
inner join stg_series as s
    on m.region_key is not distinct from s.region_key
    and m.body is not distinct from s.body
    and m.term is not distinct from s.term
order by m.meeting_id;

-- name: clear_session_order
-- session_order findings of the series recomputed now, and any naming a touched meeting.
delete from meeting_checks
where
    rule = 'session_order'
    and (
        meeting_id in (select meeting_id from stg_series_meetings)
        or meeting_id in (select meeting_id from stg_touched)
        or other_meeting_id in (select meeting_id from stg_touched)
    );

-- name: drop_temps
drop table if exists reconcile_assigned;

