"""Push the embedded graph into Neo4j so the database mirrors it (idempotent, safe to re-run after a crash).

Every step is a set operation keyed by node id, so any partial state left by an interrupted load
converges to the same database when the load runs again:

1. check every label, relationship type, (source, target) label pair and property value against the
   schema whitelist -- nothing is sent when the graph breaks it;
2. constraints and indexes (``IF NOT EXISTS``);
3. nodes per label: ``MERGE`` on id, then ``SET n = props`` (so properties the graph no longer has go);
4. nodes of the schema's labels whose id is not in the graph are ``DETACH DELETE``d;
5. relationships, grouped by source node: both ends found by elementId, ``MERGE``, ``SET r = props``;
6. for every node of a source label, its outgoing relationships of the schema's types that the graph
   does not have (a re-extracted paper's old USES edge, an IS_A edge resolution dropped) are deleted,
   and so are duplicates of one (source, type, target).

A first load -- the database holds no node of the schema's labels (one count-store query) -- has
nothing to match and nothing stale, so it writes nodes and relationships with ``CREATE`` and skips
steps 4 and 6; the result is the same database (tests compare the digests). A first load killed half
way leaves nodes behind, so its rerun takes the MERGE path above and converges like any other.

Only the schema's labels and types are managed; anything else in the database is left alone. None
values and empty lists are not stored (Neo4j cannot type an empty list, and neo4j-admin import skips
empty arrays); readers treat a missing list as empty.

Batches go through `workers` sessions at once (two by default: the server writes one batch while the
client packs the next, and on two cores the server runs both). Batches of one step touch disjoint
source nodes; a lock wait on a shared entity node ends in the driver's retry of the whole batch, so
the result does not depend on the order the batches commit in.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import re
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import neo4j

from kg.graph.schema import NODE_LABELS, RELATIONSHIP_TYPES, check_label, check_relationship_type
from kg.neo4j.schema import MAX_TERM_BYTES, QUIET_SESSION, ensure_schema

DEFAULT_BATCH_SIZE = 5000
# Writer sessions: with two, the server commits one batch while the client builds and packs the next
# (100k papers on two idle cores: 49.6 s against 57.1 s with one).
DEFAULT_WORKERS = 2
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
    # "create" for a first load into a database without paper-kg nodes, "merge" otherwise
    mode: str = ""

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
# Validation runs over every property of every node and edge (millions of values for a large graph),
# so the common shapes -- plain str/float/int/bool values, lists of str or float -- take exact-type fast
# paths; anything else (subclasses such as numpy scalars, mixed lists) goes through the general checks.
class _BadValue(ValueError):
    """A property value Neo4j cannot store; the caller says where it was."""


def _check_text(text: str) -> None:
    # Bolt sends UTF-8: a lone surrogate would fail half-way through a load, so refuse it up front.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise _BadValue("text is not valid Unicode (lone surrogate)") from None


def _scalar_kind(value: Any) -> type:
    """The Neo4j-storable kind of one value (str, bool, int, float); _BadValue otherwise."""
    kind = type(value)
    if kind is str:
        _check_text(value)
        return str
    if kind is float or kind is bool:
        return kind
    if kind is int or (isinstance(value, int) and not isinstance(value, bool)):
        if not INT64_MIN <= value <= INT64_MAX:
            raise _BadValue(f"integer {value} does not fit Neo4j's 64-bit integers")
        return int
    if isinstance(value, str):
        _check_text(value)
        return str
    if isinstance(value, bool):
        return bool
    if isinstance(value, float):
        return float
    raise _BadValue(f"a value of type {type(value).__name__} cannot be stored in Neo4j")


def _clean_value(value: Any) -> Any:
    """A property value Neo4j can store, or None to drop it; _BadValue for anything else."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        _scalar_kind(value)
        return value
    if not value:
        return None
    kinds = {_scalar_kind(v) for v in value}
    if kinds == {int, float}:
        return [float(v) for v in value]  # Neo4j lists are homogeneous: widen like neo4j-admin does
    if len(kinds) > 1:
        raise _BadValue(f"a list property must hold values of one kind, got {sorted(k.__name__ for k in kinds)}")
    return list(value)


