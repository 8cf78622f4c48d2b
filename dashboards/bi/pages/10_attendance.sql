-- title: Attendance by level and body
-- Valid sittings only, pooled (present / required); invalid sittings counted apart.
select level, body, sum(sittings) as sittings, sum(invalid) as invalid_sittings,
       sum(required) as required, sum(present) as present,
       round(sum(present) / nullif(sum(required), 0), 4) as attendance_rate
from mart_sitting_cube
group by level, body
order by level, body;
