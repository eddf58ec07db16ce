"""The benchmark table's rows, targets, working folder and number formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
_out = REPO / "bench" / "out"
MB = 1024 * 1024
GB = 1024 * MB
HELPERS = (
    "papers_using",
    "papers_using+task",
    "papers_proposing",
    "methods_for",
    "datasets_for",
    "tasks_for",
    "related_papers",
    "lookup",
    "stats",
)
TARGETS = {
    "build_large_s": 600.0,  # 100k abstracts < 10 min with 2 processes
    "extract_words_per_proc": 30_000.0,
    "neo4j_rels_per_s": 50_000.0,
    "bulk_records_per_s": 300_000.0,
    # issue 11: papers_using p95 < 5 ms embedded and < 30 ms on Neo4j at 100k papers
    "papers_using_p95_neo4j_ms": 30.0,
    "papers_using_p95_embedded_ms": 5.0,
    "embedded_rss_bytes": 1.5 * GB,
    # issue 18: fast answers at 100k papers (p95; stats p95 too)
    "helper_p95_embedded_ms": 50.0,  # methods_for, datasets_for, tasks_for, related_papers
    "helper_p95_neo4j_ms": 150.0,
    "stats_ms": 100.0,
    "first_text_question_ms": 500.0,  # the first text question after loading pays no index build over this
    "cli_query_s": 0.35,  # `kg query` on the 700-paper sample graph, end to end
    "cli_help_s": 0.25,  # `kg --help`
}
# helpers with an issue-18 latency target (papers_using and papers_using+task use the papers_using target)
HELPER_TARGETS = ("methods_for", "datasets_for", "tasks_for", "related_papers")


def out_dir() -> Path:
    """The working folder for corpora, graphs and the Neo4j instance (bench/out unless --out)."""
    return _out


def set_out_dir(path: Path) -> None:
    """Use PATH as the working folder from now on."""
    global _out
    _out = Path(path).resolve()


class NotAvailable(Exception):
    """A part of the project this row needs is missing (not written yet, or Java/Maven absent)."""


# rows
@dataclass
class Row:
    name: str
    papers: int | None = None
    measured: str = ""
    baseline: str = ""
    target: str = ""
    status: str = ""  # met | MISSED | info | n/a | not available | failed
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)


ROW_NAMES = [
    "baseline: spaCy tokenizer",
    "baseline: blank + PhraseMatcher",
    "extraction, 1 process",
    "extraction, 2 processes",
    "kg build, small corpus",
    "kg build, large corpus",
    "embedded graph: load + queries RSS",
    "baseline: Bolt UNWIND CREATE",
    "Neo4j load (Bolt batches)",
    "Neo4j bulk import (neo4j-admin)",
    "baseline: embedded name lookup",
    "first text question [embedded]",
    *[f"query {h} [embedded]" for h in HELPERS],
    "baseline: Neo4j RETURN 1",
    *[f"query {h} [neo4j]" for h in HELPERS],
]


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def fmt_bytes(x: float) -> str:
    return f"{x / GB:.2f} GB" if x >= GB else f"{x / MB:.0f} MB"


def fmt_s(x: float) -> str:
    return f"{x / 60:.1f} min ({x:.0f} s)" if x >= 120 else f"{x:.1f} s"


def wall_share(part: float, whole: float) -> str:
    return f"{part:.0f}s ({part / whole:.0%})" if whole > 0 else f"{part:.0f}s"


def fmt_ms(x: float) -> str:
    if x < 0.1:
        return f"{x * 1000:.1f} µs"
    return f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms"


def short_exc(exc: BaseException, limit: int = 240) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
