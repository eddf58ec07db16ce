"""The Neo4j rows: the repo's own server, Bolt load, bulk import and query latencies."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from typing import Any

from kgbench.machine import LoadMeter
from kgbench.queries import percentile, time_queries
from kgbench.rows import NotAvailable, short_exc


# Neo4j
class Neo4jBench:
    """The repo's own server (kg.neo4j.server): shared jar cache, a bench-only instance on free ports."""

    HEAP = "1g"
    PAGECACHE = "512m"

    def __init__(self, instance: Path) -> None:
        try:
            from kg.neo4j import server
        except ImportError as exc:
            raise NotAvailable(f"kg.neo4j.server not there yet ({short_exc(exc, 120)})") from exc
        self.server = server
        try:
            server.find_java()
        except Exception as exc:
            raise NotAvailable(f"Java not usable: {short_exc(exc, 160)}") from exc
        self.home = server.default_home()
        self.instance = instance
        self.info = None
        self.driver = None
        self.uri = None
        self.database = "neo4j"
        self.start_s = 0.0
        self.fetch_s = 0.0
        self.attempted = False

    def fetch(self) -> None:
        """One-time Maven download of the jars (not timed as part of any figure)."""
        if self.server.is_fetched(self.home, apoc=False):
            return
        try:
            self.server.find_maven()
        except Exception as exc:
            raise NotAvailable(f"Neo4j jars not fetched and Maven not usable: {short_exc(exc, 160)}") from exc
        t0 = time.perf_counter()
        self.server.fetch(self.home, apoc=False)
        self.fetch_s = time.perf_counter() - t0

    def start(self, fresh: bool = False) -> None:
        if fresh and self.instance.exists():
            shutil.rmtree(self.instance)
        self.instance.mkdir(parents=True, exist_ok=True)
        self.fetch()
        bolt, http = self.server.free_port(), self.server.free_port()
        while http == bolt:
            http = self.server.free_port()
        t0 = time.perf_counter()
        self.attempted = True
        self.info = self.server.start(
            self.home,
            bolt_port=bolt,
            http_port=http,
            instance_dir=self.instance,
            heap=self.HEAP,
            pagecache=self.PAGECACHE,
        )
        self.start_s = time.perf_counter() - t0
        self.uri = self.info.uri
        from neo4j import GraphDatabase

        self.driver = GraphDatabase.driver(self.uri, auth=None)
        self.driver.verify_connectivity()

    def stop(self) -> None:
        if self.driver is not None:
            with contextlib.suppress(Exception):
                self.driver.close()
            self.driver = None
        if self.info is not None or self.attempted:  # also after a failed start: no half-started JVM left
            with contextlib.suppress(Exception):
                self.server.stop(self.home, instance_dir=self.instance)
            self.info = None
            self.attempted = False

    def admin(self, *args: str):
        return self.server.admin(self.home, *args, instance_dir=self.instance, heap=self.HEAP, check=False)

    def version(self) -> str:
        with contextlib.suppress(Exception):
            rec = self.driver.execute_query(
                "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
                database_=self.database,
            )
            r = rec.records[0]
            return f"{r['name']} {r['v']} {r['edition']}"
        return "?"

    def counts(self) -> tuple[int, int]:
        n = self.driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=self.database).records[0]["c"]
        r = self.driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=self.database).records[0]["c"]
        return n, r


