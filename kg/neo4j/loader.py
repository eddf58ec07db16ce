"""Push the embedded graph into Neo4j so the database mirrors it (idempotent, safe to re-run after a crash).

Every step is a set operation keyed by node id, so any partial state left by an interrupted load
converges to the same database when the load runs again:

1. check every label, relationship type, (source, target) label pair and property value against the
   schema whitelist -- nothing is sent when the graph breaks it;
2. constraints and indexes (``IF NOT EXISTS``);
3. nodes per label: ``MERGE`` on id, then ``SET n = props`` (so properties the graph no longer has go);
4. nodes of the schema's labels whose id is not in the graph are ``DETACH DELETE``d;
5. relationships per type and label pair: ``MATCH`` both ends by id, ``MERGE``, ``SET r = props``;
6. for every node of a source label, its outgoing relationships of the schema's types that the graph
   does not have (a re-extracted paper's old USES edge, an IS_A edge resolution dropped) are deleted,
   and so are duplicates of one (source, type, target).

Only the schema's labels and types are managed; anything else in the database is left alone. None
values and empty lists are not stored (Neo4j cannot type an empty list, and neo4j-admin import skips
empty arrays); readers treat a missing list as empty.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import neo4j

from kg.graph.schema import NODE_LABELS, RELATIONSHIP_TYPES, check_label, check_relationship_type
from kg.neo4j.schema import MAX_TERM_BYTES, QUIET_SESSION, ensure_schema

DEFAULT_BATCH_SIZE = 5000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Graph attributes that become the node label / relationship type rather than a property.
NODE_META = ("label",)
EDGE_META = ("type",)


@dataclass(slots=True)
class LoadSummary:
    """What a load wrote and removed, and how fast."""

    nodes: int = 0
    relationships: int = 0
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    seconds: float = 0.0
    nodes_per_label: dict[str, int] = field(default_factory=dict)
    relationships_per_type: dict[str, int] = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def relationships_per_second(self) -> float:
        """Relationships written per second of the whole load."""
        return self.relationships / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        text = (
            f"loaded {self.nodes:,} nodes and {self.relationships:,} relationships in {self.seconds:.1f}s "
            f"({self.relationships_per_second:,.0f} relationships/s)"
        )
        if self.nodes_deleted or self.relationships_deleted:
            text += f"; removed {self.nodes_deleted:,} stale nodes and {self.relationships_deleted:,} stale relationships"
        return text


# -- validation and row building (no database access) ------------------------------------------------
def _scalar_kind(value: Any, where: str) -> type:
    """The Neo4j-storable kind of one value (str, bool, int, float); ValueError otherwise."""
    if isinstance(value, str):
        _check_text(value, where)
        return str
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"{where}: integer {value} does not fit Neo4j's 64-bit integers")
        return int
    if isinstance(value, float):
        return float
    raise ValueError(f"{where}: a value of type {type(value).__name__} cannot be stored in Neo4j")


def _clean_value(value: Any, where: str) -> Any:
    """A property value Neo4j can store, or None to drop it; ValueError for anything else."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        _scalar_kind(value, where)
        return value
    if not value:
        return None
    kinds = {_scalar_kind(v, where) for v in value}
    if kinds == {int, float}:
        return [float(v) for v in value]  # Neo4j lists are homogeneous: widen like neo4j-admin does
    if len(kinds) > 1:
        raise ValueError(f"{where}: a list property must hold values of one kind, got {sorted(k.__name__ for k in kinds)}")
    return list(value)


def _check_text(text: str, where: str) -> None:
    # Bolt sends UTF-8: a lone surrogate would fail half-way through a load, so refuse it up front.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{where}: text is not valid Unicode (lone surrogate)") from None


def _props(attrs: dict[str, Any], meta: Sequence[str], where: str) -> dict[str, Any]:
    props = {}
    for key, value in attrs.items():
        if key in meta:
            continue
        cleaned = _clean_value(value, f"{where} property {key!r}")
        if cleaned is not None:
            props[str(key)] = cleaned
    return props


@dataclass(slots=True)
class LoadPlan:
    """The graph cut into whitelisted, parameter-ready rows."""

    node_rows: dict[str, list[dict[str, Any]]]
    # (type, source label, target label) -> rows {s, t, props}
    rel_rows: dict[tuple[str, str, str], list[dict[str, Any]]]
    # source label -> rows {id, keep: ["TYPE target", ...]} for every node of that label
    keep_rows: dict[str, list[dict[str, Any]]]


