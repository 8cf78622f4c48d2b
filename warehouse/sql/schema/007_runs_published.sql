-- Whether what a run committed has reached the readers (lake, BI snapshot, dashboard): false
-- from a commit that changed what they see until a run publishes (then true, also for a run
-- that only published); null for a run that changed and published nothing. Replaces the
-- `<warehouse>.unpublished` marker file.
alter table runs add column published boolean;
