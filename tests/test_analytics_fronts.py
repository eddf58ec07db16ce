"""Centrality and research fronts (kg.analytics) over the synthetic graph, stored on nodes and saved."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from field_graph import LANGUAGE, VISION, field_graph
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from kg.analytics.analysis import analyze
from kg.analytics.centrality import centrality, pagerank
from kg.analytics.fronts import research_fronts
from kg.api import KnowledgeGraph


def test_pagerank_matches_networkx():
    g = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    for u, v in g.edges():
        g[u][v]["weight"] = 1.0 + (u * v) % 3
    edges = list(g.edges(data="weight"))
    src, dst, w = (np.asarray(x) for x in zip(*edges, strict=True))
    ours = pagerank(60, src.astype(np.int64), dst.astype(np.int64), w.astype(float))
    theirs = _pagerank_python(g, weight="weight", tol=1e-12, max_iter=500)
    assert np.allclose(ours, [theirs[n] for n in range(60)], atol=1e-6)


def test_two_clusters_are_two_fronts_and_runs_repeat():
    g = field_graph()
    fronts, front_of = research_fronts(g)
    assert len(fronts) == 2
    groups = [set(f.members) for f in fronts]
    assert any(set(VISION) <= grp for grp in groups) and any(set(LANGUAGE) <= grp for grp in groups)
    assert "method:our-approach" not in front_of  # not offered
    again, front_of_again = research_fronts(field_graph())
    assert [f.model_dump() for f in again] == [f.model_dump() for f in fronts] and front_of_again == front_of
    # every paper that names a member counts in exactly one front; per year, all but the undated one
    assert sum(f.papers for f in fronts) == 202
    assert sum(sum(f.per_year) for f in fronts) == 201
    for f in fronts:
        assert f.name == " / ".join(f.member_names[:3])


def test_centrality_uses_cooccurrence_without_citations_and_cites_with_them():
    g = field_graph()
    basis, scores = centrality(g)
    assert basis == "co-occurrence"
    assert max(v for n, v in scores.items() if n.startswith("arxiv:")) == 1.0
    assert "method:our-approach" not in scores
    # a paper everybody cites becomes the most central paper
    papers = sorted(n for n, label in g.nodes(data="label") if label == "Paper")
    for p in papers[1:40]:
        g.add_edge(p, papers[0], key="CITES")
    basis, scores = centrality(g)
    assert basis == "citations"
    assert scores[papers[0]] == 1.0


def test_analyze_stores_fronts_and_centrality_and_save_keeps_them(tmp_path):
    kg_ = KnowledgeGraph.from_graph(field_graph())
    result = kg_.analyze()
    g = kg_.graph
    assert g.nodes["task:image-classification"]["front"] == g.nodes["method:resnet"]["front"]
    assert g.nodes["task:image-classification"]["front"] != g.nodes["task:machine-translation"]["front"]
    assert g.nodes["method:resnet"]["front_name"] == result.fronts[g.nodes["method:resnet"]["front"]].name
    assert "front" not in g.nodes["method:our-approach"]
    assert result.top_entities[0].centrality == 1.0
    path = kg_.save(tmp_path / "g.json.gz")
    loaded = KnowledgeGraph.load(path).graph
    for node in ("method:resnet", "arxiv:1901.00001"):
        for key in ("front", "front_name", "centrality"):
            assert loaded.nodes[node][key] == g.nodes[node][key]


def test_analyze_removes_stale_values():
    g = field_graph()
    g.nodes["method:our-approach"]["front"] = 7
    analyze(g)
    assert "front" not in g.nodes["method:our-approach"]


@pytest.mark.parametrize("seed", [0, 1])
def test_each_seed_gives_the_same_fronts_every_time(seed):
    first, _ = research_fronts(field_graph(), seed=seed)
    second, _ = research_fronts(field_graph(), seed=seed)
    assert [f.members for f in first] == [f.members for f in second]


def test_cooccurrence_counts_each_pair_once_per_paper():
    from kg.analytics.centrality import cooccurrence_edges

    index = {"a": 0, "b": 1, "c": 2, "d": 3}
    i, j, w = cooccurrence_edges({"p1": ["c", "a", "b"], "p2": ["a", "b"], "p3": ["d"], "p4": ["b", "d"]}, index)
    assert sorted(zip(i.tolist(), j.tolist(), w.tolist(), strict=True)) == [
        (0, 1, 2.0),
        (0, 2, 1.0),
        (1, 2, 1.0),
        (1, 3, 1.0),
    ]
