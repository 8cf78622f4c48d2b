-- Named statements for file identity and run records (store.py). Not a migration.

-- name: ledger
-- This inbox's current files, for the scan.
select path, sha256, size_bytes, mtime_ns, status, missing_since
from file_ledger
where is_current and inbox = $inbox;

-- name: claim_legacy_ledger
-- Rows from before files had an inbox belong to the inbox of the first run that finds them.
update file_ledger set inbox = $inbox where inbox is null;

-- name: close_interrupted_runs
-- A run row still `running` belongs to a run that died (or could not record its end) after
-- its commit; only called under the run lock, so no run is actually going.
update runs
set
    status = 'failed',
    error = coalesce(error, 'interrupted after its commit: killed, or its end could not be recorded')
where status = 'running';

-- name: run_meetings
-- Meetings the run's new reports belong to (after reconciliation).
select count(distinct mr.meeting_id)
from meeting_reports as mr
inner join reports as r on r.report_id = mr.report_id
where r.loaded_run_id = $run_id;

-- name: move_inbox
-- An inbox moved to another folder keeps its files' identities (and their history).
update file_ledger set inbox = $new where inbox = $old;

-- name: unpublished_runs
-- Runs whose commit readers do not see yet (killed or failed between commit and publish).
select count(*) from runs where published = false;

-- name: mark_published
-- A publish shows the whole committed warehouse: every run before it is published too.
update runs set published = true where published = false;
