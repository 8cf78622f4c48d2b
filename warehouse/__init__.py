"""The warehouse: the table registry (`tables`), the SQL files by layer (`sql/`, read by
`sqlfiles`), the one writer (`store.Warehouse`), read-only queries (`store.query`) and the
Parquet lake (`lake.export_lake`)."""
