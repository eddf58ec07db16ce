"""Before/after parity and latency of papers_using with a task on one graph file (issue 18).

Dumps answer_papers_using (results, explanation, resolution trace) for every dev question
(../shared/eval/questions-dev.jsonl) and for the 40 most frequent USED_FOR pairs of the graph (the
bench plan's pairs are the first 10), as JSON (compare two dumps with `cmp`), then times the bench's
papers_using+task row (kgbench.queries.pick_plan / time_queries) on the same graph.

    python bench/pu_task_answers.py GRAPH OUT.json       # OUT.json and OUT.json.times.json

Run it with two checkouts' code on the same graph file for a before/after pair (the older checkout
first on PYTHONPATH).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "questions-dev.jsonl"


def questions(graph) -> list[tuple[str, str]]:
    """(x, y) of the dev questions, then the graph's 40 most frequent USED_FOR pairs."""
    from kgbench.queries import pick_plan

    dev = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(q["x"], q["y"]) for q in dev]
    pairs += [(x, y) for x, y in pick_plan(graph, 40)["papers_using+task"]]
    return list(dict.fromkeys(pairs))


def dump_and_time(graph_path: str, out: str) -> None:
    """Write the answers to `out` and the plan's latencies to `out`.times.json; print a summary."""
    from kg.api import KnowledgeGraph
    from kgbench.queries import pick_plan, time_queries

    started = time.perf_counter()
    kg = KnowledgeGraph.load(graph_path)
    print("load", round(time.perf_counter() - started, 1), "s", flush=True)
    answers = {}
    for x, y in questions(kg.graph):
        answers[f"{x} / {y}"] = kg.answer_papers_using(x, y).model_dump()
    Path(out).write_text(json.dumps(answers, indent=1, sort_keys=True, default=str), encoding="utf-8")
    print(len(answers), "answers ->", out, flush=True)
    plan = {"papers_using+task": pick_plan(kg.graph, 10)["papers_using+task"]}
    times = time_queries(kg, plan, 10, 10.0)["papers_using+task"]
    Path(out + ".times.json").write_text(json.dumps(times, indent=1), encoding="utf-8")
    print({k: round(v, 2) if isinstance(v, float) else v for k, v in times.items()})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dump_and_time(sys.argv[1], sys.argv[2])
