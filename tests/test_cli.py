"""The `kg` command end to end on the sample corpus: build, query, extract, export, errors.

Expected answers were checked by reading the abstracts in examples/seed_abstracts.jsonl.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
KG = str(Path(sys.executable).with_name("kg"))
runner = CliRunner()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "seeds.json.gz"
    proc = subprocess.run([KG, "build", str(SAMPLE), "-o", str(out), "-q"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "699 papers" in proc.stderr
    return out


def _query(graph_file: Path, *args: str) -> dict:
    result = runner.invoke(app, ["query", *args, "--graph", str(graph_file), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _titles(answer: dict) -> list[str]:
    return [r["title"] for r in answer["results"]]


def test_transformers_for_object_detection(graph_file):
    answer = _query(graph_file, "papers-using", "transformers", "--for", "object detection")
    assert answer["query"] == {"helper": "papers_using", "x": "transformers", "task": "object detection"}
    titles = _titles(answer)
    # "Modern detection transformers (DETRs) ..." -- the Rank-DETR abstract.
    assert "Rank-DETR for High Quality Object Detection" in titles[:3]
    first = answer["results"][0]
    assert set(first) >= {"paper_id", "title", "evidence", "score"} and first["evidence"]


def test_sliced_wasserstein(graph_file):
    titles = _titles(_query(graph_file, "papers-using", "sliced Wasserstein distances"))
    assert "Sliced Wasserstein Estimation with Control Variates" in titles


def test_lookup_through_abbreviation(graph_file):
    # "Supervised dictionary learning (SDL) is a classical machine learning method ..."
    answer = _query(graph_file, "lookup", "SDL")
    names = [r["name"].lower() for r in answer["results"]]
    assert "supervised dictionary learning" in names


def test_stats_json(graph_file):
    result = runner.invoke(app, ["query", "stats", "--graph", str(graph_file), "--json"])
    stats = json.loads(result.stdout)
    assert stats["nodes"]["Paper"] == 699
    assert stats["nodes"]["Method"] > 100 and stats["nodes"]["Task"] > 30
    assert 0.2 < stats["share_with_method_and_task"] <= 1.0
    assert 0 < stats["offered"]["Dataset"] < stats["nodes"]["Dataset"]  # unconfident datasets are not offered


def test_stats_table_lists_offered_and_most_mentioned(graph_file):
    as_json = json.loads(runner.invoke(app, ["query", "stats", "--graph", str(graph_file), "--json"]).stdout)
    result = runner.invoke(app, ["query", "stats", "--graph", str(graph_file), "--top", "3"])
    assert result.exit_code == 0, result.output
    method_row = next(line for line in result.stdout.splitlines() if "(:Method)" in line)
    assert str(as_json["offered"]["Method"]) in method_row.split()
    top = next(line for line in result.stdout.splitlines() if line.startswith("Method most mentioned:"))
    assert top.count("(") == 3 and as_json["top"]["Method"][0]["name"] in top


def test_table_output_has_evidence(graph_file):
    result = runner.invoke(
        app, ["query", "papers-using", "transformer", "--for", "object detection", "-g", str(graph_file)]
    )
    assert result.exit_code == 0 and "Rank-DETR" in result.stdout


def test_export_graphml_and_json(graph_file, tmp_path):
    for fmt, name in (("graphml", "g.graphml"), ("json", "g.json")):
        result = runner.invoke(app, ["export", "--format", fmt, "-o", str(tmp_path / name), "--graph", str(graph_file)])
        assert result.exit_code == 0, result.output
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == len(
        json.loads((tmp_path / "g.json").read_text())["nodes"]
    )


def test_extract_jsonl_offsets(tmp_path):
    src = tmp_path / "two.jsonl"
    src.write_text("".join(SAMPLE.read_text().splitlines(keepends=True)[:2]))
    proc = subprocess.run([KG, "extract", str(src), "--jsonl"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    papers = {json.loads(line)["id"]: json.loads(line) for line in src.read_text().splitlines()}
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [row["paper_id"] for row in lines] == list(papers)
    for line in lines:
        assert line["mentions"], "every sample abstract mentions something"
        for m in line["mentions"]:
            assert papers[line["paper_id"]][m["field"]][m["start"] : m["end"]] == m["text"]


def test_errors_are_one_line_without_traceback(tmp_path):
    missing = subprocess.run(
        [KG, "query", "stats", "--graph", str(tmp_path / "nope.json.gz")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "graph file not found" in missing.stderr
    assert "Traceback" not in missing.stderr
    weird = tmp_path / "data.bin"
    weird.write_bytes(b"\x00\x01\x02")
    bad = subprocess.run([KG, "build", str(weird), "-o", str(tmp_path / "g.json.gz")], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and str(weird.name) in bad.stderr


def _readme_commands() -> list[str]:
    """The `kg ...` lines of the README's "Command line" block, comments removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("kg ")]


@pytest.mark.slow
def test_readme_commands_run_on_the_sample(graph_file, tmp_path):
    # issue 13 item 10: every README example does something on the sample, as written
    import shlex
    import shutil

    commands = _readme_commands()
    assert len(commands) >= 15
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    shutil.copy(graph_file, tmp_path / "graph.json.gz")
    for command in commands:
        args = shlex.split(command)[1:]
        if args[0] == "eval" or args[:2] == ["build", "examples/seed_abstracts.jsonl"]:
            continue  # the eval tests and the graph_file fixture run exactly these
        proc = subprocess.run([KG, *args], capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert proc.returncode == 0, (command, proc.stderr)
        assert "no answers" not in proc.stdout, command
        if "--json" in args:
            assert json.loads(proc.stdout)["results"], command
    assert (tmp_path / "mentions.jsonl").stat().st_size > 0 and (tmp_path / "import").is_dir()


def test_connection_options_are_defined_once_and_every_graph_command_has_them():
    import typer.main

    from kg.cli import app

    sources = "".join(
        p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parents[1] / "kg" / "cli").glob("*.py")
    )
    for flag in ("--graph", "--username", "--database"):
        assert sources.count(f'"{flag}"') == 1, flag  # one definition, in kg/cli/common.py
    command = typer.main.get_command(app)
    wanted = {"graph", "uri", "username", "password", "database"}
    groups = {"query": None, "eval": ["questions"], "load": None}
    checked = 0
    for group, names in groups.items():
        sub = command.commands[group]
        targets = [sub] if not hasattr(sub, "commands") else [sub.commands[n] for n in (names or sub.commands)]
        for target in targets:
            assert wanted <= {p.name for p in target.params}, target.name
            checked += 1
    assert checked == 10  # nine questions and kg load
