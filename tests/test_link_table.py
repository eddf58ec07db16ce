"""The stored link table (issue 18): every paper link as columns, for the ranking helpers.

The table saved with the graph must equal the one built from the graph, its slices must equal the
columns Neo4j builds from rows, its "shared sentence" masks must meet exactly when two links of a
paper share an evidence sentence, and a file without a whole table must answer the same.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from kg.api import KnowledgeGraph, to_records
from kg.graph.link_table import LinkTable
from kg.graph.schema import PAPER_ENTITY_TYPES, USE_ROLES
from kg.graph.store import load_graph_stored, save_graph
from kg.pipeline import assemble
from kg.query.columns import TYPES, AnchorColumns, LinkColumns, columns_of_links, shared_masks
from kg.query.embedded import NetworkxAccess
from tests.test_graph_query import EXTRACTIONS, PAPERS


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[nx.MultiDiGraph, Path]:
    graph = assemble(PAPERS, EXTRACTIONS)
    return graph, save_graph(graph, tmp_path_factory.mktemp("links") / "g.json.gz")


def _meets(masks: np.ndarray, a: int, b: int) -> bool:
    return bool((masks[a] & masks[b]).any())


def _check_masks(cols: LinkColumns) -> int:
    """Assert masks meet exactly when evidence meets, for every pair of rows of one paper; the pairs that meet."""
    meeting = 0
    for p in np.unique(cols.paper):
        rows = np.flatnonzero(cols.paper == p)
        for a in rows:
            for b in rows:
                if a < b:
                    shares = bool(set(cols.evidence(int(a))) & set(cols.evidence(int(b))))
                    assert _meets(cols.shared, a, b) == shares
                    meeting += shares
    return meeting


def test_link_table_round_trips_through_the_file(saved):
    graph, path = saved
    loaded, stored = load_graph_stored(path)
    assert nx.utils.graphs_equal(loaded, graph)  # the table travels beside the graph, not in it
    built, restored = LinkTable.of_graph(graph), stored.link_table
    assert restored is not None and restored.fits(loaded)
    assert (restored.paper_ids, restored.entity_ids, restored.roles) == (built.paper_ids, built.entity_ids, built.roles)
    for name in ("paper", "entity", "type", "role", "confidence", "shared", "by_entity", "entity_start"):
        assert np.array_equal(getattr(restored, name), getattr(built, name)), name
    edges = sum(
        1 for p, _, k in graph.edges(keys=True) if k in PAPER_ENTITY_TYPES and graph.nodes[p]["label"] == "Paper"
    )
    assert len(built.entity) == edges > 0
    # a payload cut short, damaged or of another format is refused (the table is built from the graph instead)
    header, chunks = built.payload()
    assert LinkTable.read_payload(header, iter(list(chunks)[:-1])) is None
    assert LinkTable.read_payload(header, iter(["!!"] * 99)) is None
    assert LinkTable.read_payload({**header, "format": 99}, iter([])) is None


def test_table_slices_equal_the_columns_built_from_rows(saved):
    graph, _ = saved
    access = NetworkxAccess(graph)
    papers = sorted(n for n, label in graph.nodes(data="label") if label == "Paper")
    entities = sorted({e for p in papers for e in graph.succ[p]})
    meeting = 0
    for types in (PAPER_ENTITY_TYPES, ("USES", "PROPOSES"), ("ADDRESSES",)):
        for sliced, rows in (
            (access.link_columns(types, paper_ids=papers[::2]), access.paper_links_of(papers[::2], types)),
            (access.link_columns(types, entity_ids=entities[1::3]), access.paper_links(entities[1::3], types)),
        ):
            built = columns_of_links(rows)
            as_rows = lambda c: [  # noqa: E731
                (
                    c.paper_ids[c.paper[i]],
                    c.entity_ids[c.entity[i]],
                    TYPES[c.type[i]],
                    c.roles[c.role[i]],
                    float(c.confidence[i]),
                    c.evidence(i),
                )
                for i in range(len(c.paper))
            ]
            assert (
                as_rows(sliced)
                == as_rows(built)
                == [(r.paper_id, r.entity_id, r.type, r.role, r.confidence, r.evidence) for r in rows]
            )
            meeting += _check_masks(sliced) + _check_masks(built)
    assert meeting > 0  # the hand graph has links sharing evidence sentences


def anchor_rows(cols: AnchorColumns) -> list[tuple]:
    """An AnchorColumns as plain rows (ids, not indices: Neo4j's indices are its own)."""
    return [
        (
            cols.paper_ids[cols.paper[i]],
            cols.entity_ids[cols.entity[i]],
            TYPES[cols.type[i]],
            cols.roles[cols.role[i]],
            float(cols.confidence[i]),
            bool(cols.anchor[i]),
            bool(cols.shares[i]),
            cols.evidence(i),
        )
        for i in range(len(cols.paper))
    ]


def expected_anchor_rows(access, anchors, other_types, anchor_roles, other_roles, also) -> list[tuple]:
    """anchor_columns' rows by its definition, from the plain link rows."""
    linked = {
        link.paper_id
        for link in access.paper_links(anchors, PAPER_ENTITY_TYPES)
        if anchor_roles is None or link.role in anchor_roles
    }
    links = access.paper_links_of(sorted(linked | set(also)), PAPER_ENTITY_TYPES)
    is_anchor = {
        link: link.entity_id in anchors and (anchor_roles is None or link.role in anchor_roles) for link in links
    }
    sentences: dict[str, set[str]] = {}
    for link in links:
        if is_anchor[link]:
            sentences.setdefault(link.paper_id, set()).update(link.evidence)
    return [
        (
            link.paper_id,
            link.entity_id,
            link.type,
            link.role,
            link.confidence,
            is_anchor[link],
            not is_anchor[link] and bool(set(link.evidence) & sentences.get(link.paper_id, set())),
            link.evidence,
        )
        for link in links
        if is_anchor[link] or (link.entity_id not in anchors and link.type in other_types and link.role in other_roles)
    ]


ANCHOR_CASES = [
    # (anchor ids, other types, anchor roles, other roles, papers only naming the anchor)
    (["task:object-detection"], ("USES", "PROPOSES"), None, USE_ROLES, []),
    (["task:object-detection", "task:image-classification"], ("EVALUATES_ON", "PROPOSES"), None, USE_ROLES, []),
    (["method:vision-transformer", "method:rank detr"], ("ADDRESSES",), USE_ROLES, USE_ROLES, []),
    (["method:transformer"], ("ADDRESSES",), USE_ROLES, ("background",), ["arxiv:3"]),
    (["method:transformer"], ("ADDRESSES",), ("background",), ("background", None), []),
    (["nope"], ("USES",), None, USE_ROLES, ["arxiv:3", "nope"]),
    ([], ("USES", "PROPOSES"), None, USE_ROLES, []),
]


def test_anchor_columns_hold_the_anchor_links_and_the_others_marked_by_shared_evidence(saved):
    graph, _ = saved
    access = NetworkxAccess(graph)
    found = shared = 0
    for anchors, other_types, anchor_roles, other_roles, also in ANCHOR_CASES:
        cols = access.anchor_columns(
            anchors, other_types, anchor_roles=anchor_roles, other_roles=other_roles, also=also
        )
        rows = anchor_rows(cols)
        assert rows == expected_anchor_rows(access, anchors, other_types, anchor_roles, other_roles, also)
        found += len(rows)
        shared += sum(row[6] for row in rows)
    assert found and shared  # the cases hold links, some of them sharing a sentence with the anchor


def test_masks_widen_past_64_shared_sentences():
    sentences = [f"sentence {i}." for i in range(70)]
    evidence = [tuple(sentences), tuple(sentences[5:]), (sentences[3],), ("alone.",), ()]
    masks = np.array(shared_masks(evidence), dtype=np.uint64)
    assert masks.shape == (5, 2)
    for a in range(5):
        for b in range(a + 1, 5):
            assert _meets(masks, a, b) == bool(set(evidence[a]) & set(evidence[b]))


def test_files_without_the_table_answer_the_same(saved, tmp_path):
    graph, path = saved
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    older = tmp_path / "old.json.gz"
    with gzip.open(older, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(line for line in lines if not line.startswith(('["L"', '["K"'))) + "\n")
    assert load_graph_stored(older)[1].link_table is None
    new_kg, old_kg, memory_kg = KnowledgeGraph.load(path), KnowledgeGraph.load(older), KnowledgeGraph.from_graph(graph)
    papers = sorted(n for n, label in graph.nodes(data="label") if label == "Paper")
    asked = 0
    for name in (
        "object detection",
        "image classification",
        "segmentation",
        "DETR",
        "vision transformer",
        "transformer",
    ):
        for helper in ("methods_for", "datasets_for", "tasks_for"):
            answer = to_records(getattr(new_kg, helper)(name))
            assert answer == to_records(getattr(old_kg, helper)(name)) == to_records(getattr(memory_kg, helper)(name))
            asked += bool(answer)
    for paper in papers:
        answer = to_records(new_kg.related_papers(paper))
        assert answer == to_records(old_kg.related_papers(paper)) == to_records(memory_kg.related_papers(paper))
        asked += bool(answer)
    assert asked > 5


def test_a_paper_sharing_more_than_64_sentences_gets_wider_masks():
    graph = nx.MultiDiGraph()
    graph.add_node("arxiv:1", label="Paper")
    graph.add_node("arxiv:2", label="Paper")
    sentences = [f"We use it in setting {i}." for i in range(70)]
    for entity, evidence in (
        ("method:a", sentences),
        ("method:b", sentences[2:]),
        ("task:c", sentences[:1]),
        ("task:d", ["Alone."]),
    ):
        graph.add_node(entity, label="Method" if entity.startswith("method") else "Task", name=entity)
        graph.add_edge("arxiv:1", entity, key="USES", evidence=tuple(evidence), confidence=0.9, role="own use")
        graph.add_edge("arxiv:2", entity, key="ADDRESSES", evidence=("One.",), confidence=0.5)
    table = LinkTable.of_graph(graph)
    assert table.shared.shape == (8, 2)
    cols = table.columns(graph, PAPER_ENTITY_TYPES, paper_ids=["arxiv:1", "arxiv:2"])
    assert _check_masks(cols) == 2 + 6  # a-b and a-c in arxiv:1; every pair of arxiv:2's "One." links
    restored = LinkTable.read_payload(*table.payload())
    assert restored is not None and np.array_equal(restored.shared, table.shared)


def test_scoring_best_support_first_stops_without_changing_answers(saved, monkeypatch):
    import kg.query.engine as engine

    graph, _ = saved
    questions = [
        (helper, name, limit)
        for name in ("object detection", "image classification", "DETR", "transformer", "vision transformer")
        for helper in ("methods_for", "datasets_for", "tasks_for")
        for limit in (1, 2, 20)
    ]
    monkeypatch.setattr(engine, "RANK_CHUNK", 10**9)
    whole = [to_records(getattr(KnowledgeGraph.from_graph(graph), h)(n, limit=k)) for h, n, k in questions]
    monkeypatch.setattr(engine, "RANK_CHUNK", 1)  # one candidate at a time: the stop is taken wherever it can be
    assert [to_records(getattr(KnowledgeGraph.from_graph(graph), h)(n, limit=k)) for h, n, k in questions] == whole
    assert sum(len(a) > 1 for a in whole) > 5
