"""Snapshots that compare a database with a graph (tests, `verify`)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import neo4j
import networkx as nx

from kg.graph.counts import paper_coverage
from kg.graph.schema import PAPER
from kg.neo4j.loader.validation import EDGE_META, NODE_META, _props
from kg.neo4j.schema import COVERAGE


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Counts per label and type plus an order-independent digest of every id and property."""

    nodes: dict[str, int]
    relationships: dict[str, int]
    digest: str


def _line_hash(parts: Iterable[Any]) -> int:
    text = json.dumps(list(parts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest(), "big")


class _Digest:
    """Sum of per-record hashes modulo 2**256: independent of order, sensitive to duplicates."""

    def __init__(self) -> None:
        self.total = 0

    def add(self, *parts: Any) -> None:
        self.total = (self.total + _line_hash(parts)) % (1 << 256)

    def hexdigest(self) -> str:
        return f"{self.total:064x}"


def _stored(props: dict[str, Any]) -> dict[str, Any]:
    """Properties as the loader stores them (None and empty lists dropped, tuples as lists)."""
    out = {}
    for key, value in props.items():
        if value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


def snapshot_graph(graph: nx.MultiDiGraph) -> Snapshot:
    """The snapshot the database should have after loading `graph`."""
    nodes: dict[str, int] = defaultdict(int)
    rels: dict[str, int] = defaultdict(int)
    digest = _Digest()
    for node, attrs in graph.nodes(data=True):
        label = attrs["label"]
        nodes[label] += 1
        derived = {COVERAGE: paper_coverage(graph, node)} if label == PAPER else {}  # what the loader adds
        digest.add("node", [label], {**_props(attrs, NODE_META), "id": node, **derived})
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rels[key] += 1
        digest.add("rel", key, source, target, _props(attrs, EDGE_META))
    return Snapshot(dict(sorted(nodes.items())), dict(sorted(rels.items())), digest.hexdigest())


def snapshot_database(driver: neo4j.Driver, *, database: str = "neo4j") -> Snapshot:
    """Snapshot of everything in the database (all labels and types, not only the schema's)."""

    def read(tx: neo4j.ManagedTransaction) -> Snapshot:
        # Fresh tallies per attempt: a retried transaction must not count twice.
        nodes: dict[str, int] = defaultdict(int)
        rels: dict[str, int] = defaultdict(int)
        digest = _Digest()
        for record in tx.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"):
            labels = sorted(record["labels"])
            for label in labels:
                nodes[label] += 1
            digest.add("node", labels, _stored(record["props"]))
        for record in tx.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS s, b.id AS t, properties(r) AS props"):
            rels[record["type"]] += 1
            digest.add("rel", record["type"], record["s"], record["t"], _stored(record["props"]))
        return Snapshot(dict(sorted(nodes.items())), dict(sorted(rels.items())), digest.hexdigest())

    with driver.session(database=database) as session:
        return session.execute_read(read)
