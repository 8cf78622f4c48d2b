-- title: Key-task themes by year
select year, theme, sum(tasks) as tasks, sum(work_reports) as work_reports
from mart_key_task_themes
where year <> -1
group by year, theme
order by year, tasks desc, theme;