def _props(attrs: dict[str, Any], meta: Sequence[str]) -> dict[str, Any]:
    """Storable properties of one node or edge (meta keys, None and empty lists dropped)."""
    props = {}
    for key, value in attrs.items():
        if key in meta:
            continue
        kind = type(value)
        # Fast paths, inlined (this loop sees every value of the graph); _clean_value decides the rest.
        if kind is float or kind is bool:
            pass
        elif kind is str:
            if not value.isascii():
                _check_text_at(value, key)
        elif (kind is tuple or kind is list) and value and (joined := _joined_text(value)) is not None:
            if not joined.isascii():
                _check_text_at(joined, key)  # a lone surrogate stays one after joining
            value = list(value)
        elif (kind is tuple or kind is list) and value and type(value[0]) is float and all(type(v) is float for v in value):
            value = list(value)
        else:
            try:
                value = _clean_value(value)
            except _BadValue as exc:
                raise _BadValue(f"property {key!r}: {exc}") from None
            if value is None:
                continue
        props[key if type(key) is str else str(key)] = value
    return props


def _joined_text(values: Sequence[Any]) -> str | None:
    """All items joined when every one is a str (one C call), else None."""
    if type(values[0]) is not str:
        return None
    try:
        return "".join(values)  # TypeError unless every item is a str
    except TypeError:
        return None


def _check_text_at(text: str, key: Any) -> None:
    try:
        _check_text(text)
    except _BadValue as exc:
        raise _BadValue(f"property {key!r}: {exc}") from None


# (source id, target id, properties) of one relationship
RelRow = tuple[str, str, dict[str, Any]]


@dataclass(slots=True)
class LoadPlan:
    """The graph cut into whitelisted, parameter-ready rows."""

    # label -> property maps, each holding the node's `id`
    node_rows: dict[str, list[dict[str, Any]]]
    # (type, source label, target label) -> (source id, target id, properties)
    rel_rows: dict[tuple[str, str, str], list[RelRow]]


def plan_load(graph: nx.MultiDiGraph) -> LoadPlan:
    """Validate the whole graph against the schema and build the rows; ValueError on any violation."""
    labels: dict[Any, str] = {}
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if not isinstance(node, str) or not node:
            raise ValueError(f"node id {node!r} must be a non-empty string")
        label = attrs.get("label")
        label = check_label(label if type(label) is str else str(label))
        if attrs.get("id", node) != node:
            raise ValueError(f"node {node!r} has a different id attribute {attrs.get('id')!r}")
        try:
            _check_text(node)
            props = _props(attrs, NODE_META)
        except _BadValue as exc:
            raise ValueError(f"node {node!r} {exc}") from None
        _check_keys(node, props.get("keys"))
        props["id"] = node
        labels[node] = label
        node_rows[label].append(props)
    rel_rows: dict[tuple[str, str, str], list[RelRow]] = {}
    # adjacency() hands out the graph's own dicts: no view object per edge (millions of them).
    for source, targets in graph.adjacency():
        source_label = labels[source]
        for target, edges in targets.items():
            for key, attrs in edges.items():
                rel_type = check_relationship_type(key if type(key) is str else str(key))
                if attrs.get("type", rel_type) != rel_type:  # the key is the type; a leftover attribute must agree
                    raise ValueError(f"edge {source!r}->{target!r} has key {key!r} but type {attrs.get('type')!r}")
                group = (rel_type, source_label, labels[target])
                rows = rel_rows.get(group)
                if rows is None:
                    if group[1:] not in RELATIONSHIP_TYPES[rel_type]:
                        raise ValueError(f"({group[1]})-[:{rel_type}]->({group[2]}) is not allowed by the schema "
                                         f"({source!r}->{target!r})")
                    rows = rel_rows[group] = []
                try:
                    props = _props(attrs, EDGE_META) if attrs else {}
                except _BadValue as exc:
                    raise ValueError(f"edge {source!r}-[{rel_type}]->{target!r} {exc}") from None
                rows.append((source, target, props))
    return LoadPlan(dict(node_rows), rel_rows)


def _check_keys(node: str, keys: Any) -> None:
    """Alias keys go into a keyword full-text index: strings within Lucene's term limit only."""
    if keys is None:
        return
    for key in keys if isinstance(keys, list) else [keys]:
        if not isinstance(key, str):
            raise ValueError(f"node {node!r}: alias keys must be strings, got {type(key).__name__}")
        if len(key) * 4 > MAX_TERM_BYTES and len(key.encode("utf-8", "surrogatepass")) > MAX_TERM_BYTES:
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
# Rows travel as positional lists and properties are written through a map literal built from the
# columns the rows have, e.g. CREATE (n:Paper {`abstract`: row[0], `id`: row[1], ...}): no per-row map
# of keys to pack and unpack, and no SET-from-map step on the server (a tenth of its time). A null
# column is simply not stored, exactly as SET n = map does with a missing key. A property name goes
# into the statement only when it is a plain identifier (and then backquoted); a batch with any other
# name falls back to sending maps and SET n = map.
#
# Relationship statements find both ends by elementId (a direct record lookup, where `{id: ...}` costs
# a uniqueness-index seek per end); the node statements hand back each node's elementId. The ids stay
# valid for the whole load: nodes are written first and nothing the loader deletes afterwards is matched
# again. The label is still checked on every match.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _columns(maps: Iterable[dict[str, Any]]) -> list[str] | None:
    """Sorted property names over `maps`, or None when one is not a plain identifier."""
    keys: set[str] = set()
    for props in maps:
        keys.update(props)
    if not all(_PLAIN_KEY.fullmatch(key) for key in keys):
        return None
    return sorted(keys)


