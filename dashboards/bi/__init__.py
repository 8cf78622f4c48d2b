"""The BI project: report pages as SQL over the marts of the BI snapshot, run by a separate
DuckDB 1.x client (the `duckdb` CLI of the pinned `duckdb-cli` package) — the same way any BI
tool reads `data/serve/warehouse.duckdb` (see README, BI tools, for why not Evidence)."""
