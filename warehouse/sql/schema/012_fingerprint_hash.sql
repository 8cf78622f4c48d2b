-- Text fingerprints hash their shingles another way (transforms/reconcile.py `shingle_hashes`,
-- numpy; blake2b before). A sketch is only comparable with one hashed the same way, so in this
-- migration's transaction every stored sketch is recomputed from its text (the Python step
-- `refingerprint_texts` in warehouse/store.py runs after this file). Repost detection compares
-- sketches, so every meeting is reconciled again by the next run (no memberships = every
-- report's meeting is touched), and that run publishes (lake, snapshot, dashboard) even when
-- its inbox holds nothing new.
delete from meeting_reports;
update runs set published = false where published;
