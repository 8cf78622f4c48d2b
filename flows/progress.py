"""A progress bar for long extractions, shown only on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def extraction_progress(total: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`; draws on stderr when enabled, does nothing otherwise."""
    if not enabled:
        yield lambda n: None
        return
    progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=False)
    with progress:
        bar = progress.add_task("extract", total=total)
        yield lambda n: progress.advance(bar, n)
