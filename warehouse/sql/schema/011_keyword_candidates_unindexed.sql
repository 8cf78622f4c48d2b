-- keyword_candidates without its primary-key index. It is the largest table (~43 rows per
-- report: 4.3 million at 100,000 reports), and DuckDB keeps a primary key's ART index in memory
-- and merges a transaction's keys into it at commit: a 100,000-report backfill's commit held
-- ~350 MB more and took 4x as long (19.4 s vs 4.7 s for the 4.3 million rows, measured alone).
-- The key (report_id, term) stays the table's key (warehouse/tables.py); it is upheld where
-- rows arrive: a report's rows are inserted once, with the report (`new_reports`), from staging
-- deduplicated by that key, and the load checks the run's own rows for a repeated key
-- (queries/load.sql `duplicate_keyword_candidates`) — cost proportional to the run, not to
-- the warehouse.
alter table keyword_candidates rename to keyword_candidates_indexed;

create table keyword_candidates (
    report_id  varchar not null,
    term       varchar not null,
    count      integer not null,   -- occurrences of the term in the report
    tokens     integer not null    -- content tokens of the report (tf = count / tokens)
);

insert into keyword_candidates select report_id, term, count, tokens from keyword_candidates_indexed;

drop table keyword_candidates_indexed;