def _literal(columns: Sequence[str], var: str, offset: int) -> str:
    """`{`k0`: var[offset], `k1`: var[offset + 1], ...}` (names checked by _columns)."""
    return "{" + ", ".join(f"`{key}`: {var}[{offset + i}]" for i, key in enumerate(columns)) + "}"


def _nodes_query(label: str, columns: Sequence[str] | None, create: bool) -> str:
    """Write a batch of `label` nodes; returns one row: [[id, elementId], ...]."""
    label = check_label(label)
    if columns is None:  # rows are property maps
        node = f"CREATE (n:{label}) SET n = row" if create else f"MERGE (n:{label} {{id: row.id}}) SET n = row"
        ident = "row.id"
    else:  # rows are lists in `columns` order
        ident = f"row[{columns.index('id')}]"
        props = _literal(columns, "row", 0)
        node = f"CREATE (n:{label} {props})" if create else f"MERGE (n:{label} {{id: {ident}}}) SET n = {props}"
    return f"UNWIND $rows AS row {node} RETURN collect([{ident}, elementId(n)]) AS ids"


@dataclass(frozen=True, slots=True)
class _RelGroup:
    """Relationships of one type from one source label to one target label, and their property columns."""

    rel_type: str
    target: str
    columns: list[str] | None  # None: items carry a property map (a name that is not a plain identifier)


def _rels_query(source: str, groups: Sequence[_RelGroup], create: bool) -> str:
    """One statement for every relationship leaving a batch of `source` nodes.

    A row is one source node: [elementId, items of group 0, items of group 1, ...], each group's items
    a list (null when empty: UNWIND null yields nothing) of [target elementId, property columns...].
    Grouping by source finds each source once however many relationships leave it.
    """
    parts = [f"UNWIND $rows AS row MATCH (a:{check_label(source)}) WHERE elementId(a) = row[0]"]
    for i, group in enumerate(groups):
        rel_type, target = check_relationship_type(group.rel_type), check_label(group.target)
        props = "x[1]" if group.columns is None else _literal(group.columns, "x", 1)
        if create and group.columns is None:
            write = f"CREATE (a)-[r:{rel_type}]->(b) SET r = {props}"
        elif create:  # CREATE: the database had none of these nodes, so there is no relationship to find
            write = f"CREATE (a)-[r:{rel_type}{' ' + props if group.columns else ''}]->(b)"
        else:  # SET r = ... also clears properties the graph no longer has
            write = f"MERGE (a)-[r:{rel_type}]->(b) SET r = {props}"
        parts.append(
            f"CALL (a, row) {{ UNWIND row[{i + 1}] AS x MATCH (b:{target}) WHERE elementId(b) = x[0] {write} }}"
        )
    return " ".join(parts)


def _delete_nodes_query(label: str) -> str:
    return f"UNWIND $rows AS id MATCH (n:{check_label(label)} {{id: id}}) DETACH DELETE n"


def _prune_rels_query(source: str, types: Sequence[str]) -> str:
    union = "|".join(check_relationship_type(t) for t in types)
    # Group parallel copies of one (type, target): keep the first if the graph has it, else none.
    return (
        f"UNWIND $rows AS row MATCH (a:{check_label(source)})-[r:{union}]->(b) WHERE elementId(a) = row.s "
        "WITH row, type(r) + ' ' + b.id AS key, collect(r) AS rels "
        "WITH CASE WHEN key IN row.keep THEN tail(rels) ELSE rels END AS doomed "
        "UNWIND doomed AS r DELETE r"
    )


