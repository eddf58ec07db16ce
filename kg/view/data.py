"""What the page shows, as plain data: nodes with positions, colours, sizes and texts; edges; years.

Two views: the map of research fronts (the most-mentioned offered entities, linked by shared papers)
and the neighbourhood of one entity (with its IS_A family) or one paper.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import networkx as nx

from kg.analytics.centrality import cooccurrence_edges
from kg.analytics.fronts import research_fronts
from kg.analytics.graphdata import is_offered, offered_entities, paper_entities, paper_years, papers_of
from kg.analytics.trends import per_year, year_span
from kg.graph.schema import PAPER, PAPER_ENTITY_TYPES
from kg.query.engine import ALL_ENTITY_LABELS, QueryEngine
from kg.view.layout import grouped, scaled, spring

MAP_LABELS = ("Method", "Task", "Dataset")
MAX_NODES = 500
EDGES_PER_NODE = 4  # a map keeps each node's strongest links: all of them would be a hairball
NEIGHBOUR_PAPERS = 60
NEIGHBOUR_ENTITIES = 60
TEXT_LIMIT = 1200  # characters of an abstract or sentence carried into the page
LABEL_COLOURS = {
    "Paper": "#9aa5b1",
    "Method": "#1f77b4",
    "Task": "#d62728",
    "Dataset": "#2ca02c",
    "Metric": "#9467bd",
}
FRONT_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#ad494a",
    "#5254a3",
    "#8ca252",
    "#bd9e39",
    "#d6616b",
)
NO_FRONT = "#c7c7c7"


def front_colour(front: int | None) -> str:
    """A front's colour (fronts past the palette and nodes without one are grey)."""
    return FRONT_COLOURS[front] if front is not None and 0 <= front < len(FRONT_COLOURS) else NO_FRONT


MAX_SIZE = 80.0  # page units (the drawing is 1,000 across): the biggest hub must not cover its front


def node_size(papers: int) -> float:
    """Node diameter in page units: grows with the square root of its papers, so area tracks papers."""
    return round(min(8 + 4 * math.sqrt(papers), MAX_SIZE), 1)


def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_evidence(graph: nx.MultiDiGraph, entity: str) -> str:
    """One sentence naming the entity: from its strongest stored paper, else any paper edge."""
    pred = graph._pred[entity]
    papers = list(graph.nodes[entity].get("top_papers") or ()) or sorted(pred)[:5]
    for paper in papers:
        for key, attrs in pred.get(paper, {}).items():
            if key in PAPER_ENTITY_TYPES and attrs.get("evidence"):
                return _text(attrs["evidence"][0], 400)
    return ""


def _fronts(graph: nx.MultiDiGraph) -> tuple[dict[str, int], dict[int, str]]:
    """(front per node, name per front): stored by `kg analyze`, else found now (not stored)."""
    stored = {n: a["front"] for n, a in graph.nodes(data=True) if a.get("front") is not None}
    if stored:
        names = {a["front"]: a.get("front_name", "") for _, a in graph.nodes(data=True) if a.get("front") is not None}
        return stored, names
    fronts, front_of = research_fronts(graph)
    return front_of, {f.id: f.name for f in fronts}


def _entity_node(graph: nx.MultiDiGraph, entity: str, front: int | None, papers: int, trend: list[int]) -> dict:
    attrs = graph.nodes[entity]
    return {
        "id": entity,
        "label": attrs["label"],
        "name": _text(attrs.get("name", entity), 200),
        "papers": papers,
        "front": front,
        "size": node_size(papers),
        "cl": LABEL_COLOURS.get(attrs["label"], NO_FRONT),
        "cf": front_colour(front),
        "aliases": [_text(a, 100) for a in list(attrs.get("aliases", ())) if a != attrs.get("name")][:8],
        "text": _first_evidence(graph, entity),
        "trend": trend,
    }


