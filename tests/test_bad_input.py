"""Issue 13 reproductions through the `kg` command: bad input gets one clear answer and a good graph is never lost."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph.store import load_graph

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
KG = str(Path(sys.executable).with_name("kg"))


def kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `kg` with the arguments; output captured as text."""
    return subprocess.run([KG, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def sample_lines(start: int, stop: int) -> list[str]:
    """Lines [start, stop) of the sample corpus."""
    with SAMPLE.open(encoding="utf-8") as fh:
        return fh.readlines()[start:stop]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A folder with small.jsonl (8 sample papers) and its graph good.json.gz."""
    folder = tmp_path_factory.mktemp("bad_input")
    (folder / "small.jsonl").write_text("".join(sample_lines(0, 8)), encoding="utf-8")
    proc = kg("build", folder / "small.jsonl", "-o", folder / "good.json.gz", "-q")
    assert proc.returncode == 0, proc.stderr
    return folder


def _copy_graph(small: Path, tmp_path: Path) -> tuple[Path, bytes]:
    target = tmp_path / "keep.json.gz"
    data = (small / "good.json.gz").read_bytes()
    target.write_bytes(data)
    return target, data


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Aborted" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    return " ".join(proc.stderr.split())


# -- item 1: a second build of the same output -------------------------------------------------------


def test_second_build_of_a_locked_output_fails_at_once(small, tmp_path):
    target, before = _copy_graph(small, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from kg.graph.writelock import graph_write_lock\n"
         f"with graph_write_lock({str(target)!r}):\n print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        message = _one_error_line(kg("build", small / "small.jsonl", "-o", target, "-q"))
        assert f"another build is writing {target}" in message
        assert target.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_two_builds_started_together_leave_one_whole_graph(small, tmp_path):
    target = tmp_path / "race.json.gz"
    procs = [subprocess.Popen([KG, "build", str(small / "small.jsonl"), "-o", str(target), "-q"],
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, stderr in results:
        assert code == 0 or (code == 2 and "another build is writing" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    good = load_graph(small / "good.json.gz")
    assert load_graph(target).number_of_nodes() == good.number_of_nodes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.json.gz"]


# -- item 2: empty, all-bad and binary inputs ------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n", b'{"foo": 1}\n{"bar": 2}\n', bytes(range(256)) * 20],
                         ids=["empty", "blank", "all-bad", "binary"])
def test_input_without_papers_keeps_the_old_graph(small, tmp_path, content):
    target, before = _copy_graph(small, tmp_path)
    bad = tmp_path / "input.jsonl"
    bad.write_bytes(content)
    message = _one_error_line(kg("build", bad, "-o", target, "-q"))
    assert "no papers read" in message and "left as it was" in message
    assert target.read_bytes() == before
    message = _one_error_line(kg("build", "--update", target, bad, "-q"))
    assert "no papers read" in message
    assert target.read_bytes() == before


# -- item 4: truncated graph files ----------------------------------------------------------------------


def _cut_lines(source: Path, target: Path, keep: int) -> None:
    lines = gzip.open(source, "rt", encoding="utf-8").read().splitlines()
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines[:keep]) + "\n")


def test_graph_cut_at_a_line_boundary_is_an_error_for_query_and_update(small, tmp_path):
    cut = tmp_path / "cut.json.gz"
    _cut_lines(small / "good.json.gz", cut, 40)  # inside the node lines
    message = _one_error_line(kg("query", "stats", "--graph", cut))
    assert f"graph file {cut} is truncated or incomplete" in message and "rebuild it" in message
    message = _one_error_line(kg("build", "--update", cut, small / "small.jsonl", "-q"))
    assert "truncated or incomplete" in message


def test_graph_cut_inside_gzip_given_to_update_is_one_line(small, tmp_path):
    cut = tmp_path / "cut.json.gz"
    data = (small / "good.json.gz").read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    before = cut.read_bytes()
    message = _one_error_line(kg("build", "--update", cut, small / "small.jsonl", "-q"))
    assert "truncated" in message and "EOFError" not in message
    assert cut.read_bytes() == before
