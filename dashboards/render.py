"""Dashboard data → one self-contained HTML page. Pure: no files, no database.

Charts are inline SVG laid out here (numbers only) and drawn by the template, so every label
passes jinja2's autoescaping. Report text is split at span boundaries into segments that the
template escapes one by one; the page's only script (inline, allowed by its hash in the
Content-Security-Policy) highlights the segments of the span named in the URL fragment. The
policy forbids every other script, every network load and inline event handlers, so a report
that contains `<script>` or `<img onerror>` shows that text and nothing runs.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"

HIGHLIGHT_JS = """
(function () {
  var lit = [];
  function show() {
    lit.forEach(function (el) { el.classList.remove('hl'); });
    lit = [];
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^s-[\\w-]+$/.test(id)) { return; }
    lit = Array.prototype.slice.call(document.querySelectorAll('[data-s~="' + id + '"]'));
    lit.forEach(function (el) { el.classList.add('hl'); });
    if (lit.length) {
      var source = lit[0].closest('details');
      if (source) { source.open = true; }
      lit[0].scrollIntoView({block: 'center'});
    }
  }
  window.addEventListener('hashchange', show);
  show();
})();
""".strip()

PALETTE = ("#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477")


def csp_for(script: str) -> str:
    """A policy that admits exactly this inline script and inline styles; nothing is fetched."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")


def segments(text: str, spans: Sequence[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Split `text` at every span boundary: [{"text", "spans": "id1 id2"}], covering the text
    exactly once in order. Spans outside the text are clipped; empty spans are dropped."""
    n = len(text)
    clipped = [(sid, max(0, min(s, n)), max(0, min(e, n))) for sid, s, e in spans]
    clipped = [(sid, s, e) for sid, s, e in clipped if e > s]
    cuts = sorted({0, n, *(s for _, s, _ in clipped), *(e for _, _, e in clipped)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = " ".join(sid for sid, s, e in clipped if s <= a and b <= e)
        out.append({"text": text[a:b], "spans": covering})
    return out


def bar_chart(items: Iterable[tuple[str, float]], *, width: int = 560, bar: int = 18, gap: int = 6,
              label_width: int = 200, max_value: float | None = None, fmt: str = "{:g}") -> dict[str, Any]:
    """Horizontal bars: label, value, geometry. `max_value` fixes the scale (e.g. 1.0 for rates)."""
    items = [(str(label), float(value)) for label, value in items if value is not None]
    top = max_value if max_value is not None else max((v for _, v in items), default=0.0)
    room = width - label_width - 60
    bars = []
    for i, (label, value) in enumerate(items):
        length = 0.0 if top <= 0 else max(0.0, value) / top * room
        bars.append({"label": label, "value": fmt.format(value), "x": label_width, "y": i * (bar + gap),
                     "w": round(max(length, 1.0), 2), "h": bar})
    return {"width": width, "height": max(len(bars) * (bar + gap), bar), "bars": bars,
            "label_width": label_width, "bar": bar}


def line_chart(series: Mapping[str, Sequence[tuple[int, float]]], *, width: int = 560, height: int = 240,
               y_max: float | None = None, fmt: str = "{:.0%}") -> dict[str, Any]:
    """One polyline per series over integer x (years); shared axes; legend order = sorted names."""
    pad_l, pad_r, pad_t, pad_b = 48, 16, 12, 28
    xs = sorted({x for pts in series.values() for x, _ in pts})
    ys = [y for pts in series.values() for _, y in pts if y is not None]
    top = y_max if y_max is not None else (max(ys) if ys else 1.0)
    top = top or 1.0
    x0, x1 = (xs[0], xs[-1]) if xs else (0, 1)
    span = (x1 - x0) or 1

    def px(x: float) -> float:
        return round(pad_l + (x - x0) / span * (width - pad_l - pad_r), 2) if x1 != x0 else (width / 2)

    def py(y: float) -> float:
        return round(height - pad_b - (y / top) * (height - pad_t - pad_b), 2)

    lines = []
    for i, name in enumerate(sorted(series)):
        pts = [(x, y) for x, y in sorted(series[name]) if y is not None]
        lines.append({"name": name, "color": PALETTE[i % len(PALETTE)],
                      "points": " ".join(f"{px(x)},{py(y)}" for x, y in pts),
                      "dots": [{"cx": px(x), "cy": py(y), "title": f"{name} {x}: {fmt.format(y)}"} for x, y in pts]})
    ticks_x = [{"x": px(x), "label": str(x)} for x in xs]
    ticks_y = [{"y": py(top * f), "label": fmt.format(top * f)} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "lines": lines, "ticks_x": ticks_x, "ticks_y": ticks_y,
            "pad_l": pad_l, "pad_b": pad_b, "pad_r": pad_r}


def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_dashboard(data: Mapping[str, Any]) -> str:
    """The whole page. `data` is what dashboards.build.load_dashboard_data returns."""
    template = environment().get_template("dashboard.html.j2")
    return template.render(**data, script=HIGHLIGHT_JS, csp=csp_for(HIGHLIGHT_JS))