def bolt_create_baseline(nb: Neo4jBench, n_rels: int, batch: int = 10_000) -> float:
    """Relationships/s for a bare UNWIND CREATE between fresh nodes (Bolt + storage cost, no MERGE)."""
    n_nodes = max(1000, n_rels // 5)
    d = nb.driver
    db = nb.database
    for i in range(0, n_nodes, batch):
        d.execute_query(
            "UNWIND range($a, $b) AS i CREATE (:BenchTmp {i: i})", a=i, b=min(i + batch, n_nodes) - 1, database_=db
        )
    d.execute_query("CREATE INDEX bench_tmp IF NOT EXISTS FOR (n:BenchTmp) ON (n.i)", database_=db)
    d.execute_query("CALL db.awaitIndexes(300)", database_=db)
    import random

    rng = random.Random(1)
    rows = [{"a": rng.randrange(n_nodes), "b": rng.randrange(n_nodes)} for _ in range(n_rels)]
    t0 = time.perf_counter()
    for i in range(0, n_rels, batch):
        d.execute_query(
            "UNWIND $rows AS r MATCH (a:BenchTmp {i: r.a}), (b:BenchTmp {i: r.b}) CREATE (a)-[:BENCH_TMP]->(b)",
            rows=rows[i : i + batch],
            database_=db,
        )
    rate = n_rels / (time.perf_counter() - t0)
    with d.session(database=db) as session:  # CALL {} IN TRANSACTIONS needs an implicit transaction
        session.run("MATCH (n:BenchTmp) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    d.execute_query("DROP INDEX bench_tmp IF EXISTS", database_=db)
    return rate


def neo4j_load(nb: Neo4jBench, graph, batch_size: int) -> dict:
    try:
        from kg.neo4j.loader import load_graph_into_neo4j
    except Exception as exc:
        raise NotAvailable(f"kg.neo4j.loader not importable ({short_exc(exc, 120)})") from exc
    import kg.neo4j.loader as loader_mod

    phases: dict[str, list[float]] = {}
    original = getattr(loader_mod, "_run_batch", None)
    if original is not None:  # time each query shape (measurement only; the loader itself is unchanged)

        def timed(tx, query, rows, *a, **kw):
            t = time.perf_counter()
            try:
                return original(tx, query, rows, *a, **kw)
            finally:
                key = " ".join(query.split())[:110]
                entry = phases.setdefault(key, [0.0, 0, 0])
                entry[0] += time.perf_counter() - t
                entry[1] += 1
                entry[2] += len(rows)

        loader_mod._run_batch = timed
    meter = LoadMeter()
    t0 = time.perf_counter()
    try:
        summary = load_graph_into_neo4j(graph, nb.driver, database=nb.database, batch_size=batch_size, progress=False)
    finally:
        if original is not None:
            loader_mod._run_batch = original
    wall = time.perf_counter() - t0
    nodes, rels = nb.counts()
    return {
        "wall_s": wall,
        "nodes": nodes,
        "relationships": rels,
        "summary": str(summary),
        "summary_fields": _plain(summary),
        "graph_edges": graph.number_of_edges(),
        "graph_nodes": graph.number_of_nodes(),
        "phases": sorted(([k, *v] for k, v in phases.items()), key=lambda p: -p[1]),
        "other_cores": meter.other_cores(),
    }


def _plain(obj: Any) -> dict:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    return {k: v for k, v in getattr(obj, "__dict__", {}).items() if isinstance(v, (int, float, str, dict))}


def neo4j_queries(nb: Neo4jBench, plan: dict, reps: int, budget_s: float) -> dict:
    try:
        from kg.api import KnowledgeGraph
        from kg.query.neo4j_backend import Neo4jAccess
    except Exception as exc:
        raise NotAvailable(f"kg.query.neo4j_backend not importable ({short_exc(exc, 120)})") from exc
    kg_ = KnowledgeGraph(Neo4jAccess(nb.driver, nb.database))
    base = []
    for _ in range(max(20, reps * 10)):
        t = time.perf_counter()
        nb.driver.execute_query("RETURN 1", database_=nb.database)
        base.append((time.perf_counter() - t) * 1000)
    base.sort()
    return {
        "baseline": {"p50_ms": percentile(base, 50), "p95_ms": percentile(base, 95), "calls": len(base)},
        "queries": time_queries(kg_, plan, reps, budget_s),
    }


def bulk_import(nb: Neo4jBench, graph, folder: Path) -> dict:
    try:
        from kg.neo4j.bulk import export_neo4j_import, read_import_arguments
    except Exception as exc:
        raise NotAvailable(f"kg.neo4j.bulk not importable ({short_exc(exc, 120)})") from exc
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    export_neo4j_import(graph, folder)
    export_s = time.perf_counter() - t0
    # the exporter's own argument list: database right after `full`, absolute file paths
    args = read_import_arguments(folder, nb.database)
    nb.stop()  # neo4j-admin import needs the database offline
    meter = LoadMeter()
    t0 = time.perf_counter()
    proc = nb.admin(*args)
    wall = time.perf_counter() - t0
    text = admin_output(proc)
    if getattr(proc, "returncode", 0) not in (0, None):
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("\tat ")]
        raise RuntimeError(f"neo4j-admin import exited {proc.returncode}: {' | '.join(lines[-2:])[:300]}")
    import re

    internal = None
    m = re.search(r"IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms", text)
    if m:
        internal = int(m.group(1) or 0) * 60 + int(m.group(2)) + int(m.group(3)) / 1000
    nodes = sum(1 for _ in graph.nodes)
    rels = graph.number_of_edges()
    stages = []
    for m in re.finditer(r"^\s*([A-Za-z][A-Za-z ]+?) COMPLETED in (?:(\d+)m )?(\d+)s (\d+)ms", text, re.M):
        stages.append((m.group(1), int(m.group(2) or 0) * 60 + int(m.group(3)) + int(m.group(4)) / 1000))
    return {
        "export_s": export_s,
        "wall_s": wall,
        "internal_s": internal,
        "records": nodes + rels,
        "nodes": nodes,
        "relationships": rels,
        "args": args,
        "other_cores": meter.other_cores(),
        "stages": stages,
        "output_tail": text.strip().splitlines()[-40:],
    }


def admin_output(proc: Any) -> str:
    if isinstance(proc, str):
        return proc
    parts = []
    for attr in ("stdout", "stderr"):
        v = getattr(proc, attr, None)
        if isinstance(v, bytes):
            v = v.decode(errors="replace")
        if v:
            parts.append(v)
    return "\n".join(parts)
