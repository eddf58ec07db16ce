"""`kg build --dask`: extraction partitions on a dask.distributed LocalCluster (issue 17).

The graph equals a local build's by digest; each worker builds the spaCy pipeline once; a worker killed
mid-build gets its partitions retried; a partition that cannot be extracted stops the build with one
clear error and leaves the old graph file as it was; without dask the flag names the extra.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import pipeline
from kg.cli import app
from kg.extract import Extractor
from kg.graph.store import load_graph
from kg.ingest import read_papers

distributed = pytest.importorskip("distributed", reason="the dask extra (paper-kg[dask]) is not installed")

from kg.distributed import DaskExtractor, open_client  # noqa: E402
from kg.distributed import worker as dask_worker  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
N_PAPERS = 40
runner = CliRunner()


def graph_digest(graph) -> str:
    """sha256 of every node and edge with its attributes, in a canonical order."""

    def canon(value):
        return json.dumps(value, sort_keys=True, default=list, ensure_ascii=False)

    nodes = sorted(canon([n, attrs]) for n, attrs in graph.nodes(data=True))
    edges = sorted(canon([u, v, k, attrs]) for u, v, k, attrs in graph.edges(keys=True, data=True))
    return hashlib.sha256("\n".join([*nodes, "--", *edges]).encode()).hexdigest()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The first 40 sample abstracts as one JSONL file."""
    path = tmp_path_factory.mktemp("dask") / "papers.jsonl"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:N_PAPERS]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def papers(inputs):
    return list(read_papers([inputs]))


@pytest.fixture(scope="module")
def local_digest(papers) -> str:
    graph, *_ = pipeline.build(papers, extractor=Extractor())
    return graph_digest(graph)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of 2 worker processes (1 thread each), shared by this module's tests."""
    with open_client("local:2") as dask_client:
        yield dask_client


def _worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_dask_build_equals_local_build_and_loads_the_pipeline_once_per_worker(client, papers, local_digest):
    graph, *_ = pipeline.build(papers, extractor=DaskExtractor(client, partition_size=6))
    assert graph_digest(graph) == local_digest
    loaded = client.run(dask_worker.loaded_pipelines)
    assert len(loaded) == 2
    # 7 partitions over 2 workers: every worker that took one built its pipeline exactly once
    assert set(loaded.values()) <= {0, 1} and sum(loaded.values()) >= 1


def test_worker_killed_mid_build_gets_its_partitions_retried(client, papers, local_digest):
    client.wait_for_workers(2)
    killed: list[int] = []

    def kill_one_worker(number: int, _: int) -> None:
        if number == 0:  # the other partitions are in flight on both workers now
            pid = sorted(_worker_pids(client).values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    extractor = DaskExtractor(client, partition_size=4, in_flight=6, on_partition=kill_one_worker)
    graph, *_ = pipeline.build(papers, extractor=extractor)
    assert killed
    assert graph_digest(graph) == local_digest
    client.wait_for_workers(2)  # the nanny restarted the killed worker
    assert killed[0] not in _worker_pids(client).values()


def test_cli_dask_local_build_equals_local_build(inputs, local_digest, tmp_path):
    out = tmp_path / "dask.json.gz"
    result = runner.invoke(app, ["build", str(inputs), "-o", str(out), "--dask", "local:2", "-q"])
    assert result.exit_code == 0, result.output
    assert "dask: 2 workers" in result.output
    assert graph_digest(load_graph(out)) == local_digest


def test_partition_that_keeps_failing_stops_the_build_and_keeps_the_old_graph(inputs, tmp_path, monkeypatch):
    import dask

    out = tmp_path / "graph.json.gz"
    assert runner.invoke(app, ["build", str(inputs), "-o", str(out), "-q"]).exit_code == 0
    before = out.read_bytes()
    # The scheduler runs in this process: no second chance for a task whose worker dies.
    monkeypatch.setitem(dask.config.config["distributed"]["scheduler"], "allowed-failures", 0)
    collect = DaskExtractor._collect

    def kill_workers_then_collect(self, number, future):
        if number == 0:
            # kill only once the partition runs on a worker: killed before that, the nanny's fresh worker
            # would simply run it
            deadline = time.monotonic() + 60
            while (
                not future.done()
                and time.monotonic() < deadline
                and not any(future.key in keys for keys in self.client.processing().values())
            ):
                time.sleep(0.01)
            for pid in _worker_pids(self.client).values():
                os.kill(pid, signal.SIGKILL)
        return collect(self, number, future)

    monkeypatch.setattr(DaskExtractor, "_collect", kill_workers_then_collect)
    result = runner.invoke(app, ["build", str(inputs), "-o", str(out), "--dask", "local:2", "-q"])
    assert result.exit_code == 2, result.output
    assert "partition 0 failed on the Dask cluster" in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".graph.json.gz.*"))  # no temporary left beside it


def test_without_dask_the_flag_names_the_extra(inputs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    out = tmp_path / "graph.json.gz"
    result = runner.invoke(app, ["build", str(inputs), "-o", str(out), "--dask", "local:2"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "error" in line]
    assert len(lines) == 1 and "paper-kg[dask]" in lines[0]
    assert not out.exists()
