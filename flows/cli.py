"""The `congress-etl` command line: parse, call, print."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="congress-etl: session reports → validated facts in DuckDB + Parquet.", no_args_is_help=True)
console = Console()


@app.callback()
def main() -> None:
    """congress-etl: session reports → validated facts in DuckDB + Parquet."""


@app.command("eval")
def eval_(
    corpus: Path = typer.Option(..., "--corpus", help="Corpus root; gold `file` paths are relative to it."),
    gold: Path = typer.Option(..., "--gold", help="gold.jsonl with hand-read facts."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the scores as JSON here."),
    predictions_out: Path | None = typer.Option(None, "--predictions", help="Write one JSON line per file here."),
) -> None:
    """Score extraction against gold facts (no database).

    Example: congress-etl eval --corpus ../shared/corpus --gold ../shared/corpus/gold.jsonl --json out.json
    """
    from flows.evaluate import evaluate

    result, preds = evaluate(corpus, gold)
    table = Table(title=f"Extraction vs gold ({result['files']} files)")
    for col in ("field", "precision", "recall", "f1", "support"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name, fig in result["fields"].items():
        table.add_row(name, *(str(fig[k]) for k in ("precision", "recall", "f1", "support")))
    ov = result["overall"]
    table.add_row("[bold]overall (micro)", str(ov["precision"]), str(ov["recall"]), str(ov["f1"]), "")
    vo = result["violations"]["overall"]
    table.add_row("[bold]violations", str(vo["precision"]), str(vo["recall"]), str(vo["f1"]), str(vo["support"]))
    console.print(table)
    if json_out:
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if predictions_out:
        with predictions_out.open("w", encoding="utf-8") as fh:
            for p in preds:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
