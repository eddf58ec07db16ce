"""The embedded store: one gzip-compressed JSON Lines file holding the graph and what rebuilds it.

Layout (version 3), one JSON value per line so both writing and reading stream:

    {"format": "paper-kg-graph", "version": 3}
    ["N", node_id, {attrs}]               every node
    ["E", source, target, type, {attrs}]  every edge (the type is the multigraph key)
    ["G", {"nodes": n, "edges": m, "stats": {...}, "terms_scheme": k}]   the counts of the lines above:
                                          loading the graph checks them; "stats" are kg.graph.counts for
                                          `kg query stats`; a "terms_scheme" other than today's
                                          (kg.graph.schema.TERMS_SCHEME; none: 1) has the papers' text
                                          terms recomputed in memory, with a StaleTermsWarning
    ["I", {text index}], ["J", "..."]...  the embedded text index and its postings (kg.graph.text_index)
    ["L", {link table}], ["K", "..."]...  every paper link as columns, for the rankings (kg.graph.link_table)
    ["P", {paper record}]                 the records `kg build --update` needs,
    ["X", {extraction record}]            after the graph so loading the graph can stop early
    ["T", {"nodes", "edges", "papers", "extractions"}]   the trailer: a file without it is incomplete

Version 2 files (the same without the G and T lines) and version 1 files (one JSON document) are
still read, unchecked. Files are written to a unique temporary file beside the target and renamed
over it, under the write lock of kg.graph.writelock, so readers only ever see a complete file.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import gzip
import io
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kg.graph.counts import STATS_KEY, graph_stats, storable
from kg.graph.writelock import GraphLockedError, graph_write_lock

if TYPE_CHECKING:  # pydantic models only where records are read: `kg query` never needs them
    import networkx as nx  # nor networkx, when it reads a snapshot (load_dicts_stored)

    from kg.graph.snapshot import GraphDicts
    from kg.models import Paper, PaperExtraction

__all__ = [
    "GraphFileError",
    "GraphLockedError",
    "Stored",
    "load_graph",
    "load_graph_stored",
    "load_dicts_stored",
    "save_graph",
    "iter_records",
    "load_records",
]

FORMAT = "paper-kg-graph"
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
# Versions that end their graph lines with a G line and the file with a T trailer.
CHECKED_VERSIONS = frozenset({3})
from kg.graph.schema import DEFAULT_GRAPH_PATH  # noqa: E402,F401  (re-exported)

# Lists the query path only reads become tuples on load: a tuple is smaller than a list.
TUPLE_ATTRS = frozenset({"evidence", "aliases", "keys", "papers", "top_papers", "top_conf", "name_terms"})


class GraphFileError(Exception):
    """The graph file is missing, unreadable or not a paper-kg graph."""


def _incomplete(path: str | Path, detail: str) -> GraphFileError:
    return GraphFileError(
        f"graph file {path} is truncated or incomplete ({detail}); rebuild it with `kg build INPUT -o {path}`"
    )


_SHARED = (str, float)  # JSON gives exactly these types (never subclasses)


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
        # The loader's innermost loop (millions of values at 100k papers): names bound locally.
        share = self._seen.setdefault
        out = {}
        for key, value in attrs.items():
            kind = type(value)
            if kind is list:
                value = [share(v, v) if type(v) in _SHARED else v for v in value]
                if key in TUPLE_ATTRS:
                    value = tuple(value)
            elif kind in _SHARED:
                value = share(value, value)
            out[share(key, key)] = value
        return out


def graph_to_dict(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Plain JSON-ready form of the graph (networkx node-link layout), with tuples as lists."""
    import networkx as nx

    data = nx.node_link_data(graph, edges="edges", nodes="nodes", name="key")
    for item in (*data["nodes"], *data["edges"]):
        for key, value in item.items():
            if isinstance(value, tuple):
                item[key] = list(value)
    return data


