-- Keyword candidates (transforms/keywords.py): per report, its content terms with their counts,
-- at most 64, written once when the report is loaded. The `keywords` table (001_core.sql) is from
-- now on derived from them: every load that changes the warehouse replaces it with the view
-- `keyword_ranks` (marts/025_keywords.sql), the candidates weighed by the IDF of the current
-- reports. Its old rows (weights from jieba's general IDF, fixed at load) go; they cannot become
-- candidates (no counts), so a warehouse made before this file has keywords only for the reports
-- loaded from now on.

create table if not exists keyword_candidates (
    report_id  varchar not null,
    term       varchar not null,
    count      integer not null,   -- occurrences of the term in the report
    tokens     integer not null,   -- content tokens of the report (tf = count / tokens)
    primary key (report_id, term)
);

delete from keywords;