def plan_load(graph: nx.MultiDiGraph) -> LoadPlan:
    """Validate the whole graph against the schema and build the rows; ValueError on any violation."""
    labels: dict[Any, str] = {}
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if not isinstance(node, str) or not node:
            raise ValueError(f"node id {node!r} must be a non-empty string")
        _check_text(node, "node id")
        label = check_label(str(attrs.get("label")))
        if attrs.get("id", node) != node:
            raise ValueError(f"node {node!r} has a different id attribute {attrs.get('id')!r}")
        props = _props(attrs, NODE_META, f"node {node!r}")
        _check_keys(node, props.get("keys"))
        props["id"] = node
        labels[node] = label
        node_rows[label].append({"id": node, "props": props})
    rel_rows: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    keep: dict[str, list[str]] = defaultdict(list)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rel_type = check_relationship_type(str(key))
        if attrs.get("type", rel_type) != rel_type:
            raise ValueError(f"edge {source!r}->{target!r} has key {key!r} but type {attrs.get('type')!r}")
        pair = (labels[source], labels[target])
        if pair not in RELATIONSHIP_TYPES[rel_type]:
            raise ValueError(f"({pair[0]})-[:{rel_type}]->({pair[1]}) is not allowed by the schema ({source!r}->{target!r})")
        props = _props(attrs, EDGE_META, f"edge {source!r}-[{rel_type}]->{target!r}")
        rel_rows[(rel_type, *pair)].append({"s": source, "t": target, "props": props})
        keep[source].append(f"{rel_type} {target}")
    keep_rows: dict[str, list[dict[str, Any]]] = {
        label: [{"id": row["id"], "keep": keep.get(row["id"], [])} for row in node_rows.get(label, [])]
        for label in sorted(_source_labels())
    }
    return LoadPlan(dict(node_rows), dict(rel_rows), keep_rows)


def _check_keys(node: str, keys: Any) -> None:
    """Alias keys go into a keyword full-text index: strings within Lucene's term limit only."""
    if keys is None:
        return
    for key in keys if isinstance(keys, list) else [keys]:
        if not isinstance(key, str):
            raise ValueError(f"node {node!r}: alias keys must be strings, got {type(key).__name__}")
        if len(key.encode("utf-8", "surrogatepass")) > MAX_TERM_BYTES:
            raise ValueError(f"node {node!r}: an alias key is longer than {MAX_TERM_BYTES} bytes (Lucene's term limit)")


def _source_labels() -> dict[str, list[str]]:
    """Source label -> the relationship types that may leave it (from the whitelist)."""
    out: dict[str, list[str]] = defaultdict(list)
    for rel_type, pairs in RELATIONSHIP_TYPES.items():
        for source, _ in pairs:
            if rel_type not in out[source]:
                out[source].append(rel_type)
    return {label: sorted(types) for label, types in out.items()}


# -- Cypher (labels and types interpolated only after the whitelist check) ---------------------------
def _merge_nodes_query(label: str) -> str:
    return f"UNWIND $rows AS row MERGE (n:{check_label(label)} {{id: row.id}}) SET n = row.props"


def _merge_rels_query(rel_type: str, source: str, target: str) -> str:
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{check_label(source)} {{id: row.s}}) MATCH (b:{check_label(target)} {{id: row.t}}) "
        f"MERGE (a)-[r:{check_relationship_type(rel_type)}]->(b) SET r = row.props"
    )


def _delete_nodes_query(label: str) -> str:
    return f"UNWIND $rows AS id MATCH (n:{check_label(label)} {{id: id}}) DETACH DELETE n"


def _prune_rels_query(source: str, types: Sequence[str]) -> str:
    union = "|".join(check_relationship_type(t) for t in types)
    # Group parallel copies of one (type, target): keep the first if the graph has it, else none.
    return (
        f"UNWIND $rows AS row MATCH (a:{check_label(source)} {{id: row.id}})-[r:{union}]->(b) "
        "WITH row, type(r) + ' ' + b.id AS key, collect(r) AS rels "
        "WITH CASE WHEN key IN row.keep THEN tail(rels) ELSE rels END AS doomed "
        "UNWIND doomed AS r DELETE r"
    )


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _run_batch(tx: neo4j.ManagedTransaction, query: str, rows: Sequence[Any]) -> neo4j.SummaryCounters:
    return tx.run(query, rows=list(rows)).consume().counters


