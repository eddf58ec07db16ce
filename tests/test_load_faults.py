"""`kg load` killed (SIGKILL) at seeded random moments, on the create path (empty database) and on the merge
path (a database holding another graph): afterwards the database is as before, or the complete new graph,
or partial, and the next `kg load` of the same file always repairs it to exactly the file's contents (issue 18).

The moments are drawn from a seeded generator over the length of an uninterrupted run of the same
command, so a failure replays with the same seed; each outcome is printed (pytest -s shows it).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_neo4j_loader import _cli_env, reset_database, synthetic_graph

from kg.graph.store import save_graph
from kg.neo4j.loader import snapshot_database, snapshot_graph

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

SEED = 18
KILLS = 3  # per path; each kill costs at most one load and one repairing load
PAPERS = 1500


def _load(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.monotonic() - started


def _killed_at(command: list[str], env: dict[str, str], cwd: Path, delay: float) -> bool:
    """Start the load, SIGKILL it after `delay` s; True if it was killed (False: it had finished)."""
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        return process.wait(timeout=60) == -signal.SIGKILL
    assert process.returncode == 0
    return False


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """The graph already in the database (merge path) and the graph file being loaded, with their snapshots."""
    folder = tmp_path_factory.mktemp("load-faults")
    old, new = synthetic_graph(PAPERS, seed=1), synthetic_graph(PAPERS, seed=2)
    return {
        "folder": folder,
        "old": save_graph(old, folder / "old.json.gz"),
        "new": save_graph(new, folder / "new.json.gz"),
        "old_snapshot": snapshot_graph(old),
        "new_snapshot": snapshot_graph(new),
    }


@pytest.mark.parametrize("path", ["create", "merge"])
def test_killed_load_leaves_before_new_or_a_state_the_next_load_repairs(path, graphs, neo4j_server, clean_database):
    database = neo4j_server.settings.database
    env, cwd = _cli_env(neo4j_server), graphs["folder"]

    def command(graph: Path) -> list[str]:
        return [sys.executable, "-m", "kg.cli", "load", "--graph", str(graph), "--quiet", "--batch-size", "500"]

    def prepare() -> object:
        """The database before the load: empty (create path) or holding the old graph (merge path)."""
        reset_database(clean_database, database)
        if path == "merge":
            _load(command(graphs["old"]), env, cwd)
        return snapshot_database(clean_database, database=database)

    before = prepare()
    if path == "merge":
        assert before == graphs["old_snapshot"]
    else:
        assert sum(before.nodes.values()) == 0 and sum(before.relationships.values()) == 0
    whole = _load(command(graphs["new"]), env, cwd)  # the uninterrupted run: how long a load takes
    assert snapshot_database(clean_database, database=database) == graphs["new_snapshot"]

    rng = random.Random(f"{SEED}-{path}")
    outcomes = []
    for _ in range(KILLS):
        before = prepare()
        delay = rng.uniform(0.2, whole)
        killed = _killed_at(command(graphs["new"]), env, cwd, delay)
        after = snapshot_database(clean_database, database=database)
        state = "before" if after == before else "new" if after == graphs["new_snapshot"] else "partial"
        outcomes.append(f"{delay:.2f}s {'killed' if killed else 'finished'} -> {state}")
        if not killed:
            assert state == "new"
        _load(command(graphs["new"]), env, cwd)  # the next `kg load` of the same file
        assert snapshot_database(clean_database, database=database) == graphs["new_snapshot"], outcomes
    print(f"kg load {path} path, uninterrupted {whole:.1f}s; kills: " + "; ".join(outcomes))
    reset_database(clean_database, database)
