"""Issue 18, "the first hour, round two": what a newcomer meets on a fresh clone (Browser items: test_browser.py)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.neo4j import server

ROOT = Path(__file__).resolve().parents[1]
KG = Path(sys.executable).with_name("kg")


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- item 2: the README's Python snippet uses a password `kg neo4j start` can set -----------------------
def test_readme_passwords_are_ones_kg_neo4j_start_accepts(tmp_path, taken_port):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    passwords = re.findall(r'auth=\("neo4j", "([^"]*)"\)', readme)
    assert passwords, "the README shows how to connect with a password"
    env = {**os.environ, server.HOME_ENV: str(tmp_path)}
    for password in [*passwords, "secret"]:
        # the password is checked before anything else; a taken port is the next check, so nothing starts
        result = subprocess.run(
            [str(KG), "neo4j", "start", "--password", password, "--bolt-port", str(taken_port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 2
        too_short = "at least 8 characters" in result.stderr
        assert too_short == (password == "secret"), (password, result.stderr)


SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    """20 sample papers (plus the detection-transformer ones) built into a graph, built without -q."""
    folder = tmp_path_factory.mktemp("first_hour_2")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    papers = folder / "small.jsonl"
    papers.write_text("".join(lines[:20] + lines[273:275] + lines[439:440]), encoding="utf-8")
    graph = folder / "graph.json.gz"
    build = subprocess.run([str(KG), "build", str(papers), "-o", str(graph)], capture_output=True, text=True,
                           timeout=300)  # fmt: skip
    assert build.returncode == 0, build.stderr
    return {"papers": papers, "graph": graph, "folder": folder, "build_stderr": build.stderr}  # type: ignore[dict-item]


def _kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(KG), *args], capture_output=True, text=True, timeout=timeout)


# -- item 3: an empty or blank X, Y or NAME is a usage error ----------------------------------------------
@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["papers-using", ""], "X"),
        (["papers-using", "transformer", "--for", "  "], "--for"),
        (["methods-for", "   "], "TASK"),
        (["lookup", ""], "NAME"),
        (["tasks-for", "\t"], "METHOD"),
        (["related", ""], "PAPER_ID"),
    ],
)
def test_blank_names_are_usage_errors(args, what, small):
    result = _kg("query", *args, "--graph", str(small["graph"]))
    assert result.returncode == 2
    assert result.stderr.strip() == f'error: {what} is empty; give a name, e.g. "transformer"'
    assert result.stdout == ""


# -- item 4: tables people can read ------------------------------------------------------------------------
def test_aliases_are_never_cut_mid_word():
    from kg.cli.query import ALIASES_WIDTH, _alias_line

    aliases = ["regularization", "regularisation", "regularizer", "regularisers", "weight regularization",
               "regularization techniques", "regularization term"]  # fmt: skip
    line = _alias_line("regularization", aliases)
    shown, _, more = line.removeprefix("\n[dim]").removesuffix("[/]").partition(" (+")
    assert shown.split(", ") == aliases[1 : 1 + len(shown.split(", "))]  # whole aliases, in order
    assert len(shown) <= ALIASES_WIDTH and more == f"{len(aliases) - 1 - len(shown.split(', '))} more)"
    assert _alias_line("a", ["a", "b"]) == "\n[dim]b[/]" and _alias_line("a", ["a"]) == ""


def test_explain_does_not_repeat_the_asked_name(small):
    from kg.cli.query import _explain_line

    assert _explain_line("key: 'vision transformer' -> Vision Transformer", "Vision transformer") == (
        "key -> Vision Transformer"
    )
    assert _explain_line("key: 'classifying image' -> nothing", "classifying images") == (
        "key: 'classifying image' -> nothing"  # a different spelling was tried: worth showing
    )
    assert _explain_line("IS_A family: 1 more entities", "x") == "IS_A family: 1 more entity"
    result = _kg("query", "papers-using", "detection transformer", "--for", "object detection", "--explain",
                 "--graph", str(small["graph"]))  # fmt: skip
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert steps and not any("'detection transformer'" in line or "'object detection'" in line for line in steps)


def test_lookup_table_has_no_score_or_evidence_column(small):
    result = _kg("query", "lookup", "DETR", "--graph", str(small["graph"]))
    assert result.returncode == 0, result.stderr
    assert "DETR (Method)" in result.stdout and "Detection" in result.stdout  # the long form among its aliases
    header = next(line for line in result.stdout.splitlines() if "name" in line and "papers" in line)
    assert "score" not in header and "evidence" not in header and "id" in header
    assert "score:" not in result.stdout  # the score caption belongs to ranked answers


def test_eval_questions_explains_its_columns(small, tmp_path):
    from kg.eval.questions import COLUMN_NOTES

    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"qid": "t1", "x": "transformer", "x_type": "Method", "y": "object detection", "relevant": []}\n', "utf-8"
    )
    result = _kg("eval", "questions", str(questions), "--graph", str(small["graph"]))
    assert result.returncode == 0, result.stderr
    for column in ("found", "extra", "base", "empties", "evidence"):
        assert any(note.startswith(f"{column}:") for note in COLUMN_NOTES)
    for note in COLUMN_NOTES:
        assert note in result.stdout


# -- item 5: noise ---------------------------------------------------------------------------------------
def test_no_progress_bar_lines_when_output_is_not_a_terminal(small):
    # the fixture built without -q, with stderr a pipe: what a log file gets
    assert "\r" not in small["build_stderr"]
    assert "extract:" not in small["build_stderr"] and "paper/s" not in small["build_stderr"]
    update = _kg("build", str(small["papers"]), "--update", str(small["graph"]))
    assert update.returncode == 0 and "\r" not in update.stderr
    assert "extracted 0 papers" in update.stderr


def test_license_is_an_spdx_string_so_builds_do_not_warn():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]  # the first setuptools that takes SPDX


def test_ctrl_c_says_the_graph_is_unchanged(small, tmp_path):
    import shutil
    import signal
    import time

    graph = tmp_path / "graph.json.gz"
    shutil.copy(small["graph"], graph)
    before = graph.read_bytes()
    # a runner started in the background ignores SIGINT, and a child inherits that: give kg the default
    proc = subprocess.Popen([str(KG), "build", str(SAMPLE), "-o", str(graph), "-q"], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    time.sleep(4.0)  # imports done, extraction under way (the whole sample takes far longer)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == f"interrupted; {graph} unchanged"
    assert "Traceback" not in stderr and graph.read_bytes() == before


def test_binary_input_is_named_not_called_invalid_json(tmp_path):
    pdf = tmp_path / "papers.jsonl"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    zipped = tmp_path / "papers.csv"
    zipped.write_bytes(b"PK\x03\x04" + bytes(200))
    for path, kind in ((pdf, "a PDF"), (zipped, "a ZIP archive")):
        result = _kg("build", str(path), "-o", str(tmp_path / "g.json.gz"))
        assert result.returncode == 2
        assert f"looks like {kind}" in result.stderr and "invalid JSON" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_mistyped_graph_suggests_the_file_that_exists(small):
    typo = small["graph"].with_name("grpah.json.gz")
    result = _kg("query", "stats", "--graph", str(typo))
    assert result.returncode == 2
    assert f"did you mean {small['graph']}?" in result.stderr and "kg build" not in result.stderr
    elsewhere = _kg("query", "stats", "--graph", "/nonexistent/folder/graph.json.gz")
    assert "kg build INPUT -o /nonexistent/folder/graph.json.gz" in elsewhere.stderr  # nothing close: build one


# -- item 6: kg extract says how many papers and where --------------------------------------------------
def test_extract_prints_count_and_output_path(small, tmp_path):
    out = tmp_path / "mentions.jsonl"
    result = _kg("extract", str(small["papers"]), "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = len(out.read_text(encoding="utf-8").splitlines())
    assert written == 23
    assert result.stderr.strip().splitlines()[-1] == f"extracted {written} papers -> {out}"
    to_stdout = _kg("extract", str(small["papers"]))
    assert (
        to_stdout.stderr.strip().splitlines()[-1] == f"extracted {len(to_stdout.stdout.splitlines())} papers -> stdout"
    )
