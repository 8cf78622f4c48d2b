-- Keywords of a report, weighed by the warehouse's own reports (transforms/keywords.py: `weigh`
-- is the same formula in Python). Re-created on every open; the BI snapshot re-creates them over
-- the lake's `keyword_candidates`.
--
-- `keyword_document_frequency`: for every candidate term, in how many current reports (the
-- current version of each file, view current_files) it is a candidate.
-- `keywords`: the top 20 terms of each current report by tf × idf, tf = count / tokens,
-- idf = 1 + ln((N + 1) / (df + 1)) with N the current reports that have candidates; ties by
-- count, then term. It depends only on the set of current reports, so any order of loading the
-- same files (one run, or many nights with files changed in between) gives the same keywords, and
-- they follow the warehouse as it grows. Computed when read: about 2.6-4.8 s of CPU at 100,000
-- reports (32-64 candidates each), nothing at load.

create or replace view keyword_document_frequency as
select c.term, count(*) as reports
from keyword_candidates as c
where c.report_id in (select report_id from current_files)
group by c.term;

create or replace view keywords as
with current_candidates as (
    select *
    from keyword_candidates
    where report_id in (select report_id from current_files)
),

totals as (
    select count(distinct report_id) as reports
    from current_candidates
),

scored as (
    select
        c.report_id,
        c.term,
        c.count,
        round(c.count / c.tokens * (1 + ln((t.reports + 1) / (d.reports + 1))), 6) as weight
    from current_candidates as c
    cross join totals as t
    inner join keyword_document_frequency as d on d.term = c.term
)

select
    report_id,
    term,
    weight,
    cast(row_number() over (partition by report_id order by weight desc, count desc, term) as integer) as rank
from scored
qualify rank <= 20;
