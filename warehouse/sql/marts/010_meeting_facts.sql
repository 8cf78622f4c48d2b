-- `meeting_facts` is the public face of the warehouse: one row per current file version
-- that has a report. Contract columns come first and in this order; it holds no run ids or
-- timestamps and is deterministic (ordered list aggregates, ordered rows). Re-created on every open.

create or replace view meeting_facts as
with current_reports as (
    select file_path, report_id
    from current_files
    where report_id is not null
),

chairs as (
    select
        report_id,
        list(name order by ordinal) as executive_chairs
    from people
    where role = '执行主席'
    group by report_id
),

agenda as (
    select
        report_id,
        list(item order by ordinal) as agenda_items
    from agenda_items
    group by report_id
)

select
    r.report_id,
    f.file_path,
    r.is_meeting_report,
    r.meeting_name,
    r.region,
    r.level,
    r.body,
    r.term,
    r.session,
    r.event,
    r.meeting_date,
    r.venue,
    a.required,
    a.present,
    a.absent,
    r.quorum_claimed,
    r.attendance_scope,
    r.presider,
    c.executive_chairs,
    r.work_report_by,
    r.key_tasks,
    r.valid,
    r.adcode,
    r.province,
    r.city,
    r.county,
    r.meeting_time,
    g.agenda_items
from current_reports as f
inner join reports as r on r.report_id = f.report_id
left join attendance as a on a.report_id = r.report_id
left join chairs as c on c.report_id = r.report_id
left join agenda as g on g.report_id = r.report_id
order by f.file_path;

create or replace view quarantine_summary as
select
    rule,
    count(*) as reports,
    count(distinct file_path) as files
from quarantine
group by rule
order by rule;
