"""The graph file streams: graph lines first, records after; version-1 files still open."""

from __future__ import annotations

import gzip
import json

import networkx as nx
import pytest

from kg.graph.store import GraphFileError, graph_to_dict, iter_records, load_graph, load_records, save_graph
from kg.models import Paper, PaperExtraction
from kg.pipeline import RecordSpool, assemble, drain

from tests.test_graph_query import EXTRACTIONS, PAPERS


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(PAPERS, EXTRACTIONS)


def test_graph_loads_without_reading_the_records(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    lines = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    tags = [json.loads(line)[0] for line in lines[1:]]
    # graph first, then records: a reader of the graph stops at the first record
    assert tags == sorted(tags, key=["N", "E", "P", "X"].index)
    assert tags.count("P") == len(PAPERS) and tags.count("X") == len(EXTRACTIONS)
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as fh:
        fh.write("\n".join([*lines[: -len(EXTRACTIONS)], '["X", {truncated']) + "\n")
    assert nx.utils.graphs_equal(load_graph(broken), graph)
    with pytest.raises(GraphFileError, match="cannot read"):
        load_records(broken)


def test_loaded_graph_shares_repeated_strings(tmp_path, graph):
    loaded = load_graph(save_graph(graph, tmp_path / "g.json.gz"))
    evidence = [s for _, _, ev in loaded.edges(data="evidence") if ev for s in ev]
    repeated = [s for s in set(evidence) if evidence.count(s) > 1]
    assert repeated, "the hand corpus has sentences that support several edges"
    for sentence in repeated:
        assert len({id(s) for s in evidence if s == sentence}) == 1
    assert all(isinstance(ev, tuple) for _, _, ev in loaded.edges(data="evidence") if ev is not None)


def test_version_1_files_still_open(tmp_path, graph):
    path = tmp_path / "v1.json.gz"
    payload = {
        "format": "paper-kg-graph", "version": 1, "graph": graph_to_dict(graph),
        "papers": [p.model_dump(exclude_defaults=True) for p in PAPERS],
        "extractions": [e.model_dump(exclude_defaults=True) for e in EXTRACTIONS],
    }
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh)
    assert nx.utils.graphs_equal(load_graph(path), graph)
    _, papers, extractions = load_records(path)
    assert papers == PAPERS and extractions == EXTRACTIONS
    assert [tag for tag, _ in iter_records(path)] == ["P"] * len(PAPERS) + ["X"] * len(EXTRACTIONS)


def test_unknown_version_is_refused(tmp_path):
    path = tmp_path / "v9.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": "paper-kg-graph", "version": 9}) + "\n")
    with pytest.raises(GraphFileError, match="version 9"):
        load_graph(path)


def test_failed_save_keeps_the_old_file(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS)
    before = path.read_bytes()

    def exploding():
        yield PAPERS[0]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        save_graph(graph, path, papers=exploding())
    assert path.read_bytes() == before
    assert not (tmp_path / "g.json.gz.tmp").exists()


def test_spool_round_trip_and_cleanup():
    spool = RecordSpool.of(PaperExtraction, EXTRACTIONS)
    assert len(spool) == len(EXTRACTIONS)
    assert list(spool) == EXTRACTIONS and list(spool) == EXTRACTIONS  # re-readable
    assert [PaperExtraction.model_validate_json(line) for line in spool.lines()] == EXTRACTIONS
    path = spool.path
    assert path.exists()
    spool.close()
    assert not path.exists()


def test_drain_empties_the_list_in_order():
    papers = [Paper(id=f"arxiv:{i}", title=f"T{i}") for i in range(5)]
    kept = list(papers)
    out = []
    for paper in drain(papers):
        out.append(paper)
        assert len(papers) == len(kept) - len(out)
    assert out == kept and papers == []