def graph_from_dict(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of graph_to_dict."""
    import networkx as nx

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
    """Write the version-3 lines for a graph and its records, counts line and trailer included, to an open text file."""
    # a build id per save: it keys the loaded graph's snapshot (kg.graph.snapshot), so a file saved again never
    # answers from an old one
    fh.write(_dumps({"format": FORMAT, "version": VERSION, "build": os.urandom(16).hex()}) + "\n")
    counts = {"nodes": 0, "edges": 0}
    for node, attrs in graph.nodes(data=True):
        fh.write(_dumps(["N", node, attrs]) + "\n")
        counts["nodes"] += 1
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        fh.write(_dumps(["E", source, target, key, attrs]) + "\n")
        counts["edges"] += 1
    stats = graph_stats(graph)  # stored for `kg query stats` (kg.graph.counts)
    line = {**counts, STATS_KEY: stats} if storable(stats) else dict(counts)
    from kg.graph.schema import TERMS_SCHEME

    line[TERMS_KEY] = TERMS_SCHEME  # the rules of the text terms stored on papers and entities
    fh.write(_dumps(["G", line]) + "\n")
    # The embedded text index, so no session builds it (kg.graph.text_index; numpy only when it is there).
    from kg.graph.text_index import TermIndex

    header, chunks = TermIndex.of_graph(graph).payload()
    fh.write(_dumps(["I", header]) + "\n")
    for chunk in chunks:
        fh.write(_dumps(["J", chunk]) + "\n")
    # Every paper link as columns, for the ranking helpers (kg.graph.link_table; after the index: older
    # readers stop before it)
    from kg.graph.link_table import LinkTable

    header, chunks = LinkTable.of_graph(graph).payload()
    fh.write(_dumps(["L", header]) + "\n")
    for chunk in chunks:
        fh.write(_dumps(["K", chunk]) + "\n")
    trailer = {**counts, "papers": 0, "extractions": 0}
    for paper in papers:
        fh.write(_record_line("P", paper) + "\n")
        trailer["papers"] += 1
    for extraction in extractions:
        fh.write(_record_line("X", extraction) + "\n")
        trailer["extractions"] += 1
    fh.write(_dumps(["T", trailer]) + "\n")


def save_graph(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    papers: Iterable[Paper | dict | str] | None = None,
    extractions: Iterable[PaperExtraction | dict | str] | None = None,
) -> Path:
    """Write the graph (and the records `kg build --update` needs) atomically to a .json.gz file.

    `papers` and `extractions` may be generators: they are written as they come, never held.
    GraphLockedError when another process is writing the same file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with graph_write_lock(path):
        _remove_stale_temporaries(path)
        # A unique name beside the target (same file system, so the rename is atomic): two writers
        # never share a temporary file, and a crash never leaves a half-written graph at `path`.
        fd, name = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as raw:
                with (
                    gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3, filename="") as gz,
                    io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh,
                ):
                    write_graph_lines(fh, graph, papers or (), extractions or ())
                    fh.flush()
                    gz.flush()
                raw.flush()
                # On disk before the rename: after a power cut the name points at whole data or the old file.
                os.fsync(raw.fileno())
            os.chmod(tmp, 0o644 & ~_UMASK)  # mkstemp makes 0600; a graph file is as readable as any other
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return path


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files a killed writer left beside `path` (only called under the write lock)."""
    for leftover in path.parent.glob(glob.escape(_temporary_prefix(path)) + "*.tmp"):
        leftover.unlink(missing_ok=True)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once at import: os.umask can only be read by setting it


def _not_found(path: Path) -> str:
    """'graph file not found', with the nearest existing graph file's name when the path looks like a typo of it."""
    import difflib

    folder = path.parent if str(path.parent) else Path(".")
    with contextlib.suppress(OSError):
        nearby = sorted(p.name for p in folder.iterdir() if p.name.endswith((".json.gz", ".json")) and p.is_file())
        close = difflib.get_close_matches(path.name, nearby, n=1, cutoff=0.75)
        if close:
            return f"graph file not found: {path}; did you mean {folder / close[0]}?"
    return f"graph file not found: {path} (build one with `kg build INPUT -o {path}`)"


