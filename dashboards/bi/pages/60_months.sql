-- title: Sittings per month
select year, month, sum(sittings) as sittings, sum(invalid) as invalid_sittings
from mart_sittings_by_month
where year <> -1 and month is not null
group by year, month
order by year, month;
