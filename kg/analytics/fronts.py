"""Research fronts: Louvain communities of methods and tasks that share papers, named by their top entities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import networkx as nx
from pydantic import BaseModel

from kg.analytics.centrality import cooccurrence_graph
from kg.analytics.graphdata import paper_entities, paper_years
from kg.analytics.trends import per_year, year_span

FRONT_LABELS = ("Method", "Task")
SEED = 0  # Louvain visits nodes in a random order: a fixed seed makes every run give the same fronts
RESOLUTION = 1.0  # networkx's default; above 1 gives more, smaller fronts
MIN_MEMBERS = 3  # smaller communities are pairs of rare names, not fronts
NAME_ENTITIES = 3  # a front is named by this many of its most connected entities
# Pairs sharing fewer papers than this are left out of the community graph (they are mostly chance);
# on a tiny graph every pair counts.
MIN_SHARED = 2
SMALL_GRAPH = 500  # papers


class Front(BaseModel):
    """One research front: its members (most connected first), name, papers per year."""

    id: int
    name: str
    members: list[str]
    member_names: list[str]
    papers: int
    years: list[int]
    per_year: list[int]


def typical(co: nx.Graph, group: set[str]) -> dict[str, float]:
    """How much each member stands for its front: its links inside the front x the share of its links that are.

    Plain weighted degree would name every front after the hubs ("classifier") that touch all of them.
    """
    out = {}
    for entity in group:
        total = inside = 0.0
        for other, attrs in co.adj[entity].items():
            total += attrs["weight"]
            if other in group:
                inside += attrs["weight"]
        out[entity] = inside * inside / total if total else 0.0
    return out


def communities(co: nx.Graph, *, seed: int = SEED, resolution: float = RESOLUTION) -> list[list[str]]:
    """Louvain communities with at least MIN_MEMBERS nodes, largest first, most typical members first."""
    found = nx.community.louvain_communities(co, weight="weight", resolution=resolution, seed=seed)
    groups = []
    for community in found:
        if len(community) >= MIN_MEMBERS:
            score = typical(co, community)
            groups.append((sum(score.values()), sorted(community, key=lambda e: (-score[e], e))))
    return [g for _, g in sorted(groups, key=lambda item: (-item[0], item[1][0]))]


def assign_papers(by_paper: Mapping[str, Sequence[str]], front_of: Mapping[str, int]) -> dict[str, int]:
    """Each paper's front: the one most of its entities belong to (the lower id on a tie)."""
    out = {}
    for paper, entities in by_paper.items():
        votes = Counter(front_of[e] for e in entities if e in front_of)
        if votes:
            out[paper] = min(votes, key=lambda f: (-votes[f], f))
    return out


def research_fronts(
    graph: nx.MultiDiGraph, *, seed: int = SEED, resolution: float = RESOLUTION
) -> tuple[list[Front], dict[str, int]]:
    """(fronts, front id per member entity and per paper) over offered methods and tasks."""
    papers_total = sum(1 for _, label in graph.nodes(data="label") if label == "Paper")
    co = cooccurrence_graph(graph, FRONT_LABELS, 1 if papers_total < SMALL_GRAPH else MIN_SHARED)
    co.remove_nodes_from([n for n in list(co) if co.degree(n) == 0])
    groups = communities(co, seed=seed, resolution=resolution)
    front_of = {e: i for i, group in enumerate(groups) for e in group}
    by_paper = paper_entities(graph, list(front_of))
    paper_front = assign_papers(by_paper, front_of)
    years = paper_years(graph)
    span = year_span(years)
    fronts = []
    nodes = graph.nodes
    for i, group in enumerate(groups):
        papers = [p for p, f in paper_front.items() if f == i]
        names = [nodes[e].get("name", e) for e in group]
        fronts.append(
            Front(
                id=i,
                name=" / ".join(names[:NAME_ENTITIES]),
                members=group,
                member_names=names,
                papers=len(papers),
                years=span,
                per_year=per_year(papers, years, span),
            )
        )
    return fronts, {**front_of, **paper_front}
