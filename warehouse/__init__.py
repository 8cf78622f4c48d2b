"""The warehouse: the table registry (`tables`), the SQL files by layer (`sql/`, read by
`sqlfiles`), the one writer (`store.Warehouse`), read-only queries (`store.query`), the Parquet
lake written a changed partition at a time (`lake.export_lake`) and the BI snapshot of views
over it (`snapshot.publish_snapshot`)."""
