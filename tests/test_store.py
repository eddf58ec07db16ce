"""The graph file streams: graph lines first, records after; version-1 files still open."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

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
    lines = gzip.decompress(Path(path).read_bytes()).decode("utf-8").splitlines()
    tags = [json.loads(line)[0] for line in lines[1:]]
    # graph first, its text index and link table, then records: a reader of the graph stops at the first record
    assert tags == sorted(tags, key=["N", "E", "G", "I", "J", "L", "K", "P", "X", "T"].index)
    assert tags.count("P") == len(PAPERS) and tags.count("X") == len(EXTRACTIONS)
    assert tags.count("G") == 1 and tags.count("I") == 1 and tags[-1] == "T"
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt", encoding="utf-8") as fh:
        fh.write("\n".join([*lines[: -len(EXTRACTIONS)], '["X", {truncated']) + "\n")
    assert nx.utils.graphs_equal(load_graph(broken), graph)
    with pytest.raises(GraphFileError, match="truncated or incomplete"):
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
        "format": "paper-kg-graph",
        "version": 1,
        "graph": graph_to_dict(graph),
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.json.gz"]  # no temporary or lock file left


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


# -- issue 13 item 1: concurrent writers, item 4: truncated files -------------------------------------


def _tags_and_lines(path):
    lines = gzip.decompress(Path(path).read_bytes()).decode("utf-8").splitlines()
    return [json.loads(line)[0] if i else "H" for i, line in enumerate(lines)], lines


def _write_lines(path, lines):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def test_graph_cut_at_a_line_boundary_is_refused(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    tags, lines = _tags_and_lines(path)
    cut = tmp_path / "cut.json.gz"
    _write_lines(cut, lines[: tags.index("E") + 2])  # some edges, no counts line
    with pytest.raises(GraphFileError, match="truncated or incomplete.*rebuild it"):
        load_graph(cut)
    with pytest.raises(GraphFileError, match="truncated or incomplete"):
        load_records(cut)


def test_counts_that_disagree_are_refused(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    tags, lines = _tags_and_lines(path)
    del lines[tags.index("E")]  # one edge line lost in the middle
    broken = tmp_path / "broken.json.gz"
    _write_lines(broken, lines)
    with pytest.raises(GraphFileError, match="file says"):
        load_graph(broken)


def test_records_without_trailer_are_refused_but_the_graph_loads(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    _, lines = _tags_and_lines(path)
    cut = tmp_path / "cut.json.gz"
    _write_lines(cut, lines[:-2])  # last extraction and trailer gone
    assert nx.utils.graphs_equal(load_graph(cut), graph)  # the graph part is whole and checked
    with pytest.raises(GraphFileError, match="no trailer"):
        load_records(cut)


def test_file_cut_inside_the_gzip_stream_is_one_clear_error(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    data = path.read_bytes()
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(data[: len(data) - 40])
    with pytest.raises(GraphFileError, match="truncated"):
        load_records(cut)  # not EOFError


def test_version_2_files_without_counts_still_load(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    tags, lines = _tags_and_lines(path)
    old = [json.dumps({"format": "paper-kg-graph", "version": 2})]
    old += [line for tag, line in zip(tags[1:], lines[1:], strict=True) if tag not in ("G", "T")]
    v2 = tmp_path / "v2.json.gz"
    _write_lines(v2, old)
    assert nx.utils.graphs_equal(load_graph(v2), graph)
    _, papers, extractions = load_records(v2)
    assert papers == PAPERS and extractions == EXTRACTIONS


def _save_many(path: str, rounds: int, barrier) -> list[str]:
    from kg.graph.store import GraphLockedError

    errors = []
    g = assemble(PAPERS, EXTRACTIONS)
    barrier.wait(timeout=120)  # all writers start together
    for _ in range(rounds):
        try:
            save_graph(g, path, papers=PAPERS, extractions=EXTRACTIONS)
        except GraphLockedError as exc:
            errors.append(str(exc))
    return errors


def test_concurrent_saves_never_corrupt_the_file(tmp_path, graph):
    import concurrent.futures
    import multiprocessing

    path = tmp_path / "race.json.gz"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, concurrent.futures.ProcessPoolExecutor(3, mp_context=ctx) as pool:
        barrier = manager.Barrier(3)
        results = list(pool.map(_save_many, [str(path)] * 3, [15] * 3, [barrier] * 3))
    # every save either completed or was refused with the clear message; nothing else went wrong
    refused = [e for errors in results for e in errors]
    assert all("another build is writing" in e for e in refused)
    assert 0 < len(refused) < 45, "the writers overlapped, and some saves went through"
    assert nx.utils.graphs_equal(load_graph(path), graph)
    _, papers, extractions = load_records(path)
    assert papers == PAPERS and extractions == EXTRACTIONS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.json.gz"]


def test_a_held_lock_gives_a_clear_error_and_a_dead_holder_none(tmp_path, graph):
    import subprocess
    import sys

    from kg.graph.store import GraphLockedError
    from kg.graph.writelock import lock_path

    path = tmp_path / "g.json.gz"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from kg.graph.writelock import graph_write_lock\n"
            f"with graph_write_lock({str(path)!r}):\n print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(GraphLockedError, match=f"another build is writing {path}"):
            save_graph(graph, path)
        assert not path.exists()
    finally:
        holder.kill()
        holder.wait()
    assert lock_path(path).exists()  # SIGKILL: the sidecar stays, but its lock died with the process
    save_graph(graph, path)
    assert nx.utils.graphs_equal(load_graph(path), graph)
    assert not lock_path(path).exists()
