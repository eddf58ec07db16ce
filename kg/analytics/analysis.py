"""`kg analyze`: centrality and research fronts, stored on the graph's nodes."""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field

from kg.analytics.centrality import centrality
from kg.analytics.fronts import RESOLUTION, SEED, Front, research_fronts
from kg.graph.schema import PAPER

# Node attributes analyze writes (and clears before writing, so a rerun leaves no stale values).
NODE_ATTRS = ("front", "front_name", "centrality")
TOP = 20


class Ranked(BaseModel):
    """A node and its centrality."""

    id: str
    name: str
    label: str
    centrality: float
    front: int | None = None


class Analysis(BaseModel):
    """What `kg analyze` found: the centrality basis, the top papers and entities, the fronts."""

    basis: str = Field(description="citations or co-occurrence")
    top_papers: list[Ranked]
    top_entities: list[Ranked]
    fronts: list[Front]


def store(graph: nx.MultiDiGraph, scores: dict[str, float], fronts: list[Front], front_of: dict[str, int]) -> None:
    """Write front, front_name and centrality on the nodes (removing earlier values first)."""
    names = {f.id: f.name for f in fronts}
    for _, attrs in graph.nodes(data=True):
        for key in NODE_ATTRS:
            attrs.pop(key, None)
    for node, score in scores.items():
        graph.nodes[node]["centrality"] = score
    for node, front in front_of.items():
        graph.nodes[node]["front"] = front
        graph.nodes[node]["front_name"] = names[front]


def _ranked(graph: nx.MultiDiGraph, scores: dict[str, float], papers: bool, front_of: dict[str, int]) -> list[Ranked]:
    nodes = graph.nodes
    chosen = [n for n in scores if (nodes[n].get("label") == PAPER) == papers]
    chosen.sort(key=lambda n: (-scores[n], n))
    return [
        Ranked(
            id=n,
            name=nodes[n].get("title" if papers else "name", n),
            label=nodes[n]["label"],
            centrality=scores[n],
            front=front_of.get(n),
        )
        for n in chosen[:TOP]
    ]


def analyze(graph: nx.MultiDiGraph, *, seed: int = SEED, resolution: float = RESOLUTION) -> Analysis:
    """Rank papers and entities, find the research fronts, and store both on the graph's nodes."""
    basis, scores = centrality(graph)
    fronts, front_of = research_fronts(graph, seed=seed, resolution=resolution)
    store(graph, scores, fronts, front_of)
    return Analysis(
        basis=basis,
        top_papers=_ranked(graph, scores, True, front_of),
        top_entities=_ranked(graph, scores, False, front_of),
        fronts=fronts,
    )
