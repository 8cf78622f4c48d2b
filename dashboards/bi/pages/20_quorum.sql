-- title: Quorum failures and rule violations by province and year
with sittings as (
    select province, year, sum(sittings) as sittings,
           sum(below_quorum + below_quorum_invalid) as quorum_failures, sum(invalid) as invalid_sittings
    from mart_sitting_cube
    group by province, year
),

violations as (
    select province, year, sum(violations) as violations
    from mart_violation_cube
    group by province, year
)

select coalesce(s.province, v.province) as province, coalesce(s.year, v.year) as year,
       coalesce(s.sittings, 0) as sittings, coalesce(s.quorum_failures, 0) as quorum_failures,
       coalesce(s.invalid_sittings, 0) as invalid_sittings, coalesce(v.violations, 0) as violations
from sittings as s
full join violations as v on v.province = s.province and v.year = s.year
order by province, year;
