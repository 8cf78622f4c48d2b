"""Dashboard data → page files. Pure: no files, no database.

The page (templates/dashboard.html.j2) is a shell: its Content-Security-Policy lets scripts
come only from its own folder (`script-src 'self'`, no inline script, no eval), loads nothing
from the network, and `static/app.js` draws every chart and table from data chunks. A chunk is
a script `congressData("<name>", {...JSON...});` — `file://` pages cannot fetch() local files,
but they can load scripts. Report text travels as JSON strings and is put on the page with
textContent, never as markup, so a report that contains `<script>` or `<img onerror>` shows
that text and nothing runs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
# 'unsafe-inline' styles only: ECharts sets style attributes on the elements it draws.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'none'; form-action 'none'; base-uri 'none'; object-src 'none'")


def segments(text: str, spans: Sequence[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Split `text` at every span boundary: [{"text", "spans": "id1 id2"}], covering the text
    exactly once in order. Spans outside the text are clipped; empty spans are dropped.
    Cut here rather than in the browser: Python offsets count code points, JavaScript's UTF-16
    units, and the two differ on characters outside the BMP (rare CJK, emoji)."""
    n = len(text)
    clipped = [(sid, max(0, min(s, n)), max(0, min(e, n))) for sid, s, e in spans]
    clipped = [(sid, s, e) for sid, s, e in clipped if e > s]
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, (_, s, e) in enumerate(clipped):
        starts.setdefault(s, []).append(i)
        ends.setdefault(e, []).append(i)
    cuts = sorted({0, n, *starts, *ends})
    open_spans: set[int] = set()  # a sweep over the cuts: the spans covering each piece
    out = []
    for a, b in zip(cuts, cuts[1:]):
        open_spans.difference_update(ends.get(a, ()))
        open_spans.update(starts.get(a, ()))
        out.append({"text": text[a:b], "spans": " ".join(clipped[i][0] for i in sorted(open_spans))})
    return out


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
