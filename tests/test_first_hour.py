"""Issue 13 items 9 and 12: the demo says what to type next, and every `--help` of build/extract/export/load/neo4j reads cleanly."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph.snapshot import ENV_DIR

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
KG = Path(sys.executable).with_name("kg")


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("first_hour")
    with SAMPLE.open(encoding="utf-8") as fh:
        lines = fh.readlines()
    # 20 papers, plus the sample's detection-transformer papers so the demo's questions have answers
    (folder / "small.jsonl").write_text("".join(lines[:20] + lines[273:275] + lines[439:440]), encoding="utf-8")
    out = folder / "demo graph.json.gz"  # a space: the printed commands must quote it
    proc = subprocess.run(
        [str(KG), "build", str(folder / "small.jsonl"), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_demo_ends_with_next_commands_that_run(small_graph):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py"), str(small_graph)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    tail = proc.stdout[proc.stdout.index("Next: activate the virtualenv") :].splitlines()
    assert tail[1].strip() == "source .venv/bin/activate"
    commands = [line.strip() for line in tail[2:] if line.strip()]
    assert any(c.startswith("kg query related ") for c in commands)
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "kg" and args[-2:] == ["--graph", str(small_graph)]
        if args[1] == "export":
            continue  # would write into the working directory
        run = subprocess.run([str(KG), *args[1:]], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, (command, run.stderr)
        assert "no answers" not in run.stdout, command


HELP_COMMANDS = [["build"], ["extract"], ["export"], ["load"], ["neo4j", "start"], ["neo4j", "stop"]]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=" ".join)
def test_help_reads_cleanly(command):
    proc = subprocess.run(
        [str(KG), *command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "200", "PATH": "", ENV_DIR: os.environ[ENV_DIR]},
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    option_lines = [line for line in text.splitlines() if re.search(r"│\s+(\*\s+)?--", line)]
    # a flag takes no value: no `<bool>` placeholder (click's own --help line aside)
    assert not [line for line in option_lines if "<bool>" in line and "--help" not in line]
    assert "--jsonl" not in text  # output is always JSON Lines: the flag is gone from help
    if command in (["build"], ["extract"]):
        assert "<seeds-txt|jsonl|csv|arxiv-atom|arxiv-snapshot|openalex|semantic-scholar>" in text
        assert "[default: detected from name and content]" in text
    if command == ["build"]:
        assert "[default: ./graph.json.gz, or the --update file]" in text
    if command == ["export"]:
        assert "<graphml|json|neo4j-import>" in text and "[default: ./graph.json.gz]" in text


def test_wrong_export_format_lists_the_choices(small_graph, tmp_path):
    proc = subprocess.run(
        [str(KG), "export", "--format", "xml", "-o", str(tmp_path / "x"), "--graph", str(small_graph)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "'graphml', 'json', 'neo4j-import'" in " ".join(proc.stderr.split())


# -- item 13: the first Neo4j download reports progress; the Browser address is localhost ------------------


def test_first_download_reports_progress(tmp_path, monkeypatch):
    from kg.neo4j.server import jars as server

    monkeypatch.setattr(server, "PROGRESS_EVERY_S", 0.3)
    repository = tmp_path / "m2"
    fake_maven = (
        "import pathlib, sys, time\n"
        "p = pathlib.Path(sys.argv[1]); p.mkdir()\n"
        "for i in range(6):\n"
        "    (p / str(i)).write_bytes(b'x' * 2_000_000); time.sleep(0.25)\n"
        "print('BUILD SUCCESS')\n"
    )
    lines: list[str] = []
    result = server._run_reporting(
        [sys.executable, "-c", fake_maven, str(repository)], {}, repository, "server jars", lines.append
    )
    assert result.returncode == 0 and "BUILD SUCCESS" in result.stdout
    assert lines[0].startswith("fetching server jars from Maven Central")
    sizes = [int(m.group(1)) for line in lines if (m := re.search(r"server jars: (\d+) MB downloaded", line))]
    assert sizes and sizes == sorted(sizes) and sizes[-1] >= 2
    assert re.fullmatch(r"  server jars: done in \d+ s", lines[-1])


def test_browser_address_is_localhost():
    from kg.neo4j.server import ServerInfo

    info = ServerInfo(uri="bolt://127.0.0.1:7687", http_url="http://127.0.0.1:7474", pid=1)
    assert info.browser_url == "http://localhost:7474/browser/"


# -- item 15: the Python API at a prompt ------------------------------------------------------------------


def test_repr_and_records(small_graph):
    from kg import KnowledgeGraph, to_records

    g = KnowledgeGraph.load(small_graph)
    n_papers = sum(1 for _, label in g.graph.nodes(data="label") if label == "Paper")
    assert repr(g) == (
        f"<KnowledgeGraph embedded: {n_papers} papers, {g.graph.number_of_nodes()} nodes, "
        f"{g.graph.number_of_edges()} relationships>"
    )
    results = g.papers_using("transformer", task="object detection", limit=3)
    records = to_records(results)
    assert records and [r["paper_id"] for r in records] == [r.paper_id for r in results]
    assert all(isinstance(r, dict) and {"title", "score", "evidence"} <= set(r) for r in records)


# -- item 11: tables people read ------------------------------------------------------------------------


def test_answer_tables_have_a_readable_heading_full_ids_and_the_score_note(small_graph):
    import json

    env = {"COLUMNS": "80", "PATH": "", ENV_DIR: os.environ[ENV_DIR]}  # the tests' snapshot folder (conftest.py)
    first = json.loads(
        subprocess.run(
            [
                str(KG),
                "query",
                "papers-using",
                "transformer",
                "--for",
                "object detection",
                "--graph",
                str(small_graph),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )["results"][0]["paper_id"]
    args = [str(KG), "query", "related", first, "--graph", str(small_graph)]
    table = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env).stdout
    ids = [
        r["paper_id"]
        for r in json.loads(subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=120).stdout)[
            "results"
        ]
    ]
    assert ids
    assert table.strip().splitlines()[0].strip() == f'Papers related to "{first}"'
    assert "helper=" not in table
    for paper_id in ids:
        assert paper_id in table, paper_id  # whole, on one line: it can be pasted back
    assert "score: higher means stronger support" in table
