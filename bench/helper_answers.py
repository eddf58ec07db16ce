"""Before/after parity and latency of the ranking helpers on one graph file (issue 18).

Dumps methods_for / datasets_for of the 30 most mentioned tasks (as `kg query stats` lists them),
tasks_for of the 30 most mentioned methods and related_papers of 50 papers spread over the sorted ids,
as JSON (compare two dumps with `cmp`), then times the bench's plan (kgbench.queries) on the same graph.

    python bench/helper_answers.py GRAPH OUT.json           # OUT.json and OUT.json.times.json
    python bench/helper_answers.py --resave OLD NEW         # load and save again with this code (adds
                                                            # what this code stores; records streamed)

Run the first with two checkouts' code on the same graph file for a before/after pair.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def resave(old: str, new: str) -> None:
    """Load `old` and save it as `new` with this checkout's code, its records streamed across."""
    from kg.graph.store import iter_records, load_graph, save_graph

    graph = load_graph(old)
    save_graph(
        graph,
        new,
        papers=(r for tag, r in iter_records(old) if tag == "P"),
        extractions=(r for tag, r in iter_records(old) if tag == "X"),
    )


def ranked_answers(kg, papers: list[str]) -> dict[str, list]:
    """The dumped answers, from any backend: methods_for / datasets_for of the 30 most mentioned tasks,
    tasks_for of the 30 most mentioned methods, related_papers of 50 of the (sorted) `papers`."""
    from kg.api import to_records

    stats = kg.stats()
    answers = {}
    for task in [r["name"] for r in stats["top"]["Task"][:30]]:
        answers[f"m {task}"] = to_records(kg.methods_for(task))
        answers[f"d {task}"] = to_records(kg.datasets_for(task))
    for method in [r["name"] for r in stats["top"]["Method"][:30]]:
        answers[f"t {method}"] = to_records(kg.tasks_for(method))
    for paper in papers[:: max(1, len(papers) // 50)][:50]:
        answers[f"r {paper}"] = to_records(kg.related_papers(paper))
    return answers


def dump_and_time(graph_path: str, out: str) -> None:
    """Write the answers to `out` and the plan's latencies to `out`.times.json; print a summary."""
    from kg.api import KnowledgeGraph
    from kgbench.queries import pick_plan, time_queries

    started = time.perf_counter()
    kg = KnowledgeGraph.load(graph_path)
    print("load", round(time.perf_counter() - started, 1), "s", flush=True)
    papers = sorted(n for n, label in kg.graph.nodes(data="label") if label == "Paper")
    answers = ranked_answers(kg, papers)
    Path(out).write_text(json.dumps(answers, indent=1, sort_keys=True, default=str), encoding="utf-8")
    print(len(answers), "answers ->", out, flush=True)
    times = time_queries(kg, pick_plan(kg.graph, 10), 10, 10.0)
    Path(out + ".times.json").write_text(json.dumps(times, indent=1), encoding="utf-8")
    for helper, row in times.items():
        print(
            helper,
            "p50",
            round(row.get("p50_ms", -1), 2),
            "p95",
            round(row.get("p95_ms", -1), 2),
            row.get("slowest_arg"),
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--resave":
        resave(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        dump_and_time(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
