-- Named statements of the BI snapshot (warehouse/snapshot.py). Not a migration.
-- `{table}`, `{columns}` (the warehouse table's own columns and types), `{glob}` (the lake
-- version's files of that table) and `{info}` are filled by snapshot.py from the table
-- registry, the warehouse's schema and the lake path, never from report data.

-- name: view
-- One published table: its lake files, read back with the warehouse's column order and types
-- (`year` comes from the partition folder; a table without its own year column drops it).
create or replace view {table} as
select {columns}
from read_parquet({glob}, hive_partitioning = true);

-- name: lake_year
-- Tables partitioned by their report's meeting year also show the partition itself, as read
-- (newer DuckDB: an integer, NULL for the null partition; DuckDB 1.x: text): a reader that
-- filters on it reads only those partitions' files (the dashboard's nightly update does).
year as lake_year

-- name: year_column
-- A table's own `year`, from its partition folder. DuckDB 1.x reads the folder name as text,
-- the null partition as the string below; newer versions read NULL. Both become INTEGER/NULL.
cast(nullif(year::varchar, '__HIVE_DEFAULT_PARTITION__') as integer) as year

-- name: info
create or replace table {info} (lake_version varchar not null, published_at timestamp not null);
insert into {info} values ($1, $2);
