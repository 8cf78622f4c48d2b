-- Named statements of reconciliation (warehouse/store.py). Not a migration.

-- name: inputs
-- Every current meeting report with what reconciliation compares; current = some current
-- file version points at it, so superseded versions of a file are not "other reports".
with current_reports as (
    select distinct report_id from file_ledger where is_current and report_id is not null
)
select
    r.report_id, r.region, r.adcode, r.province, r.level, r.body, r.term, r.session, r.event,
    r.meeting_date as date, r.meeting_name, a.required, a.present, a.absent, a.scope, r.presider,
    t.fingerprint
from reports as r
inner join current_reports using (report_id)
left join attendance as a on a.report_id = r.report_id
left join report_texts as t on t.report_id = r.report_id
where r.is_meeting_report
order by r.report_id;

-- name: input_people
-- Chairs in text order, and anyone the text places on the presidium (主席团…, not 执行主席).
select p.report_id, p.name, p.role
from people as p
inner join reports as r on r.report_id = p.report_id
where r.is_meeting_report and (p.role = '执行主席' or (p.role like '%主席团%' and p.role <> '执行主席'))
order by p.report_id, p.role, p.ordinal;

-- name: input_spans
-- The first span of each field conflicts are reported on.
select report_id, field, start_offset, end_offset, snippet
from fact_spans
where field in ('date', 'required', 'present', 'absent', 'presider')
qualify row_number() over (partition by report_id, field order by start_offset, end_offset) = 1
order by report_id, field;

-- name: insert_texts
insert into report_texts by name
select s.* from stg_report_texts as s
where not exists (select 1 from report_texts as t where t.report_id = s.report_id);

-- name: clear
-- `{table}` is filled from a fixed list of reconciliation tables in store.py, never from data.
delete from {table};

-- name: fill
insert into {table} by name select * from stg_{table};