def _open_checked(path: str | Path) -> tuple[TextIO, int, dict[str, Any] | None]:
    """Open a graph file; returns (handle, version, version-1 payload or None)."""
    path = Path(path)
    if not path.exists():
        raise GraphFileError(_not_found(path))
    try:
        fh = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115  (returned open: the caller reads on and closes it)
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
    number = 1
    try:
        for number, line in enumerate(fh, start=2):  # noqa: B007  (`number` is reported by the except below)
            if line.strip():
                yield json.loads(line)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
        raise GraphFileError(
            f"graph file {path} is truncated or unreadable at line {number} ({exc}); rebuild it with `kg build`"
        ) from exc


@dataclass(frozen=True)
class Stored:
    """What save_graph stores beside the graph for the query engine (None: a file from before)."""

    stats: dict[str, Any] | None = None  # kg.graph.counts.graph_stats
    term_index: dict[str, Any] | None = None  # kg.graph.text_index.TermIndex.read_payload
    link_table: Any = None  # kg.graph.link_table.LinkTable (numpy arrays)

    def plain(self) -> dict[str, Any]:
        """The same as plain values (arrays as bytes), for the graph's snapshot (kg.graph.snapshot)."""
        index = self.term_index
        if index is not None:
            index = {**index, "offsets": index["offsets"].tobytes(), "postings": index["postings"].tobytes()}
        links = self.link_table.plain() if self.link_table is not None else None
        return {"stats": self.stats, "term_index": index, "link_table": links}

    @classmethod
    def from_plain(cls, plain: Any) -> Stored | None:
        """Stored from plain(); None when it is not one."""
        try:
            index, links = plain["term_index"], plain["link_table"]
            if index is not None or links is not None:
                import numpy as np

                from kg.graph.link_table import LinkTable

                if index is not None:
                    offsets, postings = (
                        np.frombuffer(index["offsets"], np.int64),
                        np.frombuffer(index["postings"], np.uint32),
                    )
                    index = {**index, "offsets": offsets, "postings": postings}
                links = LinkTable.from_plain(links) if links is not None else None
            return cls(plain["stats"], index, links)
        except (KeyError, TypeError, ValueError):
            return None


def _stored_extras(counts: Any, index: Any, links: Any = None) -> Stored:
    stats = counts.get(STATS_KEY) if isinstance(counts, dict) else None
    return Stored(stats if isinstance(stats, dict) else None, index if isinstance(index, dict) else None, links)


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read the graph saved by save_graph, streaming; the paper and extraction records are not read.

    GraphFileError when a checked file ends before its counts line or the counts disagree.
    """
    return load_graph_stored(path)[0]


def load_graph_stored(path: str | Path, *, snapshot: bool = False) -> tuple[nx.MultiDiGraph, Stored]:
    """load_graph, with the counts, text index and link table the file stores for the query engine.

    snapshot: read the graph from its binary snapshot in the user's cache folder when one fits the
    file, else load the file and write one (kg.graph.snapshot; small graphs only).
    """
    if not snapshot:
        return _load_graph_stored(path)
    graph, stored = load_dicts_stored(path)
    return graph.to_networkx(), stored


def load_dicts_stored(path: str | Path) -> tuple[GraphDicts, Stored]:
    """load_graph_stored(path, snapshot=True) with the graph as its dicts (kg.graph.snapshot.GraphDicts):
    read from a snapshot, networkx is not even imported."""
    from kg.graph import snapshot as snapshots

    build = build_id(path)
    found = snapshots.read_snapshot(path, build) if build else None
    if found is not None:
        dicts, plain = found
        stored = Stored.from_plain(plain)
        if stored is not None:
            gc.freeze()  # as _settled, without its full collection: reading the snapshot made no garbage
            return dicts, stored
    graph, stored = _load_graph_stored(path)
    if build:
        snapshots.write_snapshot(path, build, graph, stored.plain())
    return snapshots.GraphDicts.of(graph), stored


def build_id(path: str | Path) -> str | None:
    """The build id in a graph file's header (None: a file saved before ids, or not a graph file)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            header = json.loads(fh.readline())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError):
        return None
    build = header.get("build") if isinstance(header, dict) and header.get("format") == FORMAT else None
    return build if isinstance(build, str) else None


