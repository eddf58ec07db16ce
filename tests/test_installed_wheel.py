"""Issue 18: the package works installed from its wheel, outside the repo.

Builds the wheel, installs it (dependencies from the package index through pip's cache) into a fresh
virtualenv in a temporary folder, and from a folder outside the repo runs what a user runs: build,
query, `kg neo4j start` / `kg load` / `kg neo4j stop`, the Browser guide, and `kg eval` without the
repo's data. The Neo4j jars are the session's fetched ones (linked into a temporary home, so the
user's database is never touched and nothing is downloaded again).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from kg.graph.snapshot import ENV_DIR
from kg.neo4j import server

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """A fresh virtualenv with the wheel installed, and a working folder outside the repo."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600)  # fmt: skip
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert "project.license" not in built.stdout + built.stderr  # no setuptools deprecation warning
    [wheel] = dist.glob("paper_kg-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=900)  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-3000:]
    work = base / "work"
    work.mkdir()
    shutil.copy(SAMPLE, work / "papers.jsonl")
    return {"kg": venv / "bin" / "kg", "python": venv / "bin" / "python", "work": work}


def _user_env() -> dict[str, str]:
    """The environment without the repo's NEO4J_ and KG_ settings, but with the tests' snapshot folder
    (tests/conftest.py), so an installed `kg` never writes into the user's cache."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_")) or k == ENV_DIR}


def _run(installed: dict[str, Path], *args: str, env: dict[str, str] | None = None, timeout: float = 600):
    clean = _user_env()
    clean.pop("PYTHONPATH", None)
    return subprocess.run([str(installed["kg"]), *args], capture_output=True, text=True, cwd=installed["work"],
                          env={**clean, **(env or {})}, timeout=timeout)  # fmt: skip


def test_the_installed_package_is_not_the_repo(installed):
    where = subprocess.run([str(installed["python"]), "-c", "import kg, kg.browser; print(kg.__file__)"],
                           capture_output=True, text=True, cwd=installed["work"], check=True)  # fmt: skip
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout
    data = subprocess.run(
        [str(installed["python"]), "-c",
         "from kg.browser import GUIDE, STYLE, CYPHER_DIR; from kg.neo4j.server import POM; "
         "from kg.neo4j.saved_queries import saved_queries; "
         "from importlib import resources; "
         "print(GUIDE.is_file(), STYLE.is_file(), POM.is_file(), len(saved_queries()), "
         "resources.files('kg.view').joinpath('static', 'cytoscape.min.js').is_file(), "
         "resources.files('kg').joinpath('py.typed').is_file())"],
        capture_output=True, text=True, cwd=installed["work"], check=True,
    )  # fmt: skip
    # every saved query of the repo, kg view's vendored renderer, and the PEP 561 marker for type checkers
    saved = str(len(list((ROOT / "cypher").glob("*.cypher"))))
    assert data.stdout.split() == ["True", "True", "True", saved, "True", "True"]


def test_build_and_query_from_the_wheel(installed, tmp_path):
    build = _run(installed, "build", "papers.jsonl", "-o", "graph.json.gz", "-q")
    assert build.returncode == 0, build.stderr
    assert (installed["work"] / "graph.json.gz").is_file()
    snapshots = tmp_path / "snapshots"
    query = _run(installed, "query", "papers-using", "detection transformer", "--for", "object detection", "--json",
                 "--graph", "graph.json.gz", env={ENV_DIR: str(snapshots)})  # fmt: skip
    assert query.returncode == 0, query.stderr
    assert json.loads(query.stdout)["results"], "the sample has detection-transformer papers"
    assert len(list(snapshots.glob("*.marshal"))) == 1  # the graph's snapshot went where it was told


def test_eval_without_the_repo_data_says_so_in_one_line(installed):
    result = _run(installed, "eval")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "repo's shared data" in result.stderr and "kg eval ner FILE" in result.stderr


def test_guide_is_served_from_the_package(installed):
    env = _user_env()
    proc = subprocess.Popen([str(installed["kg"]), "neo4j", "guide", "--port", "0"], stderr=subprocess.PIPE,
                            text=True, cwd=installed["work"], env=env)  # fmt: skip
    try:
        first = proc.stderr.readline()
        base = first.split(" on ", 1)[1].split()[0].rstrip("/")
        with urllib.request.urlopen(f"{base}/guide.html", timeout=10) as response:
            assert '<article class="guide">' in response.read().decode()
        with urllib.request.urlopen(f"{base}/cypher/papers_using_x_for_y.params", timeout=10) as response:
            assert response.read().decode().startswith(":param x")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_neo4j_start_load_stop_from_the_wheel(installed, neo4j_home, tmp_path):
    # A home of our own that shares the fetched jars: the instance (conf, data, logs) is temporary.
    home = tmp_path / "neo4j-home"
    home.mkdir()
    for part in ("lib", "plugins"):
        (home / part).symlink_to(neo4j_home / part)
    shutil.copy(neo4j_home / server.STAMP, home / server.STAMP)
    bolt, http = server.free_port(), server.free_port()
    while http == bolt:
        http = server.free_port()
    env = {server.HOME_ENV: str(home)}
    if not (installed["work"] / "graph.json.gz").exists():
        assert _run(installed, "build", "papers.jsonl", "-o", "graph.json.gz", "-q").returncode == 0
    start = _run(installed, "neo4j", "start", "--bolt-port", str(bolt), "--http-port", str(http), "--heap", "512m",
                 "--pagecache", "128m", env=env)  # fmt: skip
    try:
        assert start.returncode == 0, start.stderr
        assert f"bolt://127.0.0.1:{bolt}" in start.stderr
        uri = f"bolt://127.0.0.1:{bolt}"
        load = _run(installed, "load", "--graph", "graph.json.gz", "--uri", uri, "-q", env=env)
        assert load.returncode == 0, load.stderr
        stats = _run(installed, "query", "stats", "--uri", uri, "--json", env=env)
        assert stats.returncode == 0, stats.stderr
        embedded = _run(installed, "query", "stats", "--graph", "graph.json.gz", "--json")
        assert json.loads(stats.stdout)["nodes"] == json.loads(embedded.stdout)["nodes"]
    finally:
        stop = _run(installed, "neo4j", "stop", env=env)
    assert stop.returncode == 0 and "Neo4j stopped" in stop.stderr
    assert server.status(home) is None
