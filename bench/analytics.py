"""Bench rows for the field analytics: kg trends, trends --rising, analyze on the large graph; kg view of a map.

    python bench/analytics.py --graph bench/out/graph-100000.json.gz     # print the rows for any graph

In bench/run.py (ROW_PROVIDERS) the rows use the large corpus's graph that the builds stage wrote. Each
figure is the median wall time of `reps` runs (the graph is loaded once, outside the timings): trends
for three frequent names, rising over every label, analyze (centrality + fronts, in memory, not
saved) and the view of a map of `--view-nodes` entities written to a temporary HTML file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from kgbench.rows import NotAvailable, Row, fmt_s, out_dir  # noqa: E402

VIEW_NODES = 2000
TARGET_S = 60.0  # "in seconds, not minutes"
VIEW_TARGET_S = 5.0


def _timed(call: Callable[[], Any], reps: int) -> tuple[float, Any]:
    """(median seconds, last result) of `reps` calls."""
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _fmt(seconds: float) -> str:
    """Seconds as the table shows them (milliseconds below one second)."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else fmt_s(seconds)


def _row(name: str, papers: int, seconds: float, target: float, note: str, **values: Any) -> Row:
    return Row(
        name,
        papers=papers,
        measured=_fmt(seconds),
        target=f"< {fmt_s(target)}",
        status="met" if seconds < target else "MISSED",
        note=note,
        values={"seconds": round(seconds, 3), **values},
    )


def measure(graph_path: Path, *, reps: int = 3, view_nodes: int = VIEW_NODES) -> list[Row]:
    """The four rows for one graph file."""
    from kg.analytics.graphdata import offered_entities
    from kg.api import KnowledgeGraph
    from kg.graph.schema import PAPER

    started = time.perf_counter()
    kg_ = KnowledgeGraph.load(graph_path)
    load_s = time.perf_counter() - started
    graph = kg_.graph
    papers = sum(1 for _, label in graph.nodes(data="label") if label == PAPER)
    methods = offered_entities(graph, ("Method",))
    top = sorted(methods, key=lambda e: (-graph.nodes[e].get("paper_count", 0), e))[:3]
    names = [graph.nodes[e]["name"] for e in top] or ["transformer"]
    rows = []
    seconds, trends = _timed(lambda: kg_.trends(names), reps)
    rows.append(
        _row(
            "kg trends (3 names)",
            papers,
            seconds,
            TARGET_S,
            f"{', '.join(names)}; graph load {fmt_s(load_s)} not included",
            years=len(trends[0].years),
        )
    )
    seconds, found = _timed(lambda: kg_.rising(limit=20), reps)
    rows.append(
        _row(
            "kg trends --rising",
            papers,
            seconds,
            TARGET_S,
            f"every offered entity tested; {len(found)} listed",
            listed=len(found),
        )
    )
    seconds, result = _timed(lambda: kg_.analyze(), reps)
    rows.append(
        _row(
            "kg analyze (centrality + fronts)",
            papers,
            seconds,
            TARGET_S,
            f"PageRank over {result.basis}; {len(result.fronts)} fronts; save not included",
            fronts=len(result.fronts),
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "view.html"
        seconds, _ = _timed(lambda: kg_.view(None, page, max_nodes=view_nodes), reps)
        size = page.stat().st_size
    rows.append(
        _row(
            f"kg view, {view_nodes:,}-node map",
            papers,
            seconds,
            VIEW_TARGET_S,
            f"one HTML file of {size / 1e6:.1f} MB (renderer inlined)",
            bytes=size,
        )
    )
    return rows


def rows(runner: Any) -> list[Row]:
    """bench/run.py provider: the rows on the large corpus's graph."""
    graph_path = out_dir() / f"graph-{runner.cfg.large}.json.gz"
    if not graph_path.exists():
        raise NotAvailable(f"needs the {runner.cfg.large:,}-paper graph, which `kg build` did not produce")
    return measure(graph_path, reps=min(runner.cfg.reps, 3))


def main(argv: list[str] | None = None) -> int:
    """Print the rows for a graph file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--view-nodes", type=int, default=VIEW_NODES)
    args = parser.parse_args(argv)
    for row in measure(args.graph, reps=args.reps, view_nodes=args.view_nodes):
        print(f"{row.name:36} {row.papers:>8,} papers  {row.measured:>8}  {row.target:>8}  {row.status:6}  {row.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