def _load_graph_stored(path: str | Path) -> tuple[nx.MultiDiGraph, Stored]:
    fh, version, payload = _open_checked(path)
    with fh:
        if payload is not None:
            return _settled(_intern_graph(graph_from_dict(payload["graph"]))), Stored()
        import networkx as nx

        graph = nx.MultiDiGraph()
        intern = Interner()
        counts: dict[str, Any] | None = None
        index: Any = None
        links: Any = None
        items = _lines(fh, path)
        # Loading only allocates (no cycles to free): collections during it are pure cost.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            add_node, add_edge = _adders(graph)
            for item in items:
                tag = item[0]
                if tag == "N":
                    add_node(intern(item[1]), intern.attrs(item[2]))
                elif tag == "E":
                    add_edge(intern(item[1]), intern(item[2]), intern(item[3]), intern.attrs(item[4]))
                else:
                    counts = item[1] if tag == "G" else None
                    break  # records follow the graph (and its index): nothing more to read
        finally:
            if was_enabled:
                gc.enable()
        if version in CHECKED_VERSIONS:
            _check_counts(path, counts, graph.number_of_nodes(), graph.number_of_edges())
            # the text index, when stored, is the line after the counts (versions 3 before it have records there)
            with contextlib.suppress(GraphFileError):  # a cut after the counts leaves the graph whole
                following = next(items, None)
                if following is not None and following[0] == "I" and isinstance(following[1], dict):
                    from kg.graph.text_index import TermIndex

                    chunks = (item[1] if item[0] == "J" else None for item in items)
                    index = TermIndex.read_payload(following[1], chunks)
                    # the link table, when stored, follows the index
                    following = next(items, None) if index is not None else None
                    if following is not None and following[0] == "L" and isinstance(following[1], dict):
                        from kg.graph.link_table import LinkTable

                        chunks = (item[1] if item[0] == "K" else None for item in items)
                        links = LinkTable.read_payload(following[1], chunks)
            if not _fresh_terms(path, graph, counts):
                index = None  # built from the old terms: the engine builds it again from the new ones
        return _settled(graph), _stored_extras(counts, index, links)


def _adders(graph: nx.MultiDiGraph) -> tuple[Callable[[str, dict], None], Callable[[str, str, str, dict], None]]:
    """add_node / add_edge for a graph being loaded, writing networkx's dicts directly.

    They do what MultiDiGraph.add_node / add_edge do for plain dict factories, without copying each
    attribute dict through keyword arguments and clearing the graph's cache per call (a third of the
    load time). The loaded graph is settled once at the end.
    """
    nodes, succ, pred = graph._node, graph._succ, graph._pred

    def add_node(node: str, attrs: dict) -> None:
        if node in succ:
            nodes[node].update(attrs)
        else:
            succ[node], pred[node], nodes[node] = {}, {}, attrs

    def add_edge(source: str, target: str, key: str, attrs: dict) -> None:
        for node in (source, target):
            if node not in succ:
                succ[node], pred[node], nodes[node] = {}, {}, {}
        keydict = succ[source].get(target)
        if keydict is None:
            succ[source][target] = pred[target][source] = {key: attrs}
        elif key in keydict:
            keydict[key].update(attrs)
        else:
            keydict[key] = attrs

    return add_node, add_edge


