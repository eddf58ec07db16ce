"""The embedded store: one gzip-compressed JSON Lines file holding the graph and what rebuilds it.

Layout (version 2), one JSON value per line so both writing and reading stream:

    {"format": "paper-kg-graph", "version": 2}
    ["N", node_id, {attrs}]               every node
    ["E", source, target, type, {attrs}]  every edge (the type is the multigraph key)
    ["P", {paper record}]                 the records `kg build --update` needs,
    ["X", {extraction record}]            after the graph so loading the graph can stop early

Version 1 files (one JSON document) are still read.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from kg.models import Paper, PaperExtraction

FORMAT = "paper-kg-graph"
VERSION = 2
READABLE_VERSIONS = (1, 2)
DEFAULT_GRAPH_PATH = Path("graph.json.gz")
# Lists the query path only reads become tuples on load: a tuple is smaller than a list.
TUPLE_ATTRS = frozenset({"evidence", "aliases", "keys", "papers", "top_papers", "top_conf"})


class GraphFileError(Exception):
    """The graph file is missing, unreadable or not a paper-kg graph."""


class Interner:
    """One shared object per distinct string or float, so repeated ids and sentences cost one copy."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        """The shared copy of a string or float (other values pass through)."""
        if isinstance(value, (str, float)):
            return self._seen.setdefault(value, value)
        return value

    def attrs(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Attribute dict with strings and floats shared and read-only lists as tuples."""
        out = {}
        for key, value in attrs.items():
            if isinstance(value, list):
                value = [self(v) for v in value]
                if key in TUPLE_ATTRS:
                    value = tuple(value)
            else:
                value = self(value)
            out[self(key)] = value
        return out


