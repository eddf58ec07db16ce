"""A binary snapshot of a loaded graph in the user's cache folder, so a `kg` command skips the JSON.

Parsing the graph file's JSON lines is most of a `kg query` on a small graph (0.23 s of 0.48 s on the
700-paper sample). The first command that loads a file writes what it loaded (node and edge dicts,
the stored counts, text index and link table as bytes) with marshal, Python's format for plain values
(loading one runs no code); later commands read it back. The snapshot is keyed by the build id that
save_graph writes into the file's header, the file's path, size and modification time, and the Python
version (marshal's format is Python's), so a graph saved again is never answered from an old snapshot.
Large graphs get none (a snapshot of 100k papers would be gigabytes); any problem with the cache
folder or a snapshot means the file is read as before.

A snapshot is read into GraphDicts, networkx's own dicts of the graph without the networkx object: the
query engine reads those dicts only, and importing networkx (~0.1 s) would be a quarter of a `kg query`
on the sample graph. to_networkx() makes the MultiDiGraph over them when one is asked for.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.graph.schema import TERMS_SCHEME

if TYPE_CHECKING:
    import networkx as nx

SNAPSHOT_VERSION = 1
MAX_EDGES = 200_000  # larger graphs load from the file (their snapshot would be too large to pay off)
ENV_DIR = "KG_SNAPSHOT_DIR"  # overrides the folder (tests; "" turns snapshots off)


class GraphDicts:
    """A MultiDiGraph's attribute dict and its node, successor and predecessor dicts (networkx's layout:
    node -> attrs, node -> neighbour -> key -> attrs), without networkx."""

    __slots__ = ("graph", "_node", "_succ", "_pred", "_nx")

    def __init__(
        self,
        graph: dict[str, Any],
        nodes: dict[Any, dict[str, Any]],
        succ: dict[Any, dict[Any, dict[Any, dict[str, Any]]]],
        pred: dict[Any, dict[Any, dict[Any, dict[str, Any]]]],
        networkx_graph: nx.MultiDiGraph | None = None,
    ) -> None:
        self.graph, self._node, self._succ, self._pred = graph, nodes, succ, pred
        self._nx = networkx_graph  # the MultiDiGraph over these dicts, once made

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> GraphDicts:
        """The dicts of a MultiDiGraph (to_networkx() gives it back)."""
        return cls(graph.graph, graph._node, graph._succ, graph._pred, graph)

    def __len__(self) -> int:
        return len(self._node)

    def __contains__(self, node: object) -> bool:
        return node in self._node

    def number_of_nodes(self) -> int:
        """Nodes, as networkx counts them."""
        return len(self._node)

    def number_of_edges(self) -> int:
        """Edges (one per key), as networkx counts them."""
        return sum(len(keys) for nbrs in self._succ.values() for keys in nbrs.values())

    def to_networkx(self) -> nx.MultiDiGraph:
        """The MultiDiGraph holding these very dicts (made once; networkx imported here)."""
        if self._nx is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            graph.graph.update(self.graph)
            graph._node.update(self._node)
            graph._succ.update(self._succ)
            graph._pred.update(self._pred)
            # from now on both read the graph's own dicts (an edit through networkx is seen here too)
            self.graph, self._node, self._succ, self._pred = graph.graph, graph._node, graph._succ, graph._pred
            self._nx = graph
        return self._nx


def snapshot_dir() -> Path | None:
    """Where snapshots live: $KG_SNAPSHOT_DIR, else paper-kg/snapshots in the user's cache folder."""
    configured = os.environ.get(ENV_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    return platformdirs.user_cache_path("paper-kg") / "snapshots"


def _key(path: Path, build: str) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    # the terms scheme too: a file of older text terms is refreshed on load, and so must its snapshot be
    return (
        SNAPSHOT_VERSION,
        tuple(sys.version_info[:2]),
        build,
        str(path.resolve()),  # _file names the snapshot by this element
        st.st_size,
        st.st_mtime_ns,
        TERMS_SCHEME,
    )


def _file(folder: Path, key: tuple) -> Path:
    # one snapshot per graph path: saving the file again replaces its snapshot rather than adding one
    return folder / (hashlib.sha1(key[3].encode("utf-8")).hexdigest() + ".marshal")


def read_snapshot(path: str | Path, build: str) -> tuple[GraphDicts, dict[str, Any]] | None:
    """(the graph's dicts, stored extras as plain values) from the file's snapshot; None when there is none
    that fits."""
    folder, key = snapshot_dir(), _key(Path(path), build)
    if folder is None or key is None:
        return None
    # only allocation follows (no cycles to free): collections during it are pure cost, as in the loader
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        data = marshal.loads(_file(folder, key).read_bytes())
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        # marshal keeps shared objects shared: the in-edge dicts hold the out-edge dicts' very keydicts
        graph = GraphDicts(data["graph"], data["nodes"], data["succ"], data["pred"])
        if not all(isinstance(d, dict) for d in (graph.graph, graph._node, graph._succ, graph._pred)):
            return None
        return graph, data["stored"]
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None
    finally:
        if was_enabled:
            gc.enable()


def write_snapshot(path: str | Path, build: str, graph: nx.MultiDiGraph | GraphDicts, stored: dict[str, Any]) -> None:
    """Write the loaded graph's snapshot (quietly nothing when it is large, unmarshallable or unwritable)."""
    folder, key = snapshot_dir(), _key(Path(path), build)
    if folder is None or key is None or graph.number_of_edges() > MAX_EDGES:
        return
    data = {
        "key": key,
        "graph": dict(graph.graph),
        "nodes": graph._node,
        "succ": graph._succ,
        "pred": graph._pred,
        "stored": stored,
    }
    try:
        raw = marshal.dumps(data)
    except ValueError:  # an attribute of a type marshal does not hold
        return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.replace(name, _file(folder, key))  # readers see the whole snapshot or none
        finally:
            with contextlib.suppress(OSError):
                os.unlink(name)