def _schema_node_count_query() -> str:
    # One count-store lookup per label: constant time, whatever the database holds.
    counts = " UNION ALL ".join(f"MATCH (n:{check_label(label)}) RETURN count(n) AS c" for label in sorted(NODE_LABELS))
    return f"CALL () {{ {counts} }} RETURN sum(c) AS n"


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _run_batch(tx: neo4j.ManagedTransaction, query: str, rows: Sequence[Any]) -> tuple[list[list[Any]], neo4j.SummaryCounters]:
    result = tx.run(query, rows=list(rows))
    values = result.values()
    return values, result.consume().counters


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


def _node_batches(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None, size: int) -> Iterator[tuple[list[Any], int]]:
    for batch in _batches(rows, size):
        if columns is None:
            yield list(batch), len(batch)
        else:
            yield [[props.get(key) for key in columns] for props in batch], len(batch)


def _rel_batches(
    plan: LoadPlan, source: str, element_ids: dict[str, str], batch_size: int
) -> tuple[list[_RelGroup], Iterator[tuple[list[list[Any]], int]]]:
    """The groups leaving `source` and batches of rows grouped by source node (~batch_size relationships each)."""
    keys = sorted(k for k in plan.rel_rows if k[1] == source)
    groups = [_RelGroup(t, target, _columns(p for _, _, p in plan.rel_rows[(t, s, target)])) for t, s, target in keys]
    by_source: dict[str, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
    for index, key in enumerate(keys):
        for s, t, p in plan.rel_rows[key]:
            by_source[s].append((index, t, p))
    width = len(groups) + 1

    def item(group: _RelGroup, t: str, p: dict[str, Any]) -> list[Any]:
        if group.columns is None:
            return [element_ids[t], p]
        return [element_ids[t], *[p.get(key) for key in group.columns]]

    def batches() -> Iterator[tuple[list[list[Any]], int]]:
        rows: list[list[Any]] = []
        count = 0
        for s, rels in by_source.items():
            row: list[Any] = [None] * width
            row[0] = element_ids[s]
            for index, t, p in rels:
                items = row[index + 1]
                if items is None:
                    items = row[index + 1] = []
                items.append(item(groups[index], t, p))
            rows.append(row)
            count += len(rels)
            if count >= batch_size:
                yield rows, count
                rows, count = [], 0
        if rows:
            yield rows, count

    return groups, batches()


class _Writer:
    """Runs write batches in `workers` sessions at once, keeping the results in batch order."""

    def __init__(self, driver: neo4j.Driver, database: str, workers: int, summary: LoadSummary, bar: _Progress) -> None:
        self.driver, self.database, self.workers = driver, database, workers
        self.summary, self.bar = summary, bar
        self.local = threading.local()
        self.sessions: list[neo4j.Session] = []
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="kg-neo4j-load") if workers > 1 else None

    def _session(self) -> neo4j.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = self.driver.session(database=self.database, **QUIET_SESSION)
            with self.lock:
                self.sessions.append(session)
        return session

    def _one(self, query: str, rows: Sequence[Any]) -> list[list[Any]]:
        # execute_write retries transient failures (a deadlock between two workers' batches on a
        # shared entity node) as a whole transaction, so a retried batch is written exactly once.
        values, counters = self._session().execute_write(_run_batch, query, rows)
        with self.lock:
            _add_deleted(self.summary, counters)
        return values

    def run(self, query: str, batches: Iterable[tuple[Sequence[Any], int]], phase: str) -> list[list[Any]]:
        """Write every (rows, progress units) batch with `query`; returns the statements' rows in order."""
        began = time.perf_counter()
        out: list[list[Any]] = []
        if self.pool is None:
            for rows, units in batches:
                out.extend(self._one(query, rows))
                self.bar.update(units)
        else:
            # At most two batches per worker in flight: enough to keep the server busy while the
            # next rows are built, without holding the whole graph's parameters in memory.
            pending: deque[tuple[Future[list[list[Any]]], int]] = deque()
            try:
                for rows, units in batches:
                    if len(pending) >= 2 * self.workers:
                        done, done_units = pending.popleft()
                        out.extend(done.result())
                        self.bar.update(done_units)
                    pending.append((self.pool.submit(self._one, query, rows), units))
                while pending:
                    done, done_units = pending.popleft()
                    out.extend(done.result())
                    self.bar.update(done_units)
            finally:
                for future, _ in pending:  # a failed batch: let the others finish before raising
                    future.cancel()
                wait([future for future, _ in pending])
        self.summary.phase_seconds[phase] = self.summary.phase_seconds.get(phase, 0.0) + time.perf_counter() - began
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for session in self.sessions:
            session.close()


