-- Which schema files this warehouse has applied: each `schema/NNN_*.sql` runs once, in number
-- order, and is recorded here in the same transaction. A schema file is never edited or renamed
-- once released; a change is a new file with the next number.
-- Files up to 003 are idempotent: warehouses made before this table existed apply them once more.

create table if not exists schema_version (
    version     varchar primary key,   -- the file name, e.g. 001_core.sql
    applied_at  timestamp not null     -- UTC
);
