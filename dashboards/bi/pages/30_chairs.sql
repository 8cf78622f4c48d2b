-- title: Who chairs most
-- Meetings where a person was executive chair (执行主席) or presided (主持人).
select name, count(distinct meeting_id) as meetings,
       count(distinct meeting_id) filter (where role = '执行主席') as as_chair,
       count(distinct meeting_id) filter (where role = '主持人') as as_presider
from mart_people_appearances
where role in ('执行主席', '主持人')
group by name
order by meetings desc, name
limit 20;
