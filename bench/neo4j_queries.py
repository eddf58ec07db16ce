"""The Neo4j query rows alone, on an existing graph file: load it into the repo's server, time the plan.

    python bench/neo4j_queries.py GRAPH OUT.json [--k 10] [--reps 10] [--budget 10] [--only HELPER ...]
                                                 [--answers ANSWERS.json]

--only times those rows alone (e.g. papers_using+task). --answers also writes bench/helper_answers.py's answer
dump, answered by Neo4j: `cmp` it with the embedded dump of the same graph (the backends must agree) or with
another checkout's (answers must not change).

The same plan (kgbench.queries.pick_plan) and timing (time_queries) as bench/run.py's Neo4j rows, without
the build, extraction and provider rows around them (which take tens of minutes at 100k papers).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.graph.store import load_graph  # noqa: E402
from kgbench.neo4j_bench import Neo4jBench, neo4j_load, neo4j_queries  # noqa: E402
from kgbench.queries import pick_plan  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Load GRAPH into a fresh server, time the plan's questions on Neo4j, write the figures to OUT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--only", nargs="+", metavar="HELPER", help="time these rows alone, e.g. papers_using+task")
    parser.add_argument("--answers", type=Path, help="also dump helper_answers.py's answers, from Neo4j")
    args = parser.parse_args(argv)
    graph = load_graph(args.graph)
    plan = pick_plan(graph, args.k)
    if args.only:
        plan = {helper: arguments for helper, arguments in plan.items() if helper in args.only}
    papers = sorted(n for n, label in graph.nodes(data="label") if label == "Paper")
    nb = Neo4jBench(Path(tempfile.mkdtemp(prefix="kg-neo4j-queries-")))
    try:
        nb.fetch()
        nb.start(fresh=True)
        load = neo4j_load(nb, graph, 5000)
        del graph
        queries = neo4j_queries(nb, plan, args.reps, args.budget)
        if args.answers:
            from helper_answers import ranked_answers

            from kg.api import KnowledgeGraph
            from kg.query.neo4j_backend import Neo4jAccess

            answers = ranked_answers(KnowledgeGraph(Neo4jAccess(nb.driver, nb.database)), papers)
            args.answers.write_text(json.dumps(answers, indent=1, sort_keys=True, default=str), encoding="utf-8")
    finally:
        nb.stop()
    args.out.write_text(json.dumps({"load": load, **queries}, indent=1, default=str))
    for name, row in queries["queries"].items():
        if name not in plan:
            continue
        print(
            f"{name:28} p50 {row.get('p50_ms', 0):8.1f} ms  p95 {row.get('p95_ms', 0):8.1f} ms  calls {row.get('calls')}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
