"""Pure transforms: bytes and text in, facts out. No file I/O, no Prefect, no database."""
