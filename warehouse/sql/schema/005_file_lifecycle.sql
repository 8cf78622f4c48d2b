-- File identity and run records (issue 13).
-- A file is identified by its inbox (the folder's resolved path) and its path inside it; rows
-- written before this column existed have inbox null until the next run claims them.
alter table file_ledger add column if not exists inbox varchar;
-- When a run first found the file gone from its inbox (null while it is there). Without
-- `--keep-removed` such a file's current version also stops being current.
alter table file_ledger add column if not exists missing_since timestamp;
alter table quarantine add column if not exists inbox varchar;
-- Run figures added later; `status` is `running` from the commit until the run's end is recorded.
alter table runs add column if not exists files_missing integer;
alter table runs add column if not exists files_skipped integer;
alter table runs add column if not exists meeting_reports integer;
