"""papers_using ranks from the entities' stored strongest-paper lists exactly as from a full scan."""

from __future__ import annotations

import copy
import random

import networkx as nx
import pytest

from kg.graph.build import add_top_papers
from kg.graph.schema import USE_TYPES
from kg.pipeline import assemble
from kg.query.embedded import NetworkxAccess
from kg.query.engine import QueryEngine, merge_top_lists, rank_users
from tests.test_graph_query import EXTRACTIONS, PAPERS


def random_graph(seed: int, papers: int = 60, entities: int = 8) -> nx.MultiDiGraph:
    """Papers linked to a few Method entities with few distinct confidences, so ties are common."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    for e in range(entities):
        graph.add_node(f"method:m{e}", label="Method", name=f"m{e}")
    for _p in range(papers):
        pid = f"arxiv:{rng.randrange(10**6):06d}"
        graph.add_node(pid, label="Paper", title=pid)
        for e in rng.sample(range(entities), rng.randint(1, 4)):
            for rel in rng.sample(["USES", "PROPOSES", "EVALUATES_ON"], rng.randint(1, 2)):
                graph.add_edge(pid, f"method:m{e}", key=rel, confidence=rng.choice([0.4, 0.55, 0.6, 0.9]), evidence=())
    return graph


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("limit", [1, 3, 7])
def test_merged_top_lists_equal_full_scan(seed: int, limit: int) -> None:
    graph = random_graph(seed)
    add_top_papers(graph, limit=7)  # lists shorter than the papers per entity, as for hubs
    access = NetworkxAccess(graph)
    rng = random.Random(seed)
    family = {f"method:m{e}": rng.randint(0, 2) for e in rng.sample(range(8), rng.randint(1, 5))}
    full = rank_users(access.paper_links(list(family), USE_TYPES), family, limit)
    nodes = graph.nodes
    merged = merge_top_lists({e: (nodes[e]["top_papers"], nodes[e]["top_conf"]) for e in family}, family, limit)
    assert merged == full
    assert len(full) == limit  # the sample always has enough papers; an empty answer would prove nothing


def test_top_lists_hold_best_confidence_per_paper_best_first() -> None:
    graph = random_graph(3)
    add_top_papers(graph, limit=5)
    for node, attrs in graph.nodes(data=True):
        if attrs["label"] != "Method":
            continue
        best: dict[str, float] = {}
        for pid, _, conf in graph.in_edges(node, data="confidence"):
            best[pid] = max(best.get(pid, 0.0), conf)
        expected = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        assert list(zip(attrs["top_papers"], attrs["top_conf"], strict=True)) == expected


def test_papers_using_same_with_and_without_stored_lists() -> None:
    graph = assemble(PAPERS, EXTRACTIONS)
    bare = copy.deepcopy(graph)
    for _, attrs in bare.nodes(data=True):
        attrs.pop("top_papers", None)
        attrs.pop("top_conf", None)
    with_lists, without = QueryEngine(NetworkxAccess(graph)), QueryEngine(NetworkxAccess(bare))
    names = sorted({a["name"] for _, a in graph.nodes(data=True) if a["label"] in ("Method", "Dataset", "Metric")})
    assert len(names) >= 5
    for name in names:
        for limit in (1, 2, 20):
            assert with_lists.papers_using(name, limit=limit) == without.papers_using(name, limit=limit), name
