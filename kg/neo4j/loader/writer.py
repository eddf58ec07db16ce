"""Batches of rows written through a few sessions at once, with progress and counters."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import neo4j

from kg.neo4j.loader.cypher import _columns, _RelGroup
from kg.neo4j.loader.validation import LoadPlan
from kg.neo4j.schema import QUIET_SESSION


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
            text += (
                f"; removed {self.nodes_deleted:,} stale nodes and {self.relationships_deleted:,} stale relationships"
            )
        return text


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _run_batch(
    tx: neo4j.ManagedTransaction, query: str, rows: Sequence[Any]
) -> tuple[list[list[Any]], neo4j.SummaryCounters]:
    result = tx.run(query, rows=list(rows))
    values = result.values()
    return values, result.consume().counters


class _Progress:
    """A tqdm bar over all rows, or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            # disable=None: a bar only on a terminal, never "\r" lines in a log
            self.bar = tqdm(total=total, unit="row", desc="neo4j load", dynamic_ncols=True, disable=None)

    def phase(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_description(text)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _node_batches(
    rows: Sequence[dict[str, Any]], columns: Sequence[str] | None, size: int
) -> Iterator[tuple[list[Any], int]]:
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


def _add_deleted(summary: LoadSummary, counters: neo4j.SummaryCounters) -> None:
    summary.nodes_deleted += counters.nodes_deleted
    summary.relationships_deleted += counters.relationships_deleted
