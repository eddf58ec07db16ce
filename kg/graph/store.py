"""The embedded store: one gzip-compressed JSON file holding the graph and what rebuilds it."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import networkx as nx

from kg.models import Paper, PaperExtraction

FORMAT = "paper-kg-graph"
VERSION = 1
DEFAULT_GRAPH_PATH = Path("graph.json.gz")


class GraphFileError(Exception):
    """The graph file is missing, unreadable or not a paper-kg graph."""


def graph_to_dict(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Plain JSON-ready form of the graph (networkx node-link layout)."""
    return nx.node_link_data(graph, edges="edges", nodes="nodes", name="key")


def graph_from_dict(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of graph_to_dict."""
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", nodes="nodes", name="key")


def save_graph(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    papers: list[Paper] | None = None,
    extractions: list[PaperExtraction] | None = None,
) -> Path:
    """Write the graph (and the records `kg build --update` needs) atomically to a .json.gz file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "graph": graph_to_dict(graph),
        "papers": [p.model_dump(exclude_defaults=True) for p in papers or []],
        "extractions": [e.model_dump(exclude_defaults=True) for e in extractions or []],
    }
    # Write beside the target then rename, so a crash never leaves a half-written graph behind.
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=5) as fh:
        json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)
    return path


def _read_payload(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise GraphFileError(f"graph file not found: {path} (build one with `kg build INPUT -o {path}`)")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            payload = json.load(fh)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"cannot read graph file {path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise GraphFileError(f"{path} is not a paper-kg graph file")
    if payload.get("version") != VERSION:
        raise GraphFileError(f"{path} has graph format version {payload.get('version')}; expected {VERSION}")
    return payload


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read the graph saved by save_graph."""
    return graph_from_dict(_read_payload(path)["graph"])


def load_records(path: str | Path) -> tuple[nx.MultiDiGraph, list[Paper], list[PaperExtraction]]:
    """Read the graph with the paper and extraction records it was built from."""
    payload = _read_payload(path)
    papers = [Paper.model_validate(p) for p in payload.get("papers", [])]
    extractions = [PaperExtraction.model_validate(e) for e in payload.get("extractions", [])]
    return graph_from_dict(payload["graph"]), papers, extractions
