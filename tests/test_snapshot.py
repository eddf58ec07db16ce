"""The loaded graph's binary snapshot (issue 18: `kg query` on a small graph skips the JSON).

A snapshot must give exactly the graph and stored extras the file gives, be used only for the very
file it was made from (a file saved again, another file, a damaged snapshot: the file is read), and
never be written where it is turned off or for a large graph.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import kg.graph.snapshot as snapshot
import kg.graph.store as store
from kg.api import KnowledgeGraph, to_records
from kg.graph.store import build_id, load_graph_stored, save_graph
from kg.pipeline import assemble
from tests.test_graph_query import EXTRACTIONS, PAPERS


@pytest.fixture
def snapshots(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "snapshots"
    monkeypatch.setenv(snapshot.ENV_DIR, str(folder))
    return folder


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(PAPERS, EXTRACTIONS)


def _answers(kg_: KnowledgeGraph) -> list:
    return [
        to_records(kg_.methods_for("object detection")),
        to_records(kg_.datasets_for("object detection")),
        to_records(kg_.tasks_for("DETR")),
        to_records(kg_.papers_using("DETR", task="object detection")),
        to_records(kg_.related_papers("arxiv:1")),
        kg_.stats(),
    ]


def _file_is_not_read(monkeypatch) -> None:
    def refuse(path):
        raise AssertionError("the graph file was parsed")

    monkeypatch.setattr(store, "_load_graph_stored", refuse)


def test_second_load_reads_the_snapshot_and_gives_the_same(graph, tmp_path, snapshots, monkeypatch):
    path = save_graph(graph, tmp_path / "g.json.gz")
    from_file, stored = load_graph_stored(path)
    assert load_graph_stored(path, snapshot=True)[0].number_of_nodes() == from_file.number_of_nodes()
    assert len(list(snapshots.iterdir())) == 1
    expected = _answers(KnowledgeGraph.load(path))
    _file_is_not_read(monkeypatch)
    loaded, restored = load_graph_stored(path, snapshot=True)
    assert nx.utils.graphs_equal(loaded, from_file)
    assert list(loaded.nodes) == list(from_file.nodes) and list(loaded.edges(keys=True)) == list(
        from_file.edges(keys=True)
    )
    assert all(loaded._succ[u][v] is loaded._pred[v][u] for u, v in loaded.edges())  # one keydict, as loading gives
    assert restored.stats == stored.stats
    assert restored.term_index["vocabulary"] == stored.term_index["vocabulary"]
    assert np.array_equal(restored.term_index["postings"], stored.term_index["postings"])
    assert np.array_equal(restored.link_table.shared, stored.link_table.shared)
    assert _answers(KnowledgeGraph.load(path, snapshot=True)) == expected


def test_a_file_saved_again_is_read_again(graph, tmp_path, snapshots):
    path = save_graph(graph, tmp_path / "g.json.gz")
    first = build_id(path)
    load_graph_stored(path, snapshot=True)
    smaller = graph.copy()
    smaller.remove_node("arxiv:1")
    save_graph(smaller, path)
    assert build_id(path) not in (None, first)
    assert load_graph_stored(path, snapshot=True)[0].number_of_nodes() == smaller.number_of_nodes()
    assert len(list(snapshots.iterdir())) == 1  # the file's new snapshot replaced its old one


def test_a_damaged_snapshot_is_ignored_and_replaced(graph, tmp_path, snapshots):
    path = save_graph(graph, tmp_path / "g.json.gz")
    load_graph_stored(path, snapshot=True)
    (written,) = snapshots.iterdir()
    written.write_bytes(written.read_bytes()[:1000])
    loaded, _ = load_graph_stored(path, snapshot=True)
    assert nx.utils.graphs_equal(loaded, load_graph_stored(path)[0])
    assert snapshot.read_snapshot(path, build_id(path)) is not None  # written again, whole


def test_no_snapshot_when_off_large_or_without_build_id(graph, tmp_path, monkeypatch):
    path = save_graph(graph, tmp_path / "g.json.gz")
    monkeypatch.setenv(snapshot.ENV_DIR, "")
    load_graph_stored(path, snapshot=True)
    folder = tmp_path / "snapshots"
    monkeypatch.setenv(snapshot.ENV_DIR, str(folder))
    monkeypatch.setattr(snapshot, "MAX_EDGES", graph.number_of_edges() - 1)
    load_graph_stored(path, snapshot=True)
    assert not folder.exists()
    monkeypatch.setattr(snapshot, "MAX_EDGES", 10**9)
    assert build_id(tmp_path / "absent.json.gz") is None
    monkeypatch.setattr(store, "build_id", lambda path: None)  # a file saved before build ids
    assert nx.utils.graphs_equal(load_graph_stored(path, snapshot=True)[0], graph)
    assert not folder.exists()


def test_a_snapshot_is_answered_without_networkx(graph, tmp_path, snapshots):
    # importing networkx is a quarter of a `kg query` on the sample graph: the engine reads its dicts only
    path = save_graph(graph, tmp_path / "g.json.gz")
    load_graph_stored(path, snapshot=True)  # writes the snapshot
    code = (
        "import sys; from kg.api import KnowledgeGraph, to_records\n"
        "kg = KnowledgeGraph.load(sys.argv[1], snapshot=True)\n"
        "answers = [to_records(kg.methods_for('object detection')), to_records(kg.related_papers('arxiv:1')),\n"
        "           kg.answer_papers_using('DETR', 'object detection').model_dump(), kg.stats()]\n"
        "print([m for m in ('networkx', 'pydantic') if m in sys.modules], len(repr(answers)) > 500)"
    )
    env = {**os.environ, snapshot.ENV_DIR: str(snapshots)}
    done = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[]", "True"]


def test_a_graph_read_from_its_snapshot_is_a_multidigraph_when_asked_for(graph, tmp_path, snapshots):
    path = save_graph(graph, tmp_path / "g.json.gz")
    load_graph_stored(path, snapshot=True)
    kg_ = KnowledgeGraph.load(path, snapshot=True)
    assert repr(kg_) == repr(KnowledgeGraph.load(path))  # counted from the dicts, networkx not needed
    assert isinstance(kg_.graph, nx.MultiDiGraph) and kg_.graph is kg_.graph
    assert nx.utils.graphs_equal(kg_.graph, graph)
    assert kg_._access.graph._node is kg_.graph._node  # the engine and the graph share the very dicts
