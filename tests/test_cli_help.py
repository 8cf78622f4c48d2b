"""The CLI's help says everything its source says: Typer renders help text as Rich markup, so
a `[default: …]` written in a help string vanished from `--help` (bench's --floor-reports and
--scale lost their defaults that way)."""

from __future__ import annotations

import click
import typer
from rich.text import Text

from flows.cli import app


def _help_texts() -> list[tuple[str, str]]:
    root = typer.main.get_command(app)
    ctx = click.Context(root)
    found = [("congress-etl", root.help or "")]
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        found.append((name, command.help or ""))
        found += [(f"{name} {param.name}", getattr(param, "help", None) or "") for param in command.params]
    return found


def test_every_help_text_survives_rich_markup() -> None:
    texts = _help_texts()
    assert len(texts) > 20  # every command and its options were found
    eaten = [(where, text) for where, text in texts if Text.from_markup(text).plain != text]
    assert eaten == []
