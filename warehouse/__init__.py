"""The warehouse: DuckDB schema and views (`sql/*.sql`), the one writer (`store.Warehouse`),
read-only queries (`store.query`) and the Parquet lake (`lake.export_lake`)."""
