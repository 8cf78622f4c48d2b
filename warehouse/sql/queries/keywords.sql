-- Named statements that keep the `keywords` table equal to the view `keyword_ranks`
-- (marts/025_keywords.sql). warehouse/store.py runs them inside a load's transaction whenever the
-- load added reports or file versions, so the weights of every report follow the warehouse.
-- Cost: one ranking of every current report's candidates (about 3 s of CPU per 100,000 reports
-- of ~50 candidates on the 2-core machine).

-- name: clear_keywords
delete from keywords;

-- name: rank_keywords
insert into keywords by name
select report_id, term, weight, rank from keyword_ranks;