class StaleTermsWarning(UserWarning):
    """A graph file's stored text terms follow older rules; they were recomputed in memory."""


TERMS_KEY = "terms_scheme"  # in the G line: kg.graph.schema.TERMS_SCHEME of the stored text terms


def _fresh_terms(path: str | Path, graph: nx.MultiDiGraph, counts: Any) -> bool:
    """True when the stored text terms follow today's rules; else recompute them in memory and say so once."""
    from kg.graph.schema import TERMS_SCHEME

    stored = counts.get(TERMS_KEY, 1) if isinstance(counts, dict) else 1
    if stored == TERMS_SCHEME:
        return True
    from kg.graph.build import refresh_text_terms

    papers = refresh_text_terms(graph)
    if papers:
        warnings.warn(
            f"{path} was built with older text-term rules (scheme {stored}, now {TERMS_SCHEME}): recomputed "
            f"them for {papers} papers in memory; rebuild it (kg build) to store them",
            StaleTermsWarning,
            stacklevel=3,
        )
    return False


def _check_counts(path: str | Path, counts: Any, nodes: int, edges: int) -> None:
    """GraphFileError unless `counts` (the G line or trailer) says exactly `nodes` and `edges`."""
    if not isinstance(counts, dict):
        raise _incomplete(path, "the graph ends without its counts line")
    if counts.get("nodes") != nodes or counts.get("edges") != edges:
        raise _incomplete(
            path, f"read {nodes} nodes and {edges} edges, the file says {counts.get('nodes')} and {counts.get('edges')}"
        )


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
    import networkx as nx

    intern = Interner()
    out = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        out.add_node(intern(node), **intern.attrs(attrs))
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        out.add_edge(intern(source), intern(target), key=intern(key), **intern.attrs(attrs))
    return out


def iter_records(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """("P", paper dict) and ("X", extraction dict) records stored with the graph, in file order.

    For checked files the whole file is read (graph lines only counted, not parsed) and GraphFileError
    is raised at the end when the trailer is missing or its counts disagree.
    """
    fh, version, payload = _open_checked(path)
    with fh:
        if payload is not None:
            yield from (("P", p) for p in payload.get("papers", []))
            yield from (("X", e) for e in payload.get("extractions", []))
            return
        seen = {"nodes": 0, "edges": 0, "papers": 0, "extractions": 0}
        trailer: Any = None
        number = 1
        try:
            for number, line in enumerate(fh, start=2):  # noqa: B007  (`number` is reported by the except below)
                # Skip graph lines without parsing them: only records are wanted here.
                if line.startswith('["N"'):
                    seen["nodes"] += 1
                elif line.startswith('["E"'):
                    seen["edges"] += 1
                elif line.startswith('["P"') or line.startswith('["X"'):
                    tag, record = json.loads(line)
                    seen["papers" if tag == "P" else "extractions"] += 1
                    yield tag, record
                elif line.startswith('["G"'):
                    _check_counts(path, json.loads(line)[1], seen["nodes"], seen["edges"])
                elif line.startswith('["T"'):
                    trailer = json.loads(line)[1]
        except (OSError, json.JSONDecodeError, UnicodeDecodeError, EOFError, ValueError) as exc:
            if version in CHECKED_VERSIONS:
                raise _incomplete(path, f"line {number}: {exc}") from exc
            raise GraphFileError(f"cannot read graph file {path} (line {number}): {exc}") from exc
        if version in CHECKED_VERSIONS and trailer != seen:
            detail = "no trailer line at the end" if trailer is None else f"trailer says {trailer}, read {seen}"
            raise _incomplete(path, detail)


def read_records(path: str | Path) -> tuple[list[Paper], list[PaperExtraction]]:
    """The paper and extraction records stored with the graph (the graph itself is not read)."""
    from kg.models import Paper, PaperExtraction

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
