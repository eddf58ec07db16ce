"""`kg build` and `kg build --update` killed (SIGKILL) at seeded random moments: the output file is always the
old graph or the new complete one, never a third thing (issue 13)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.graph.store import load_graph, read_records

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
KG = str(Path(sys.executable).with_name("kg"))
KILLS = 4  # per command; each run is shorter than one build (a couple of seconds)


def _counts(path: Path) -> tuple[int, int, int]:
    """(nodes, edges, paper records) of a graph file; raises if it is not a complete graph file."""
    graph = load_graph(path)
    papers, extractions = read_records(path)
    assert len(papers) == len(extractions)
    return graph.number_of_nodes(), graph.number_of_edges(), len(papers)


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    proc = subprocess.run([KG, *args], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started


def _kill_at(args: list[str], delay: float, env: dict[str, str]) -> int | None:
    """Start `kg args`, SIGKILL it after `delay` s (unless it finished); its return code."""
    proc = subprocess.Popen([KG, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=60)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Inputs, the old graph, and the expected counts of each complete result."""
    folder = tmp_path_factory.mktemp("faults")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "old.jsonl").write_text("".join(lines[:20]), encoding="utf-8")
    (folder / "more.jsonl").write_text("".join(lines[20:30]), encoding="utf-8")
    (folder / "full.jsonl").write_text("".join(lines[:30]), encoding="utf-8")
    # Spool files of killed builds land here, not in the machine's /tmp.
    env = {**os.environ, "TMPDIR": str(folder)}
    _run(["build", str(folder / "old.jsonl"), "-o", str(folder / "old.json.gz"), "-q"], env)
    took = _run(["build", str(folder / "full.jsonl"), "-o", str(folder / "full.json.gz"), "-q"], env)
    shutil.copy(folder / "old.json.gz", folder / "updated.json.gz")
    took_update = _run(["build", "--update", str(folder / "updated.json.gz"), str(folder / "more.jsonl"), "-q"], env)
    counts = {name: _counts(folder / f"{name}.json.gz") for name in ("old", "full", "updated")}
    assert len(set(counts.values())) == 3 or counts["full"] == counts["updated"]
    assert counts["old"] != counts["full"]
    return folder, env, counts, {"build": took, "update": took_update}


def _delays(rng: random.Random, duration: float) -> list[float]:
    # One kill in each slice of the run (stratified), so start-up, extraction and the write are all hit.
    return [(i + rng.random()) / KILLS * duration * 1.05 for i in range(KILLS)]


@pytest.mark.parametrize("command", ["build", "update"])
def test_killed_build_leaves_old_or_new_graph(corpus, tmp_path, command):
    folder, env, counts, durations = corpus
    new = counts["full" if command == "build" else "updated"]
    target = tmp_path / "graph.json.gz"
    if command == "build":
        args = ["build", str(folder / "full.jsonl"), "-o", str(target), "-q"]
    else:
        args = ["build", "--update", str(target), str(folder / "more.jsonl"), "-q"]
    rng = random.Random(f"issue-13-faults:{command}")
    outcomes = []
    for delay in _delays(rng, durations[command]):
        shutil.copy(folder / "old.json.gz", target)
        code = _kill_at(args, delay, {**env, "TMPDIR": str(tmp_path)})
        found = _counts(target)  # loads: complete, never truncated or mixed
        assert found in (counts["old"], new), f"killed after {delay:.2f}s: {found} is neither old nor new"
        assert code == -signal.SIGKILL or (code == 0 and found == new)
        outcomes.append("new" if found == new else "old")
    assert "old" in outcomes, "some kill landed before the rename"
    # the next complete run clears what the killed ones left (temporary graph file, lock sidecar)
    _run(args, {**env, "TMPDIR": str(tmp_path)})
    assert _counts(target) == new
    leftovers = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("kg-spool-"))
    assert leftovers == ["graph.json.gz"]