class _Progress:
    """A tqdm bar over all rows, or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="row", desc="neo4j load", dynamic_ncols=True)

    def phase(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_description(text)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def load_graph_into_neo4j(
    graph: nx.MultiDiGraph,
    driver: neo4j.Driver,
    *,
    database: str = "neo4j",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
) -> LoadSummary:
    """Make the database mirror `graph` (idempotent; re-running after an interrupted load converges)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    plan = plan_load(graph)  # validates everything before the first query
    summary = LoadSummary(
        nodes_per_label={label: len(rows) for label, rows in sorted(plan.node_rows.items())},
        relationships_per_type=_count_types(plan.rel_rows),
    )
    ensure_schema(driver, database=database)
    total = (
        sum(map(len, plan.node_rows.values()))
        + sum(map(len, plan.rel_rows.values()))
        + sum(map(len, plan.keep_rows.values()))
    )
    bar = _Progress(total, progress)
    try:
        with driver.session(database=database, **QUIET_SESSION) as session:

            def write(query: str, rows: Sequence[Any], on_counters: Callable[[neo4j.SummaryCounters], None] | None = None,
                      advance: bool = True, phase: str = "") -> None:
                began = time.perf_counter()
                for batch in _batches(rows, batch_size):
                    counters = session.execute_write(_run_batch, query, batch)
                    if on_counters is not None:
                        on_counters(counters)
                    if advance:
                        bar.update(len(batch))
                if phase:
                    summary.phase_seconds[phase] = summary.phase_seconds.get(phase, 0.0) + time.perf_counter() - began

            for label in sorted(plan.node_rows):
                bar.phase(f"nodes :{label}")
                write(_merge_nodes_query(label), plan.node_rows[label], phase="nodes")
                summary.nodes += len(plan.node_rows[label])

            bar.phase("stale nodes")
            began = time.perf_counter()
            for label in sorted(NODE_LABELS):
                wanted = {row["id"] for row in plan.node_rows.get(label, [])}
                stale = _stale_node_ids(session, label, wanted, summary)
                write(_delete_nodes_query(label), stale, lambda c: _add_deleted(summary, c), advance=False)
            summary.phase_seconds["stale nodes"] = time.perf_counter() - began

            for (rel_type, source, target) in sorted(plan.rel_rows):
                rows = plan.rel_rows[(rel_type, source, target)]
                bar.phase(f"rels :{rel_type}")
                write(_merge_rels_query(rel_type, source, target), rows, phase="relationships")
                summary.relationships += len(rows)

            sources = _source_labels()
            for label in sorted(plan.keep_rows):
                bar.phase(f"stale rels from :{label}")
                write(_prune_rels_query(label, sources[label]), plan.keep_rows[label], lambda c: _add_deleted(summary, c),
                      phase="stale relationships")
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _count_types(rel_rows: dict[tuple[str, str, str], list]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for (rel_type, _, _), rows in rel_rows.items():
        counts[rel_type] += len(rows)
    return dict(sorted(counts.items()))


def _add_deleted(summary: LoadSummary, counters: neo4j.SummaryCounters) -> None:
    summary.nodes_deleted += counters.nodes_deleted
    summary.relationships_deleted += counters.relationships_deleted


def _stale_node_ids(session: neo4j.Session, label: str, wanted: set[str], summary: LoadSummary) -> list[Any]:
    """Ids of `label` nodes in the database that the graph does not have; id-less nodes are deleted here."""

    def read(tx: neo4j.ManagedTransaction) -> list[Any]:
        return [r["id"] for r in tx.run(f"MATCH (n:{check_label(label)}) RETURN n.id AS id")]

    stale = [i for i in session.execute_read(read) if i not in wanted]
    if None in stale:
        # A node without an id cannot be matched by id: remove those in one statement.
        counters = session.execute_write(
            lambda tx: tx.run(f"MATCH (n:{check_label(label)}) WHERE n.id IS NULL DETACH DELETE n").consume().counters
        )
        _add_deleted(summary, counters)
        stale = [i for i in stale if i is not None]
    return stale


# -- snapshots: compare a database with a graph (tests, `verify`) -------------------------------------
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
        digest.add("node", [label], {**_props(attrs, NODE_META, str(node)), "id": node})
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rels[key] += 1
        digest.add("rel", key, source, target, _props(attrs, EDGE_META, f"{source}->{target}"))
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
