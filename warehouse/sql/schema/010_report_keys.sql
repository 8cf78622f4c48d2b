-- What reconciliation groups a meeting report by, beyond the report's own columns: its region
-- name as a key part (transforms.reconcile.normalize_region) and whether it has a full meeting
-- key at all. Written once per report, the first time it is reconciled (a report's content,
-- and so its key parts, never changes), so a nightly run computes them only for its new reports.
create table if not exists report_keys (
    report_id    varchar primary key,
    region_name  varchar,            -- normalize_region(region)
    keyable      boolean not null    -- meeting_key(region or adcode, body, term, session) is not null
);
