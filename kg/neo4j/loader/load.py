"""load_graph_into_neo4j: the create path for an empty database, the merge-and-prune path otherwise."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any, Literal

import neo4j
import networkx as nx

from kg.graph.schema import (
    NODE_LABELS,
    check_label,
)
from kg.neo4j.loader.cypher import (
    _columns,
    _delete_nodes_query,
    _nodes_query,
    _prune_rels_query,
    _rels_query,
    _schema_node_count_query,
)
from kg.neo4j.loader.validation import LoadPlan, _source_labels, plan_load
from kg.neo4j.loader.writer import (
    LoadSummary,
    _add_deleted,
    _batches,
    _gc_paused,
    _node_batches,
    _Progress,
    _rel_batches,
    _row_batches,
    _Writer,
)
from kg.neo4j.schema import QUIET_SESSION, ensure_schema

DEFAULT_BATCH_SIZE = 5000
# Writer sessions: with two, the server commits one batch while the client builds and packs the next
# (100k papers on two idle cores: 49.6 s against 57.1 s with one).
DEFAULT_WORKERS = 2


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
    graph: nx.MultiDiGraph,
    driver: neo4j.Driver,
    database: str,
    batch_size: int,
    progress: bool,
    mode: str,
    workers: int,
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
    create = (
        mode == "auto"
        and driver.execute_query(
            _schema_node_count_query(), database_=database, routing_=neo4j.RoutingControl.READ
        ).records[0]["n"]
        == 0
    )
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
            for (pairs,) in writer.run(
                _nodes_query(label, columns, create), _node_batches(rows, columns, batch_size), "nodes"
            ):
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
                rows = [
                    {"s": element_ids[row["id"]], "keep": keep.get(row["id"], [])}
                    for row in plan.node_rows.get(label, [])
                ]
                writer.run(
                    _prune_rels_query(label, sources[label]), _row_batches(rows, batch_size), "stale relationships"
                )
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
