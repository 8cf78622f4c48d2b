-- `keywords` becomes a view (marts/025_keywords.sql): the candidates of 004 ranked by the IDF of
-- the current reports when read. A table refreshed at every load (what 004 set up) cost a full
-- ranking per run (2.6-4.8 s of CPU at 100,000 reports) whether or not anyone read it; the
-- dashboard no longer does, and the lake carries the candidates instead.

drop table if exists keywords;
