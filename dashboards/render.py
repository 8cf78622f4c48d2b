"""Dashboard data → page files. Pure: no files, no database.

The page (templates/dashboard.html.j2) is a shell: its Content-Security-Policy lets scripts
come only from its own folder (`script-src 'self'`, no inline script, no eval), loads nothing
from the network, and `static/app.js` draws every chart and table from data chunks. A chunk is
a script `congressData("<name>", {...JSON...});` — `file://` pages cannot fetch() local files,
but they can load scripts. Report text travels as JSON strings and is put on the page with
textContent, never as markup, so a report that contains `<script>` or `<img onerror>` shows
that text and nothing runs. A report's text travels whole with its facts' spans; the page cuts
it at them (app.js cutText), counting code points as the warehouse's offsets do.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
# 'unsafe-inline' styles only: ECharts sets style attributes on the elements it draws.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'none'; form-action 'none'; base-uri 'none'; object-src 'none'")


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    if hasattr(value, "__float__"):
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def chunk_script(name: str, payload: Mapping[str, Any]) -> str:
    """One data chunk as a script. JSON is valid JavaScript (ES2019 allows U+2028/2029 in
    strings); `<` is escaped so no chunk can ever close a script element it is inlined in."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=json_default).replace("<", "\\u003c")
    return f"congressData({json.dumps(name)},{body});\n"


def raw_chunk_script(name: str, body: str) -> str:
    """A chunk whose payload is JSON text already (composed from JSON the database wrote)."""
    return "congressData(" + json.dumps(name) + "," + body.replace("<", "\\u003c") + ");\n"


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_index(*, version: str, generated_at: str, first_part: str | None = None) -> str:
    """The page shell naming its data version (and the top-list chunk it shows first)."""
    return environment().get_template("dashboard.html.j2").render(csp=CSP, version=version,
                                                                   generated_at=generated_at, first_part=first_part)
