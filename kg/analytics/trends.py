"""Papers per year per entity, and the entities whose share of papers bursts (kg.analytics.burst)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

import networkx as nx
from pydantic import BaseModel, Field

from kg.analytics.burst import DEFAULT_GAMMA, DEFAULT_S, bursts
from kg.analytics.graphdata import ENTITY_LABELS, family_papers, is_a_children, offered_entities, paper_years
from kg.query.engine import QueryEngine

# An entity needs this many dated papers to be tested for a burst: below it a "burst" is one paper.
MIN_PAPERS = 5
RISING_WINDOW = 5  # default --since: bursts starting in the last five years of the data


class Trend(BaseModel):
    """Papers per year for one name (its entities, aliases and IS_A family), with all papers per year."""

    name: str
    entities: list[str] = Field(default_factory=list, description="entity ids counted (matched + IS_A family)")
    years: list[int] = Field(default_factory=list)
    papers: list[int] = Field(default_factory=list, description="papers with the entity, per year of `years`")
    totals: list[int] = Field(default_factory=list, description="all dated papers per year of `years`")
    undated: int = Field(0, description="papers with the entity but no year")


class BurstSpan(BaseModel):
    """One burst: first and last year, its weight, and the entity's papers in those years."""

    start: int
    end: int
    weight: float
    papers: int


class Rising(BaseModel):
    """An entity whose share of papers burst, with its bursts and yearly counts."""

    entity_id: str
    name: str
    label: str
    paper_count: int
    bursts: list[BurstSpan]
    years: list[int]
    papers: list[int]


def year_span(years: Mapping[str, int]) -> list[int]:
    """Every year from the first to the last paper year (empty when no paper has a year)."""
    return list(range(min(years.values()), max(years.values()) + 1)) if years else []


def per_year(papers: Collection[str], years: Mapping[str, int], span: Sequence[int]) -> list[int]:
    """Count of the papers in each year of span (papers without a year are left out)."""
    counts = Counter(years[p] for p in papers if p in years)
    return [counts.get(y, 0) for y in span]


def trend(graph: nx.MultiDiGraph, engine: QueryEngine, name: str, labels: Sequence[str] = ENTITY_LABELS) -> Trend:
    """Papers per year for `name`: the entities the query engine resolves it to, with aliases and IS_A family."""
    family = engine.family(name, labels)
    entities = sorted(family.members)
    years = paper_years(graph)
    span = year_span(years)
    papers = family_papers(graph, entities, {})  # the engine's family already holds the descendants
    return Trend(
        name=name,
        entities=entities,
        years=span,
        papers=per_year(papers, years, span),
        totals=per_year(years, years, span),
        undated=sum(1 for p in papers if p not in years),
    )


def rising(
    graph: nx.MultiDiGraph,
    labels: Sequence[str] = ENTITY_LABELS,
    *,
    since: int | None = None,
    s: float = DEFAULT_S,
    gamma: float = DEFAULT_GAMMA,
    limit: int = 20,
) -> list[Rising]:
    """Offered entities with a burst in their yearly share of papers starting in or after `since`, strongest first.

    `since` defaults to the last RISING_WINDOW years of the data. An entity counts its IS_A family, as
    `trend` does, so "transformer" rises with the transformers below it.
    """
    years = paper_years(graph)
    span = year_span(years)
    if not span:
        return []
    since = span[-1] - RISING_WINDOW + 1 if since is None else since
    totals = per_year(years, years, span)
    nodes = graph.nodes
    children = is_a_children(graph)
    found: list[Rising] = []
    # Names whose families reach exactly the same papers (a parent with one child) are one trend:
    # listed once, under the entity with the most papers of its own.
    entities = sorted(offered_entities(graph, labels), key=lambda e: (-nodes[e].get("paper_count", 0), e))
    seen: set[frozenset[str]] = set()
    for entity in entities:
        papers = frozenset(family_papers(graph, [entity], children))
        if papers in seen:
            continue
        seen.add(papers)
        counts = per_year(papers, years, span)
        if sum(counts) < MIN_PAPERS:
            continue
        spans = [
            BurstSpan(start=span[b.start], end=span[b.end], weight=b.weight, papers=sum(counts[b.start : b.end + 1]))
            for b in bursts(counts, totals, s=s, gamma=gamma)
        ]
        if not any(b.start >= since for b in spans):
            continue
        attrs = nodes[entity]
        found.append(
            Rising(
                entity_id=entity,
                name=attrs.get("name", entity),
                label=attrs["label"],
                paper_count=len(papers),
                bursts=spans,
                years=span,
                papers=counts,
            )
        )
    found.sort(key=lambda r: (-max(b.weight for b in r.bursts if b.start >= since), r.entity_id))
    return found[:limit]
