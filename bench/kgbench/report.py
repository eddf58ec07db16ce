"""The benchmark table as a rich Table, as Markdown (docs/benchmarks.md) and as JSON."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

from kgbench.rows import Row

COLOURS = {"met": "green", "MISSED": "bold red", "failed": "red", "not available": "yellow", "n/a": "dim"}
# Rows that open a section of the table.
SECTIONS = {"kg build, small corpus", "baseline: Bolt UNWIND CREATE", "baseline: embedded name lookup",
            "baseline: Neo4j RETURN 1"}  # fmt: skip


def table(rows: dict[str, Row], raw: dict[str, Any], *, quick: bool):
    """A rich Table of every row, titled with the machine it was measured on."""
    from rich.markup import escape
    from rich.table import Table

    m = raw.get("machine", {})
    title = (f"paper-kg benchmark ({'quick' if quick else 'full'}): {m.get('nproc')} cores "
             f"{m.get('cpu', '?')}, {m.get('memory')}, Python {m.get('python')}, spaCy {m.get('spacy')}, "
             f"{m.get('neo4j_server', 'Neo4j server n/a')}; load avg {m.get('loadavg_start')} → {m.get('loadavg_end')}")  # fmt: skip
    result = Table(title=escape(title), expand=True, title_justify="left")
    result.add_column("stage", ratio=3)
    result.add_column("papers", justify="right", ratio=1)
    result.add_column("measured", ratio=4)
    result.add_column("vs baseline", ratio=2)
    result.add_column("target", ratio=2)
    result.add_column("status", ratio=1)
    result.add_column("notes", ratio=6)
    for name, r in rows.items():
        if name in SECTIONS:
            result.add_section()
        status = r.status or "not available"
        note = r.note or ("not available: not measured in this run" if not r.status else "")
        result.add_row(escape(name), f"{r.papers:,}" if r.papers else "", escape(r.measured), escape(r.baseline),
                       escape(r.target), f"[{COLOURS.get(status, 'white')}]{escape(status)}[/]", escape(note))  # fmt: skip
    return result


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(rows: dict[str, Row]) -> str:
    """The table as Markdown, statuses met/MISSED in bold."""
    lines = ["| stage | papers | measured | vs baseline | target | status | notes |", "|---|---:|---|---|---|---|---|"]
    for name, r in rows.items():
        status = r.status or "not available"
        shown = f"**{status}**" if status in ("MISSED", "met") else status
        cells = (name, f"{r.papers:,}" if r.papers else "", r.measured, r.baseline, r.target, shown,
                 r.note or "not available: not measured in this run")  # fmt: skip
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def as_json(rows: dict[str, Row], raw: dict[str, Any]) -> dict:
    """Command line, machine, rows (status filled in) and the raw figures."""
    return {
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
        "machine": raw.get("machine"),
        "rows": [asdict(r) | {"status": r.status or "not available"} for r in rows.values()],
        "raw": {k: v for k, v in raw.items() if k != "machine"},
    }