def _row_batches(rows: Sequence[Any], size: int) -> Iterator[tuple[Sequence[Any], int]]:
    for batch in _batches(rows, size):
        yield batch, len(batch)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic GC: building millions of row objects otherwise triggers full collections
    that walk the whole in-memory graph again and again (half the client time of a large load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_graph_into_neo4j(
    graph: nx.MultiDiGraph,
    driver: neo4j.Driver,
    *,
    database: str = "neo4j",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    mode: Literal["auto", "merge"] = "auto",
    workers: int = DEFAULT_WORKERS,
) -> LoadSummary:
    """Make the database mirror `graph` (idempotent; re-running after an interrupted load converges).

    mode "auto" writes with CREATE when the database holds no node of the schema's labels (a first
    load: nothing to match, nothing stale) and with MERGE plus stale-data removal otherwise; "merge"
    always takes the MERGE path. Both leave the same database. `workers` sessions write at once.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if mode not in ("auto", "merge"):
        raise ValueError(f"mode must be 'auto' or 'merge', not {mode!r}")
    with _gc_paused():
        return _load(graph, driver, database, batch_size, progress, mode, workers)


def _load(
    graph: nx.MultiDiGraph, driver: neo4j.Driver, database: str, batch_size: int, progress: bool, mode: str, workers: int
) -> LoadSummary:
    started = time.perf_counter()
    plan = plan_load(graph)  # validates everything before the first query
    summary = LoadSummary(
        nodes_per_label={label: len(rows) for label, rows in sorted(plan.node_rows.items())},
        relationships_per_type=_count_types(plan.rel_rows),
    )
    summary.phase_seconds["plan"] = time.perf_counter() - started
    began = time.perf_counter()
    ensure_schema(driver, database=database)
    # A killed first load leaves some nodes behind, so its rerun takes the MERGE path: correct.
    create = mode == "auto" and driver.execute_query(
        _schema_node_count_query(), database_=database, routing_=neo4j.RoutingControl.READ
    ).records[0]["n"] == 0
    summary.mode = "create" if create else "merge"
    summary.phase_seconds["schema"] = time.perf_counter() - began
    sources = _source_labels()
    total = sum(map(len, plan.node_rows.values())) + sum(map(len, plan.rel_rows.values()))
    if not create:
        total += sum(len(plan.node_rows.get(label, ())) for label in sources)
    bar = _Progress(total, progress)
    writer = _Writer(driver, database, workers, summary, bar)
    try:
        element_ids: dict[str, str] = {}
        for label in sorted(plan.node_rows):
            bar.phase(f"nodes :{label}")
            rows = plan.node_rows[label]
            columns = _columns(rows)
            for (pairs,) in writer.run(_nodes_query(label, columns, create), _node_batches(rows, columns, batch_size), "nodes"):
                element_ids.update(pairs)
            summary.nodes += len(plan.node_rows[label])

        if not create:
            bar.phase("stale nodes")
            began = time.perf_counter()
            with driver.session(database=database, **QUIET_SESSION) as session:
                for label in sorted(NODE_LABELS):
                    wanted = {row["id"] for row in plan.node_rows.get(label, [])}
                    stale = _stale_node_ids(session, label, wanted, summary)
                    writer.run(_delete_nodes_query(label), ((b, 0) for b in _batches(stale, batch_size)), "stale nodes")
            summary.phase_seconds["stale nodes"] = time.perf_counter() - began

        for source in sorted({key[1] for key in plan.rel_rows}):
            bar.phase(f"rels from :{source}")
            groups, batches = _rel_batches(plan, source, element_ids, batch_size)
            writer.run(_rels_query(source, groups, create), batches, "relationships")
        summary.relationships = sum(map(len, plan.rel_rows.values()))

        if not create:
            keep = _keep_lists(plan)
            for label in sorted(sources):
                bar.phase(f"stale rels from :{label}")
                rows = [{"s": element_ids[row["id"]], "keep": keep.get(row["id"], [])} for row in plan.node_rows.get(label, [])]
                writer.run(_prune_rels_query(label, sources[label]), _row_batches(rows, batch_size), "stale relationships")
    finally:
        writer.close()
        bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _keep_lists(plan: LoadPlan) -> dict[str, list[str]]:
    """Source id -> "TYPE target-id" of every relationship the graph has from it."""
    keep: dict[str, list[str]] = defaultdict(list)
    for (rel_type, _, _), rows in plan.rel_rows.items():
        for s, t, _ in rows:
            keep[s].append(f"{rel_type} {t}")
    return keep


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
        digest.add("node", [label], {**_props(attrs, NODE_META), "id": node})
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
