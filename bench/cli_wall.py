"""Bench rows: wall time of `kg --help` and of one `kg query` on the 700-paper sample graph (issue 18).

A person runs `kg query` many times in a row, so its start-up (imports, graph load) is most of what
they wait for. Each command runs as a fresh process, RUNS times; the row shows the median and the best,
and the note where the time of one in-process run goes (imports, load, question, output).

    python bench/cli_wall.py            # the two rows alone (builds the sample graph once, ~15 s)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kgbench.rows import REPO, TARGETS, Row, out_dir  # noqa: E402

RUNS = 7
SAMPLE = REPO / "examples" / "seed_abstracts.jsonl"
QUESTION = ["query", "methods-for", "image classification"]
# where one `kg query` spends its time, measured inside one process
_SPLIT = """
import time, sys
t0 = time.perf_counter()
import kg.cli.query, kg.api
t1 = time.perf_counter()
k = kg.api.KnowledgeGraph.load(sys.argv[1], snapshot=True)  # as `kg query` loads it
t2 = time.perf_counter()
k.methods_for("image classification")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def kg_command() -> list[str]:
    """The installed `kg` of this interpreter's environment (as a person runs it)."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kg.cli"]


def sample_graph() -> Path:
    """The sample graph, built once per working folder (again when built before graph files had a build id,
    which `kg query`'s snapshot needs: kg.graph.snapshot)."""
    from kg.graph.store import build_id

    path = out_dir() / "sample-graph.json.gz"
    if not path.exists() or build_id(path) is None:
        subprocess.run([*kg_command(), "build", str(SAMPLE), "-o", str(path), "-q"], check=True, capture_output=True)
    return path


def wall_times(cmd: list[str], runs: int = RUNS) -> list[float]:
    """Seconds per run of `cmd` as a fresh process (output discarded)."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(REPO))
        out.append(time.perf_counter() - t)
    return out


def _row(name: str, times: list[float], target: float, note: str) -> Row:
    median = statistics.median(times)
    return Row(
        name,
        None,
        f"median {median:.2f} s · best {min(times):.2f} s",
        "—",
        f"< {target:g} s",
        "met" if median < target else "MISSED",
        f"{len(times)} runs, each a fresh process; {note}",
        {"median_s": median, "best_s": min(times), "runs": times},
    )


def rows(runner=None) -> list[Row]:
    """The `kg --help` and `kg query` wall-time rows (--quick: on the quick run's graph, as info)."""
    quick = runner is not None and runner.cfg.quick
    graph = out_dir() / f"graph-{runner.cfg.large}.json.gz" if quick else sample_graph()
    if quick and not graph.exists():
        graph = sample_graph()
    help_times = wall_times([*kg_command(), "--help"])
    query_times = wall_times([*kg_command(), *QUESTION, "--graph", str(graph)])
    split = [
        statistics.median(x)
        for x in zip(
            *(
                map(
                    float,
                    subprocess.run(
                        [sys.executable, "-c", _SPLIT, str(graph)],
                        check=True,
                        capture_output=True,
                        text=True,
                        cwd=str(REPO),
                    ).stdout.split(),
                )
                for _ in range(3)
            ),
            strict=True,
        )
    ]
    where = (
        f"in one process: imports {split[0]:.2f} s, graph load {split[1]:.2f} s, question {split[2]:.3f} s, "
        "the rest is interpreter start and printing"
    )
    out = [
        _row("kg --help wall time", help_times, TARGETS["cli_help_s"], "`kg --help`"),
        _row(
            "kg query wall time (sample graph)",
            query_times,
            TARGETS["cli_query_s"],
            f"`kg {' '.join(QUESTION)}` on {graph.name}; {where}",
        ),
    ]
    if quick:  # the targets are judged in the full run, on the sample graph
        for row in out:
            row.status = "info"
    return out


if __name__ == "__main__":
    for row in rows():
        print(f"{row.name}: {row.measured} (target {row.target}: {row.status}); {row.note}")
