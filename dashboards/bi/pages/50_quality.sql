-- title: Data quality by rule
select source, rule, violations, files, meetings
from mart_quality_by_rule
order by source, rule;
