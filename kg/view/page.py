"""Render the view data into one self-contained HTML file (the vendored renderer inlined, no CDN)."""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path

STATIC = "static"
_MARKER = re.compile(r"\{\{(TITLE|STYLE|DATA|RENDERER|APP)\}\}")
# Inside <script type="application/json"> the only way out is "</script>"; escaping <, > and & as
# JSON unicode escapes makes every input text inert there, and JSON.parse gives the text back.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _static(name: str) -> str:
    return resources.files("kg.view").joinpath(STATIC, name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """JSON safe to place between <script type="application/json"> tags."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def _inline_script(source: str) -> str:
    """A script's source safe inside <script> (a vendored file never ends the element early)."""
    if "</script" in source.lower():
        raise ValueError("a vendored script contains '</script' and cannot be inlined")
    return source


def render(data: dict) -> str:
    """The whole page as one string."""
    page = _static("view.html")
    parts = {
        "TITLE": html.escape(str(data.get("title", "paper-kg view"))),
        "STYLE": _static("view.css"),
        "DATA": script_json(data),
        "RENDERER": _inline_script(_static("cytoscape.min.js")),
        "APP": _inline_script(_static("view.js")),
    }
    # One pass over the template's markers: a "{{DATA}}" inside an inserted abstract is never replaced.
    return _MARKER.sub(lambda m: parts[m.group(1)], page)


def write_page(data: dict, path: str | Path) -> Path:
    """Write the page next to its final name and rename it into place (never a half-written page)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(render(data), encoding="utf-8")
    partial.replace(target)
    return target