def _paper_node(graph: nx.MultiDiGraph, paper: str, front: int | None) -> dict:
    attrs = graph.nodes[paper]
    return {
        "id": paper,
        "label": PAPER,
        "name": _text(attrs.get("title", paper), 300),
        "papers": 1,
        "front": front,
        "size": node_size(1),
        "cl": LABEL_COLOURS[PAPER],
        "cf": front_colour(front),
        "year": attrs.get("year"),
        "text": _text(attrs.get("abstract", "")),
    }


def _strongest(edges: list[tuple[str, str, float]], limit: int) -> list[tuple[str, str, float]]:
    """The edges among each node's `limit` strongest (an edge stays when either end keeps it)."""
    kept: set[tuple[str, str]] = set()
    by_node: dict[str, list[tuple[float, str, str]]] = {}
    for u, v, w in edges:
        by_node.setdefault(u, []).append((w, u, v))
        by_node.setdefault(v, []).append((w, u, v))
    for items in by_node.values():
        for _, u, v in sorted(items, key=lambda t: (-t[0], t[1], t[2]))[:limit]:
            kept.add((u, v))
    return [(u, v, w) for u, v, w in edges if (u, v) in kept]


def map_view(graph: nx.MultiDiGraph, *, max_nodes: int = MAX_NODES) -> dict:
    """The map of research fronts: the `max_nodes` most-mentioned offered entities, linked by shared papers."""
    front_of, front_names = _fronts(graph)
    nodes = graph.nodes
    candidates = offered_entities(graph, MAP_LABELS)
    chosen = sorted(candidates, key=lambda e: (-nodes[e].get("paper_count", 0), e))[:max_nodes]
    years = paper_years(graph)
    span = year_span(years)
    by_paper = paper_entities(graph, chosen)
    index = {e: i for i, e in enumerate(chosen)}
    i, j, w = cooccurrence_edges(by_paper, index)
    edges = _strongest(
        [(chosen[a], chosen[b], float(c)) for a, b, c in zip(i.tolist(), j.tolist(), w.tolist(), strict=True)],
        EDGES_PER_NODE,
    )
    co = nx.Graph()
    co.add_nodes_from(chosen)
    co.add_weighted_edges_from(edges)
    pos = scaled(grouped(co, {e: front_of.get(e) for e in chosen}))
    out_nodes = []
    for entity in chosen:
        papers = papers_of(graph, entity)
        node = _entity_node(graph, entity, front_of.get(entity), len(papers), per_year(papers, years, span))
        node["x"], node["y"] = pos[entity]
        out_nodes.append(node)
    used = {n["front"] for n in out_nodes if n["front"] is not None}
    return {
        "title": "Research fronts",
        "mode": "map",
        "years": span,
        "nodes": out_nodes,
        "edges": [{"s": u, "t": v, "w": w} for u, v, w in edges],
        "fronts": [{"id": f, "name": front_names.get(f, ""), "colour": front_colour(f)} for f in sorted(used)],
    }


def _neighbourhood(graph: nx.MultiDiGraph, engine: QueryEngine, name: str) -> tuple[list[str], list[str], str]:
    """(centre nodes, papers around them, title) for an entity name or a paper id."""
    if name in graph and graph.nodes[name].get("label") == PAPER:
        # its citations, then the papers the query engine finds related (shared entities and citations)
        cites = [v for _, v, k in graph.out_edges(name, keys=True) if k == "CITES"]
        cited = [u for u, _, k in graph.in_edges(name, keys=True) if k == "CITES"]
        related = [r.paper_id for r in engine.related_papers(name, limit=NEIGHBOUR_PAPERS)]
        papers = list(dict.fromkeys([*sorted(set(cites + cited)), *related]))[:NEIGHBOUR_PAPERS]
        return [name], papers, f"Paper {graph.nodes[name].get('title', name)}"
    family = engine.family(name, ALL_ENTITY_LABELS)
    if not family.members:
        raise ValueError(f"no entity or paper is known as {name!r}; try `kg query lookup` or a paper id")
    centre = sorted(family.members, key=lambda e: (family.members[e].depth, -family.members[e].paper_count, e))[:20]
    best: dict[str, float] = {}
    for entity in centre:
        for paper, keys in graph._pred[entity].items():
            for key, attrs in keys.items():
                if key in PAPER_ENTITY_TYPES:
                    best[paper] = max(best.get(paper, 0.0), float(attrs.get("confidence", 0.0)))
    papers = sorted(best, key=lambda p: (-best[p], p))[:NEIGHBOUR_PAPERS]
    return centre, papers, f"Neighbourhood of {name}"


