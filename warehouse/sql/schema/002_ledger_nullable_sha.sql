-- Files rejected before they are read (too large, unreadable path) have no content hash.
-- Idempotent: dropping an absent NOT NULL is a no-op; brings early warehouse files in line.
alter table file_ledger alter column sha256 drop not null;
