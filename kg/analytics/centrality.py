"""PageRank over CITES when the graph has citations, else over the entity co-occurrence graph.

networkx's pagerank needs scipy, which paper-kg does not depend on, so PageRank is a numpy power
iteration over edge arrays (the same damping, tolerance and dangling-node rule as networkx's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import networkx as nx
import numpy as np

from kg.analytics.graphdata import ENTITY_LABELS, offered_entities, paper_entities
from kg.graph.schema import PAPER

DAMPING = 0.85
TOLERANCE = 1e-8  # per node, as networkx's tol=1e-6 summed over nodes is for small graphs
MAX_ITERATIONS = 200


def pagerank(
    n: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, *, damping: float = DAMPING
) -> np.ndarray:
    """PageRank of nodes 0..n-1 over weighted directed edges; dangling nodes spread their rank evenly."""
    if n == 0:
        return np.zeros(0)
    out_weight = np.bincount(sources, weights=weights, minlength=n).astype(float)
    dangling = out_weight == 0
    share = np.divide(weights, out_weight[sources], out=np.zeros(len(weights)), where=out_weight[sources] > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(MAX_ITERATIONS):
        flow = np.bincount(targets, weights=rank[sources] * share, minlength=n)
        new = damping * (flow + rank[dangling].sum() / n) + (1 - damping) / n
        done = np.abs(new - rank).sum() < n * TOLERANCE
        rank = new
        if done:
            break
    return rank


def cooccurrence_edges(
    by_paper: dict[str, list[str]], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, papers) for every pair of entities sharing papers, i < j, as index arrays.

    Papers are grouped by how many entities they have, so the pairs of each group come from one
    numpy expression (a Python loop over pairs took most of analyze's time at 100k papers).
    """
    n = len(index)
    by_size: dict[int, list[list[int]]] = defaultdict(list)
    for entities in by_paper.values():
        if len(entities) > 1:
            by_size[len(entities)].append(sorted(index[e] for e in entities))
    chunks = []
    for k, rows in by_size.items():
        ids = np.asarray(rows, dtype=np.int64)  # (papers, k), each row ascending
        a, b = np.triu_indices(k, 1)
        chunks.append((ids[:, a] * n + ids[:, b]).ravel())
    if not chunks:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    pairs, counts = np.unique(np.concatenate(chunks), return_counts=True)
    return pairs // n, pairs % n, counts.astype(float)


def cooccurrence_graph(graph: nx.MultiDiGraph, labels: Sequence[str], min_papers: int = 1) -> nx.Graph:
    """Offered entities of the labels, linked by the number of papers they share (at least min_papers)."""
    entities = offered_entities(graph, labels)
    index = {e: i for i, e in enumerate(entities)}
    i, j, w = cooccurrence_edges(paper_entities(graph, entities), index)
    keep = w >= min_papers
    co = nx.Graph()
    co.add_nodes_from(entities)
    co.add_weighted_edges_from(
        (entities[a], entities[b], float(c))
        for a, b, c in zip(i[keep].tolist(), j[keep].tolist(), w[keep].tolist(), strict=True)
    )
    return co


def citation_ranks(graph: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank of papers over CITES (empty when the graph has no citations)."""
    papers = sorted(n for n, label in graph.nodes(data="label") if label == PAPER)
    index = {p: i for i, p in enumerate(papers)}
    edges = [(index[u], index[v]) for u, v, k in graph.edges(keys=True) if k == "CITES"]
    if not edges:
        return {}
    src, dst = (np.asarray(x, dtype=np.int64) for x in zip(*edges, strict=True))
    rank = pagerank(len(papers), src, dst, np.ones(len(edges)))
    return dict(zip(papers, rank.tolist(), strict=True))


def cooccurrence_ranks(graph: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank of offered entities over the (undirected, paper-weighted) co-occurrence graph."""
    entities = offered_entities(graph, ENTITY_LABELS)
    index = {e: i for i, e in enumerate(entities)}
    i, j, w = cooccurrence_edges(paper_entities(graph, entities), index)
    rank = pagerank(len(entities), np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([w, w]))
    return dict(zip(entities, rank.tolist(), strict=True))


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    """Scores divided by the largest, rounded (the top node has 1.0)."""
    top = max(scores.values(), default=0.0)
    return {node: round(v / top, 6) for node, v in scores.items()} if top > 0 else {}


def centrality(graph: nx.MultiDiGraph) -> tuple[str, dict[str, float]]:
    """(basis, score per node) for papers and offered entities; basis is "citations" or "co-occurrence".

    Over citations, an entity scores the sum of its papers' ranks; over co-occurrence, a paper scores
    the sum of its entities' ranks. Papers and entities are scaled apart, so the top of each has 1.0.
    """
    paper_rank = citation_ranks(graph)
    entities = offered_entities(graph, ENTITY_LABELS)
    by_paper = paper_entities(graph, entities)
    entity_rank: dict[str, float] = defaultdict(float)
    if paper_rank:
        basis = "citations"
        for paper, rank in paper_rank.items():
            for entity in by_paper.get(paper, ()):
                entity_rank[entity] += rank
    else:
        basis = "co-occurrence"
        entity_rank.update(cooccurrence_ranks(graph))
        paper_rank = {paper: sum(entity_rank[e] for e in linked) for paper, linked in by_paper.items()}
    return basis, {**_scaled(paper_rank), **_scaled(entity_rank)}
