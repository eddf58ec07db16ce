"""What the analytics read from the embedded graph: paper years, offered entities and their papers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

import networkx as nx

from kg.graph.schema import ENTITY_NODE_LABELS, OFFER_BAR, PAPER, PAPER_ENTITY_TYPES

ENTITY_LABELS = tuple(ENTITY_NODE_LABELS.values())
_PAPER_TYPES = frozenset(PAPER_ENTITY_TYPES)


def paper_years(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Year of every paper that has one."""
    return {
        node: int(attrs["year"])
        for node, attrs in graph.nodes(data=True)
        if attrs.get("label") == PAPER and attrs.get("year") is not None
    }


def is_offered(attrs: dict) -> bool:
    """True for an entity the helpers offer (confidence >= OFFER_BAR; kg.vocab.link), as stats chooses them."""
    return attrs.get("label") in ENTITY_LABELS and float(attrs.get("confidence", 1.0)) >= OFFER_BAR


def offered_entities(graph: nx.MultiDiGraph, labels: Collection[str] = ENTITY_LABELS) -> list[str]:
    """Offered entities of the labels that have papers, sorted by id."""
    return sorted(
        node
        for node, attrs in graph.nodes(data=True)
        if attrs.get("label") in labels and is_offered(attrs) and attrs.get("paper_count", 0) > 0
    )


def papers_of(graph: nx.MultiDiGraph, entity: str) -> set[str]:
    """Papers with a paper-entity edge (any role) to the entity."""
    pred = graph._pred[entity]  # the adjacency dict: the public view wraps every neighbour
    return {paper for paper, keys in pred.items() if not _PAPER_TYPES.isdisjoint(keys)}


def is_a_children(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """IS_A children per parent entity."""
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent, key in graph.edges(keys=True):
        if key == "IS_A":
            children[parent].append(child)
    return children


def family_papers(graph: nx.MultiDiGraph, entities: Iterable[str], children: dict[str, list[str]]) -> set[str]:
    """Papers of the entities and of everything that IS_A them (the family the query engine expands)."""
    seen: set[str] = set()
    stack = [e for e in entities if e in graph]
    papers: set[str] = set()
    while stack:
        entity = stack.pop()
        if entity in seen:
            continue
        seen.add(entity)
        papers |= papers_of(graph, entity)
        stack.extend(children.get(entity, ()))
    return papers


def paper_entities(graph: nx.MultiDiGraph, entities: Collection[str]) -> dict[str, list[str]]:
    """Per paper, the given entities it has an edge to (sorted), for papers with at least one."""
    wanted = set(entities)
    out: dict[str, list[str]] = defaultdict(list)
    for entity in sorted(wanted):
        for paper in papers_of(graph, entity):
            out[paper].append(entity)
    return dict(out)