def graph_to_dict(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Plain JSON-ready form of the graph (networkx node-link layout), with tuples as lists."""
    data = nx.node_link_data(graph, edges="edges", nodes="nodes", name="key")
    for item in (*data["nodes"], *data["edges"]):
        for key, value in item.items():
            if isinstance(value, tuple):
                item[key] = list(value)
    return data


def graph_from_dict(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of graph_to_dict."""
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", nodes="nodes", name="key")


def _json_ready(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _dumps(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=_json_ready)


def _record_line(tag: str, record: Paper | PaperExtraction | dict | str) -> str:
    """One P/X line; a str is taken as that record already serialised as JSON."""
    if isinstance(record, str):
        return f'["{tag}",{record}]'
    if not isinstance(record, dict):
        record = record.model_dump(exclude_defaults=True)
    return _dumps([tag, record])


def write_graph_lines(
    fh: TextIO,
    graph: nx.MultiDiGraph,
    papers: Iterable[Paper | dict | str] = (),
    extractions: Iterable[PaperExtraction | dict | str] = (),
) -> None:
    """Write the version-2 lines for a graph and its records to an open text file."""
    fh.write(_dumps({"format": FORMAT, "version": VERSION}) + "\n")
    for node, attrs in graph.nodes(data=True):
        fh.write(_dumps(["N", node, attrs]) + "\n")
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        fh.write(_dumps(["E", source, target, key, attrs]) + "\n")
    for paper in papers:
        fh.write(_record_line("P", paper) + "\n")
    for extraction in extractions:
        fh.write(_record_line("X", extraction) + "\n")


def save_graph(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    papers: Iterable[Paper | dict | str] | None = None,
    extractions: Iterable[PaperExtraction | dict | str] | None = None,
) -> Path:
    """Write the graph (and the records `kg build --update` needs) atomically to a .json.gz file.

    `papers` and `extractions` may be generators: they are written as they come, never held.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target then rename, so a crash never leaves a half-written graph behind.
    tmp = path.with_name(path.name + ".tmp")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as fh:
            write_graph_lines(fh, graph, papers or (), extractions or ())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _open_checked(path: str | Path) -> tuple[TextIO, int, dict[str, Any] | None]:
    """Open a graph file; returns (handle, version, version-1 payload or None)."""
    path = Path(path)
    if not path.exists():
        raise GraphFileError(f"graph file not found: {path} (build one with `kg build INPUT -o {path}`)")
    try:
        fh = gzip.open(path, "rt", encoding="utf-8")
        first = fh.readline()
        header = json.loads(first) if first.strip() else None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
        raise GraphFileError(f"cannot read graph file {path}: {exc}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        fh.close()
        raise GraphFileError(f"{path} is not a paper-kg graph file")
    version = header.get("version")
    if version not in READABLE_VERSIONS:
        fh.close()
        raise GraphFileError(f"{path} has graph format version {version}; this paper-kg reads {READABLE_VERSIONS}")
    # Version 1 is a single JSON document: the header line was the whole payload.
    return fh, version, header if version == 1 else None


def _lines(fh: TextIO, path: str | Path) -> Iterator[list[Any]]:
    try:
        for number, line in enumerate(fh, start=2):
            if line.strip():
                yield json.loads(line)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
        raise GraphFileError(f"cannot read graph file {path} (line {number}): {exc}") from exc


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read the graph saved by save_graph, streaming; the paper and extraction records are not read."""
    fh, version, payload = _open_checked(path)
    with fh:
        if payload is not None:
            return _settled(_intern_graph(graph_from_dict(payload["graph"])))
        graph = nx.MultiDiGraph()
        intern = Interner()
        # Loading only allocates (no cycles to free): collections during it are pure cost.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for item in _lines(fh, path):
                tag = item[0]
                if tag == "N":
                    graph.add_node(intern(item[1]), **intern.attrs(item[2]))
                elif tag == "E":
                    graph.add_edge(intern(item[1]), intern(item[2]), key=intern(item[3]), **intern.attrs(item[4]))
                else:
                    break  # records follow the graph: nothing more to read
        finally:
            if was_enabled:
                gc.enable()
        return _settled(graph)


def _settled(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph, moved out of the garbage collector's sight.

    A loaded graph is millions of long-lived objects; every full collection would walk them all
    (a pause of a second at 100k papers, landing on whichever query triggered it). gc.freeze()
    parks everything alive now in the permanent generation, so collections only see new objects.
    """
    gc.collect()
    gc.freeze()
    return graph


def _intern_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Version-1 graphs, rebuilt with shared strings like version 2 loads."""
    intern = Interner()
    out = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        out.add_node(intern(node), **intern.attrs(attrs))
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        out.add_edge(intern(source), intern(target), key=intern(key), **intern.attrs(attrs))
    return out


def iter_records(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """("P", paper dict) and ("X", extraction dict) records stored with the graph, in file order."""
    fh, version, payload = _open_checked(path)
    with fh:
        if payload is not None:
            yield from (("P", p) for p in payload.get("papers", []))
            yield from (("X", e) for e in payload.get("extractions", []))
            return
        for line in fh:
            # Skip graph lines without parsing them: only records are wanted here.
            if line.startswith('["P"') or line.startswith('["X"'):
                try:
                    tag, record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise GraphFileError(f"cannot read graph file {path}: {exc}") from exc
                yield tag, record


def read_records(path: str | Path) -> tuple[list[Paper], list[PaperExtraction]]:
    """The paper and extraction records stored with the graph (the graph itself is not read)."""
    papers: list[Paper] = []
    extractions: list[PaperExtraction] = []
    for tag, record in iter_records(path):
        if tag == "P":
            papers.append(Paper.model_validate(record))
        else:
            extractions.append(PaperExtraction.model_validate(record))
    return papers, extractions


def load_records(path: str | Path) -> tuple[nx.MultiDiGraph, list[Paper], list[PaperExtraction]]:
    """Read the graph with the paper and extraction records it was built from."""
    papers, extractions = read_records(path)
    return load_graph(path), papers, extractions