def neighbourhood_view(graph: nx.MultiDiGraph, engine: QueryEngine, name: str) -> dict:
    """An entity (with its IS_A family) or a paper, its papers, and the offered entities those papers name."""
    front_of, front_names = _fronts(graph)
    centre, papers, title = _neighbourhood(graph, engine, name)
    nodes = graph.nodes
    around = Counter(
        v
        for p in papers
        for v, keys in graph._succ[p].items()
        if v not in centre and is_offered(nodes[v]) and not set(keys).isdisjoint(PAPER_ENTITY_TYPES)
    )
    for p in centre:
        if nodes[p].get("label") == PAPER:
            around.update(v for v in graph._succ[p] if is_offered(nodes[v]))
    others = [e for e, _ in sorted(around.items(), key=lambda kv: (-kv[1], kv[0]))[:NEIGHBOUR_ENTITIES]]
    members = set(centre) | set(papers) | set(others)
    years = paper_years(graph)
    span = year_span(years)
    view = nx.Graph()
    view.add_nodes_from(members)
    edges = []
    for paper in sorted(p for p in members if nodes[p].get("label") == PAPER):
        for target, keys in graph._succ[paper].items():
            if target not in members:
                continue
            for key, attrs in keys.items():
                evidence = attrs.get("evidence") or ()
                edges.append(
                    {
                        "s": paper,
                        "t": target,
                        "w": 1.0,
                        "type": key,
                        "text": _text(evidence[0], 400) if evidence else "",
                    }
                )
                view.add_edge(paper, target, weight=1.0)
                break
    for paper in papers:  # a related paper sharing none of the entities shown hangs on the centre paper
        if not view.has_node(paper) or view.degree(paper) == 0:
            edges.append({"s": centre[0], "t": paper, "w": 1.0, "type": "related", "text": ""})
            view.add_edge(centre[0], paper, weight=1.0)
    for entity in centre:
        for parent, keys in graph._succ[entity].items():
            if parent in members and "IS_A" in keys:
                edges.append({"s": entity, "t": parent, "w": 1.0, "type": "IS_A", "text": ""})
                view.add_edge(entity, parent, weight=1.0)
    pos = scaled(spring(view))
    out_nodes = []
    for node in sorted(members):
        if nodes[node].get("label") == PAPER:
            item = _paper_node(graph, node, front_of.get(node))
        else:
            linked = papers_of(graph, node)
            item = _entity_node(graph, node, front_of.get(node), len(linked), per_year(linked, years, span))
        item["x"], item["y"] = pos[node]
        item["centre"] = node in centre
        out_nodes.append(item)
    used = {n["front"] for n in out_nodes if n["front"] is not None}
    return {
        "title": title,
        "mode": "neighbourhood",
        "years": span,
        "nodes": out_nodes,
        "edges": edges,
        "fronts": [{"id": f, "name": front_names.get(f, ""), "colour": front_colour(f)} for f in sorted(used)],
    }


def view_data(
    graph: nx.MultiDiGraph, engine: QueryEngine, name: str | None = None, *, max_nodes: int = MAX_NODES
) -> dict:
    """The page's data: the fronts map without a name, else the neighbourhood of the name."""
    return map_view(graph, max_nodes=max_nodes) if name is None else neighbourhood_view(graph, engine, name)
