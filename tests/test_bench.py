"""The benchmark corpus generator and runner: reproducibility, uniqueness, sizes, and the table's rows.

Behaviour only; no timing is asserted.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)
import run as bench_run  # noqa: E402  (bench/run.py)


def _real_material_or_skip() -> generate.Material:
    if not generate.material_sources():
        pytest.skip("no sentence material (examples/seed_abstracts.jsonl or /work/shared/seeds)")
    return generate.load_material()


@pytest.fixture(scope="module")
def small_material(tmp_path_factory) -> list[str]:
    """A made-up material file, so these tests do not depend on the real seeds."""
    path = tmp_path_factory.mktemp("material") / "m.jsonl"
    lines = []
    for i in range(40):
        abstract = " ".join(
            f"Sentence {j} of abstract {i} uses Method{i}-{j} on the Data{j} benchmark for task {i % 7}."
            for j in range(6)
        )
        title = f"Model{i}: A Study of Topic {i}" if i % 2 else f"Learning Topic {i} Quickly"
        lines.append(json.dumps({"title": title, "abstract": abstract}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(path)]


def _write(tmp_path: Path, name: str, size: int, seed: int, material: list[str] | None) -> bytes:
    out = generate.write_corpus(tmp_path / name, size, seed, material=material)
    return out.read_bytes()


def test_same_seed_and_size_give_identical_bytes(tmp_path, small_material):
    a = _write(tmp_path, "a.jsonl", 500, 7, small_material)
    b = _write(tmp_path, "b.jsonl", 500, 7, small_material)
    c = _write(tmp_path, "c.jsonl", 500, 8, small_material)
    assert a == b
    assert a != c


def test_smaller_size_is_a_prefix(tmp_path, small_material):
    big = _write(tmp_path, "big.jsonl", 300, 3, small_material)
    small = _write(tmp_path, "small.jsonl", 120, 3, small_material)
    assert big.startswith(small)


@pytest.mark.parametrize("size", [0, 1, 37, 1000])
def test_sizes_are_exact_and_records_well_formed(tmp_path, small_material, size):
    data = _write(tmp_path, f"s{size}.jsonl", size, 1, small_material).decode("utf-8")
    lines = data.splitlines()
    assert len(lines) == size
    ids = set()
    for _i, line in enumerate(lines):
        rec = json.loads(line)
        assert {"id", "title", "abstract", "year"} <= rec.keys()
        assert isinstance(rec["year"], int)
        ids.add(rec["id"])
        for ref in rec.get("references", []):  # citations only point back to earlier papers
            assert ref in ids and ref != rec["id"]
    assert len(ids) == size


def test_abstracts_are_5_to_9_real_sentences_from_different_abstracts(small_material):
    material = generate.load_material(small_material)
    source_of = {s: src for pool in (material.openers, material.middles, material.closers) for src, s in pool}
    for rec in generate.generate(200, 5, material):
        sentences = generate.split_sentences(rec["abstract"])
        assert 5 <= len(sentences) <= 9
        assert all(s in source_of for s in sentences)
        assert len({source_of[s] for s in sentences}) == len(sentences)


def test_titles_unique_over_20k_real_material():
    material = _real_material_or_skip()
    titles = [rec["title"] for rec in generate.generate(20_000, 7, material)]
    assert len(set(titles)) == 20_000


def test_title_capacity_covers_one_million_and_titles_stay_unique():
    material = _real_material_or_skip()
    assert material.capacity >= 1_000_000
    make = generate.TitleMaker(material, 7)
    digests = {hashlib.blake2b(make(i).encode(), digest_size=12).digest() for i in range(1_000_000)}
    assert len(digests) == 1_000_000


def test_titles_do_not_carry_a_counter(small_material):
    material = generate.load_material(small_material)
    titles = [rec["title"] for rec in generate.generate(200, 2, material)]
    # every title is "<real head>: <twist> <real tail>", never an appended number
    for title in titles:
        head, _, rest = title.partition(": ")
        twist, _, tail = rest.partition(" ")
        assert head in material.heads and twist in generate.TWISTS and tail in material.tails


def test_size_beyond_capacity_is_refused(small_material):
    material = generate.load_material(small_material)
    with pytest.raises(SystemExit):
        next(generate.generate(material.capacity + 1, 1, material))


def test_cli_is_reproducible(tmp_path, small_material):
    outs = []
    for name in ("x.jsonl", "y.jsonl"):
        subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "generate.py"),
                "--size",
                "64",
                "--seed",
                "11",
                "--material",
                small_material[0],
                "-o",
                str(tmp_path / name),
            ],
            check=True,
        )
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 64


# -- runner ---------------------------------------------------------------------------------------
def test_percentile():
    values = sorted(float(v) for v in range(1, 101))
    from kgbench.queries import percentile

    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([3.0], 95) == 3.0


def test_empty_runner_table_lists_every_row_as_not_available():
    from rich.console import Console

    runner = bench_run.Runner(bench_run.Config(True, 7, 10, 20, 5, 2, 1, 1.0, False, 100), Console(file=None))
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(runner.table())
    text = console.export_text()
    for name in bench_run.ROW_NAMES:
        assert name in text
    payload = runner.to_json()
    # the core rows in their order, then the ROW_PROVIDERS' rows
    assert [r["name"] for r in payload["rows"]][: len(bench_run.ROW_NAMES)] == bench_run.ROW_NAMES
    assert all(r["status"] == "not available" for r in payload["rows"])


def test_row_providers_add_their_rows_and_a_failing_one_shows_as_failed(tmp_path, monkeypatch):
    from rich.console import Console

    (tmp_path / "fake_provider.py").write_text(
        "from kgbench.rows import Row\n"
        "def rows(runner):\n"
        "    return [Row('load test [embedded]', 100, measured='p50 1 ms', status='info', note='8 clients')]\n"
    )
    (tmp_path / "broken_provider.py").write_text("def rows(runner):\n    raise RuntimeError('no graph')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(bench_run, "ROW_PROVIDERS", ["fake_provider", "broken_provider"])
    runner = bench_run.Runner(bench_run.Config(True, 7, 10, 20, 5, 2, 1, 1.0, False, 100), Console(file=io.StringIO()))
    runner.providers()
    names = [r["name"] for r in runner.to_json()["rows"]]
    assert names[: len(bench_run.ROW_NAMES)] == bench_run.ROW_NAMES
    assert names[len(bench_run.ROW_NAMES) :] == ["load test [embedded]", "broken_provider (bench/broken_provider.py)"]
    assert runner.rows["load test [embedded]"].measured == "p50 1 ms"
    broken = runner.rows["broken_provider (bench/broken_provider.py)"]
    assert broken.status == "failed" and "no graph" in broken.note
    assert "| load test [embedded] | 100 | p50 1 ms |" in runner.to_markdown()


def test_stage_sampler_is_a_module_that_samples_an_unchanged_kg_process(tmp_path):
    import os

    stem = tmp_path / "stages"
    site = REPO / "bench" / "kgbench" / "sampler"
    env = {**os.environ, "PYTHONPATH": str(site), "BENCH_STAGE_SAMPLER": str(stem)}
    env.pop("BENCH_SAMPLER_CHILD", None)
    code = "import time, kg.graph.build; t = time.time()\nwhile time.time() - t < 0.5: pass"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=str(tmp_path))
    [dump] = list(tmp_path.glob("stages.*.json"))
    data = json.loads(dump.read_text())
    assert sum(stage["samples"] for stage in data["stages"].values()) >= 5
    assert data["wall"] >= 0.5 and data["ru_maxrss"] > 0
    assert "imports" in data["stages"]
    assert not any(str(REPO) in key for key in data["funcs"])  # no absolute path of this machine


def test_query_plan_picks_frequent_entities():
    import networkx as nx

    g = nx.MultiDiGraph()
    for i in range(6):
        g.add_node(f"p{i}", id=f"p{i}", label="Paper", title=f"T{i}", abstract="")
    g.add_node("method:a", label="Method", name="A", paper_count=5)
    g.add_node("method:b", label="Method", name="B", paper_count=1)
    g.add_node("task:t", label="Task", name="T", paper_count=4)
    g.add_node("dataset:d", label="Dataset", name="D", paper_count=2)
    g.add_edge("method:a", "task:t", key="USED_FOR", count=3)
    g.add_edge("p0", "method:a", key="PROPOSES")
    plan = bench_run.pick_plan(g, 3)
    assert plan["papers_using"][0] == ["A"]
    assert plan["papers_using+task"] == [["A", "T"]]
    assert plan["papers_proposing"] == [["A"]]
    assert plan["methods_for"][0] == ["T"] and plan["tasks_for"][0] == ["A"]
    assert set(plan) == set(bench_run.HELPERS)
    assert all(plan[h] for h in bench_run.HELPERS)


@pytest.mark.slow
def test_quick_run_writes_every_row(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--json",
            str(out),
            "--width",
            "300",
            "--out",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for name in bench_run.ROW_NAMES:
        assert name in proc.stdout
    payload = json.loads(out.read_text())
    # the core rows in order, then the ROW_PROVIDERS' rows (bench/analytics.py, bench/cli_wall.py)
    names = [r["name"] for r in payload["rows"]]
    assert names[: len(bench_run.ROW_NAMES)] == bench_run.ROW_NAMES
    assert "kg analyze (centrality + fronts)" in names[len(bench_run.ROW_NAMES) :]
    assert "kg query wall time (sample graph)" in names[len(bench_run.ROW_NAMES) :]
    allowed = {"met", "MISSED", "info", "n/a", "not available", "failed"}
    for row in payload["rows"]:
        assert row["status"] in allowed
        if row["status"] in ("not available", "failed", "n/a"):
            assert row["note"], row  # a reason is always given
        else:
            assert row["measured"], row
    assert payload["machine"]["nproc"] >= 1
