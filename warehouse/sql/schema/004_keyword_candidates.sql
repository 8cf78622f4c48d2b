-- Keyword candidates (transforms/keywords.py): per report, its content terms with their counts,
-- at most 64, written once when the report is loaded. The `keywords` view
-- (marts/025_keywords.sql) weighs them by the IDF of the warehouse's current reports.
-- The `keywords` table of 001_core.sql (weights from jieba's general IDF, fixed at load) is
-- replaced by that view; its rows cannot become candidates (no counts), so a warehouse made
-- before this file has keywords only for the reports loaded from now on.

create table if not exists keyword_candidates (
    report_id  varchar not null,
    term       varchar not null,
    count      integer not null,   -- occurrences of the term in the report
    tokens     integer not null,   -- content tokens of the report (tf = count / tokens)
    primary key (report_id, term)
);

drop table if exists keywords;
