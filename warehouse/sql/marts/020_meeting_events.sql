-- Opening, closing and other sittings of a meeting as separate events.
create or replace view meeting_events as
select
    mr.meeting_id,
    coalesce(mr.event, 'other') as event,
    min(mr.event_date) as event_date,
    count(*) as reports,
    count(*) filter (where mr.duplicate_of is null) as distinct_reports,
    list(mr.report_id order by mr.report_id) as report_ids
from meeting_reports as mr
group by mr.meeting_id, coalesce(mr.event, 'other');
