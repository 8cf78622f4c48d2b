"""The Prefect flows and the CLI: orchestration only."""
