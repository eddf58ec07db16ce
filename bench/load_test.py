"""Load test: 8 clients asking mixed questions at once for 60 s, against each backend; errors, p50, p95.

    python bench/load_test.py                       # the sample graph, both backends, 8 clients x 60 s
    python bench/load_test.py --graph G --seconds 30 --no-neo4j --markdown out.md

Each client is a thread with its own handle (the embedded graph is shared, as in a notebook server;
on Neo4j each client opens its own KnowledgeGraph.neo4j, i.e. its own driver) and asks questions drawn
from a seeded mix over the graph's most frequent names (kgbench.queries.pick_plan): papers using X
(with and without a task), papers proposing X, methods / datasets for a task, tasks for a method,
related papers, lookup and stats. Requests are bounded by the duration; every exception counts as an
error and is reported with the question that raised it. Figures are printed as bench rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from kgbench.queries import call_helper, percentile, pick_plan  # noqa: E402
from kgbench.rows import Row, fmt_ms  # noqa: E402

CLIENTS = 8
SECONDS = 60.0
SAMPLE = REPO / "examples" / "seed_abstracts.jsonl"


@dataclass
class LoadResult:
    """What the clients did against one backend."""

    backend: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    per_helper: dict[str, int] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        """Questions answered without an error."""
        return len(self.latencies_ms)

    def p(self, q: float) -> float:
        """The q-th percentile latency in ms (0 when nothing was answered)."""
        values = sorted(self.latencies_ms)
        return percentile(values, q) if values else 0.0


def question_mix(graph: Any, k: int = 5) -> list[tuple[str, list]]:
    """(helper, arguments) pairs over the graph's most frequent names, every helper represented."""
    plan = pick_plan(graph, k)
    return [(helper, args) for helper, arg_lists in plan.items() for args in arg_lists]


def run_clients(
    open_client: Callable[[], Any],
    questions: list[tuple[str, list]],
    *,
    backend: str,
    clients: int = CLIENTS,
    seconds: float = SECONDS,
    seed: int = 18,
    close_clients: bool = True,
) -> LoadResult:
    """`clients` threads, each with `open_client()`, asking random questions until `seconds` have passed.

    `close_clients=False` when open_client hands every thread the same shared handle.
    """
    result = LoadResult(backend, clients, seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients)
    deadline: list[float] = []

    def client(number: int) -> None:
        rng = random.Random(f"{seed}-{number}")
        latencies, errors, helpers = [], [], {}
        try:
            handle = open_client()
        except Exception as exc:  # a client that cannot even connect is an error too
            with lock:
                result.errors.append(f"client {number} could not open: {type(exc).__name__}: {exc}")
            start.abort()
            return
        try:
            start.wait()
            with lock:
                if not deadline:
                    deadline.append(time.monotonic() + seconds)
            while time.monotonic() < deadline[0]:
                helper, args = rng.choice(questions)
                began = time.perf_counter()
                try:
                    call_helper(handle, helper, args)
                except Exception as exc:
                    errors.append(f"{helper}{tuple(args)}: {type(exc).__name__}: {str(exc)[:200]}")
                    continue
                latencies.append((time.perf_counter() - began) * 1000)
                helpers[helper] = helpers.get(helper, 0) + 1
        except threading.BrokenBarrierError:
            pass
        finally:
            if close_clients and hasattr(handle, "close"):
                handle.close()
        with lock:
            result.latencies_ms += latencies
            result.errors += errors
            for helper, count in helpers.items():
                result.per_helper[helper] = result.per_helper.get(helper, 0) + count

    threads = [threading.Thread(target=client, args=(i,), name=f"load-client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    return result


def row(result: LoadResult, papers: int) -> Row:
    """The bench row: p50/p95 measured, question count and errors in the note."""
    status = "info" if not result.errors else "failed"
    note = (f"{result.clients} clients x {result.seconds:.0f} s, {result.questions:,} questions "
            f"({result.questions / result.seconds:,.0f}/s), {len(result.errors)} errors")  # fmt: skip
    if result.errors:
        note += f"; first: {result.errors[0]}"
    return Row(
        f"load test, {result.clients} clients [{result.backend}]", papers,
        measured=f"p50 {fmt_ms(result.p(50))}, p95 {fmt_ms(result.p(95))}", status=status, note=note,
        values={"p50_ms": result.p(50), "p95_ms": result.p(95), "questions": result.questions,
                "errors": len(result.errors), "per_helper": result.per_helper},
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Build (or read) a graph, run the clients against each backend, print the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="graph file [default: the sample, built into bench/out]")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--no-neo4j", action="store_true", help="embedded backend only")
    parser.add_argument("--markdown", type=Path, help="also write the rows as a Markdown table here")
    args = parser.parse_args(argv)

    from kg import KnowledgeGraph
    from kg.neo4j.loader import load_graph_into_neo4j
    from kgbench import report
    from kgbench.neo4j_bench import Neo4jBench
    from kgbench.rows import out_dir

    graph_path = args.graph
    if graph_path is None:
        graph_path = out_dir() / "load-test-sample.json.gz"
        if not graph_path.exists():
            out_dir().mkdir(parents=True, exist_ok=True)
            KnowledgeGraph.build([SAMPLE]).save(graph_path)
    kg_ = KnowledgeGraph.load(graph_path)
    papers = sum(1 for _, label in kg_.graph.nodes(data="label") if label == "Paper")
    questions = question_mix(kg_.graph)
    rows: dict[str, Row] = {}
    result = run_clients(
        lambda: kg_, questions, backend="embedded", clients=args.clients, seconds=args.seconds, close_clients=False
    )
    r = row(result, papers)
    rows[r.name] = r
    print(f"{r.name}: {r.measured}; {r.note}", flush=True)
    if not args.no_neo4j:
        bench = Neo4jBench(out_dir() / "load-test-neo4j")
        try:
            bench.start(fresh=True)
            load_graph_into_neo4j(kg_.graph, bench.driver, database=bench.database)
            result = run_clients(lambda: KnowledgeGraph.neo4j(bench.uri), questions, backend="neo4j",
                                 clients=args.clients, seconds=args.seconds)  # fmt: skip
            r = row(result, papers)
            rows[r.name] = r
            print(f"{r.name}: {r.measured}; {r.note}", flush=True)
        finally:
            bench.stop()
    if args.markdown:
        args.markdown.write_text(report.markdown(rows), encoding="utf-8")
    return 1 if any(r.status == "failed" for r in rows.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
