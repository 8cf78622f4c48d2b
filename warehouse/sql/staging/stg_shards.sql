-- Staging views over a run's Parquet shards (see flows/staging.py), used by store.py.
-- Not a migration. `{stg}`, `{mem}`, `{key}` and `{glob}` are filled by store.py from its fixed
-- table lists and the run's own shard folder, never from report data.

-- name: stage
-- Rows the parent passed in memory (unchanged and rejected files) plus the workers' shards.
-- Shards are named in inbox path order, so "first" below is the first file in path order.
create or replace temp view {stg} as
select * exclude (filename, file_row_number)
from (
    select *, null::varchar as filename, null::bigint as file_row_number from {mem}
    union all by name
    select * from read_parquet({glob}, filename = true, file_row_number = true, union_by_name = true)
)
{dedupe};

-- name: dedupe
-- Only when the run saw the same content twice: the first file's rows win, as in to_arrow.
qualify row_number() over (partition by {key} order by filename nulls first, file_row_number) = 1

-- name: reports_final
-- Workers only know read/decode failures; a report the parent's validation quarantined is not
-- valid either. Reports load under this run unless they say otherwise.
create or replace temp view stg_reports as
select * replace (
    valid and report_id not in (select report_id from stg_quarantine where report_id is not null) as valid,
    coalesce(loaded_run_id, (select max(run_id) from stg_runs)) as loaded_run_id
)
from stg_reports_shards;

-- name: texts
-- Decoded texts from the shards; a text already kept is not replaced.
insert into report_texts by name
select s.* from read_parquet({glob}) as s
where not exists (select 1 from report_texts as t where t.report_id = s.report_id)
qualify row_number() over (partition by s.report_id) = 1;
