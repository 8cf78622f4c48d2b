-- Staging views: the sources cleaned for the marts. Re-created on every open.
-- `current_files`: the current version of every file in the ledger, `path` as `file_path`.
-- A file is identified by `inbox` + path; one removed from its inbox stops being current
-- (unless the run kept removed files: then `missing_since` says since when it is gone).

create or replace view current_files as
select
    path as file_path,
    version,
    sha256,
    size_bytes,
    mtime_ns,
    encoding,
    format,
    first_seen_at,
    last_seen_at,
    status,
    report_id,
    inbox,
    missing_since
from file_ledger
where is_current;
