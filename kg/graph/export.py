"""Write the graph in formats other tools open: GraphML (Gephi, Cytoscape) and node-link JSON."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.graph.schema import EXPORT_FORMATS  # noqa: E402,F401  (re-exported)
from kg.graph.store import graph_to_dict


def _graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Copy of the graph with list attributes turned into JSON strings (GraphML holds scalars only)."""
    flat = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        flat.add_node(
            node,
            **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, tuple)) else v for k, v in attrs.items()},
        )
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(
            u,
            v,
            key=key,
            **{k: json.dumps(x, ensure_ascii=False) if isinstance(x, (list, tuple)) else x for k, x in attrs.items()},
        )
    return flat


def export_graphml(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write GraphML; list-valued properties become JSON strings."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(_graphml_ready(graph), path, encoding="utf-8", named_key_ids=True)
    return path


def export_json(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write plain (uncompressed) node-link JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        json.dump(graph_to_dict(graph), fh, ensure_ascii=False, indent=1)
    return path


def export_graph(graph: nx.MultiDiGraph, fmt: str, path: str | Path) -> Path:
    """Export in one of EXPORT_FORMATS; neo4j-import writes a folder of CSVs for neo4j-admin."""
    if fmt == "graphml":
        return export_graphml(graph, path)
    if fmt == "json":
        return export_json(graph, path)
    if fmt == "neo4j-import":
        from kg.neo4j.bulk import export_neo4j_import

        return export_neo4j_import(graph, path)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
