"""The millions path (`kg build --to-import DIR`): neo4j-admin import CSVs, never the whole graph in memory.

    papers -> extraction (local pool or Dask) -> spools on disk
           -> resolution as map/reduce over name keys (kg.resolve.partitioned)
           -> linking (kg.vocab.link: plan_links / count_papers / finish_links)
           -> per partition: a small graph of its papers built by kg.graph.build's own functions,
              written as CSVs (kg.neo4j.bulk.write_rows); what spans partitions goes to SQLite on
              disk (authors, citations, entity-entity partial aggregates, each partition's top papers
              per entity); memory keeps only the highest dataset-use confidence per entity
           -> entity nodes, IS_A and knowledge edges, aggregated edges, authors, CITES, read back from
              SQLite and appended to CSVs a chunk at a time (kg.neo4j.bulk.RowAppender)
           -> import.sh, import.json, schema.cypher (kg.neo4j.bulk.finish_import_folder)

The driver's memory is the tables of resolution and linking (sized by the corpus's distinct names and
entities, not its papers) and one partition or one chunk of rows (docs/scale.md, "Driver memory").

The CSVs describe the graph the embedded build makes of the same input (tests/test_import_stream.py).
The folder is written beside DIR and renamed into place at the end: DIR holds the old export or the
complete new one, never a mix.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby, islice
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.build import (
    add_entities,
    add_extracted_relations,
    add_papers,
    discounted_confidence,
    paper_strengths,
    top_papers,
)
from kg.graph.schema import AGGREGATED_TYPES, AUTHOR, ENTITY_NODE_LABELS, MAX_EVIDENCE, PAPER, TOP_PAPERS
from kg.models import Paper, PaperExtraction, Resolution
from kg.neo4j.bulk import ImportFiles, RowAppender, finish_import_folder, write_rows
from kg.neo4j.loader import plan_load
from kg.pipeline import RecordSpool, extract_stream
from kg.resolve.partitioned import PartitionedResolution, resolve_partitioned
from kg.vocab import VocabIndex
from kg.vocab.link import LinkPlan, count_papers, finish_links, plan_links

PARTITION_SIZE = 500  # papers per partition of the resolution passes and of the CSV files
ROWS_PER_FILE = 200_000  # entity / author / CITES / aggregated edge rows per CSV written from the tables
ROWS_PER_CHUNK = 10_000  # of those rows held in memory at once (a chunk's graph and plan_load rows)
ENTITIES_PER_CHUNK = 1_000  # entity nodes per chunk (each with up to TOP_PAPERS paper ids)
ENTITY_LABELS = frozenset(ENTITY_NODE_LABELS.values())


@dataclass
class ImportSummary:
    """What a --to-import build wrote."""

    papers: int = 0
    entities: int = 0
    partitions: int = 0
    files: int = 0
    duplicates: int = 0  # records dropped because an earlier one had the same id

    def __str__(self) -> str:
        return (
            f"import CSVs: {self.papers} papers, {self.entities} entities in {self.partitions} partitions, "
            f"{self.files} files; {self.duplicates} repeated ids dropped"
        )


@dataclass
class _Aggregate:
    """One entity-entity edge folded over its partitions' partial aggregates."""

    count: int = 0
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)


def partitions(
    papers: RecordSpool[Paper], extractions: RecordSpool[PaperExtraction], size: int = PARTITION_SIZE
) -> Iterator[tuple[list[Paper], list[PaperExtraction]]]:
    """The spooled records again, `size` papers at a time."""
    pairs = zip(papers, extractions, strict=True)
    while chunk := list(islice(pairs, size)):
        yield [p for p, _ in chunk], [e for _, e in chunk]


def _tables(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE author (id TEXT PRIMARY KEY, props TEXT NOT NULL, seq INTEGER NOT NULL);
        CREATE TABLE ext (ext TEXT PRIMARY KEY, paper TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE ref (citing TEXT NOT NULL, ref TEXT NOT NULL);
        CREATE TABLE cited_by (cited TEXT NOT NULL, ref TEXT NOT NULL);
        CREATE TABLE pair_paper (s TEXT, t TEXT, type TEXT, paper TEXT, PRIMARY KEY (s, t, type, paper)) WITHOUT ROWID;
        CREATE TABLE pair_part (s TEXT, t TEXT, type TEXT, seq INTEGER, count INTEGER, confidence REAL, evidence TEXT,
                                PRIMARY KEY (s, t, type, seq)) WITHOUT ROWID;
        -- each partition's TOP_PAPERS strongest papers per entity, in top_papers' order (strength untyped:
        -- an int stays an int, as in the embedded graph)
        CREATE TABLE top (entity TEXT, strength, paper TEXT, PRIMARY KEY (entity, strength DESC, paper)) WITHOUT ROWID;
    """)
    return db


def _note_papers(db: sqlite3.Connection, papers: Sequence[Paper], authors: Sequence[dict[str, Any]], seq: int) -> None:
    """Authors (first spelling wins, as in add_papers) and the ids citations are matched on (first wins)."""
    db.executemany(
        "INSERT OR IGNORE INTO author VALUES (?, ?, ?)",
        ((row["id"], json.dumps(row), seq + i) for i, row in enumerate(authors)),
    )
    db.executemany(
        "INSERT OR IGNORE INTO ext VALUES (?, ?)", ((ext, p.id) for p in papers for ext in (p.id, *p.external_ids))
    )
    db.executemany("INSERT INTO ref VALUES (?, ?)", ((p.id, r) for p in papers for r in p.references))
    db.executemany("INSERT INTO cited_by VALUES (?, ?)", ((p.id, r) for p in papers for r in p.cited_by))


def _merge_evidence(into: list[str], sentences: Iterable[str]) -> None:
    # the first MAX_EVIDENCE distinct sentences in input order, as _add_evidence keeps them in one pass
    for sentence in sentences:
        if sentence and sentence not in into and len(into) < MAX_EVIDENCE:
            into.append(sentence)


def _partition_graph(
    papers: Sequence[Paper],
    extractions: Sequence[PaperExtraction],
    mention_entities: dict[str, list[str]],
    labels: dict[str, str],
) -> nx.MultiDiGraph:
    """The partition's papers, authors and edges, built by the embedded build's functions (entities as stubs)."""
    graph = nx.MultiDiGraph()
    add_papers(graph, papers)
    for ids in mention_entities.values():
        for eid in ids:
            if eid and eid not in graph:  # "": a mention linking dropped (kg.vocab.link.NO_ENTITY)
                graph.add_node(eid, id=eid, label=labels[eid])
    add_extracted_relations(graph, extractions, Resolution.model_construct(mention_entities=mention_entities))
    return graph


def _absorb(best_in: dict[str, float], db: sqlite3.Connection, graph: nx.MultiDiGraph, seq: int) -> None:
    """Fold a partition graph's entity-side facts into the spanning tables."""
    for node, label in graph.nodes(data="label"):
        if label not in ENTITY_LABELS:
            continue
        best = max((c or 0.0 for _, _, c in graph.in_edges(node, data="confidence")), default=0.0)
        best_in[node] = max(best_in.get(node, 0.0), best)
        # papers are disjoint across partitions: the top of the partition tops is the corpus top (_top_lists)
        db.executemany(
            "INSERT INTO top VALUES (?, ?, ?)",
            ((node, strength, pid) for pid, strength in top_papers(paper_strengths(graph, node), TOP_PAPERS)),
        )
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        if key not in AGGREGATED_TYPES:
            continue
        # the partition's partial aggregate goes to disk; they are folded in partition order at the end
        db.execute(
            "INSERT INTO pair_part VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                source,
                target,
                key,
                seq,
                attrs["count"],
                attrs["confidence"],
                json.dumps(list(attrs["evidence"])),
            ),
        )
        db.executemany(
            "INSERT OR IGNORE INTO pair_paper VALUES (?, ?, ?, ?)",
            ((source, target, key, pid) for pid in attrs["papers"]),
        )


def _paper_rows(graph: nx.MultiDiGraph) -> tuple[dict, dict, list[dict[str, Any]]]:
    """Paper nodes and the edges leaving papers and authors, validated as the Bolt loader does; authors apart."""
    plan = plan_load(graph)
    nodes = {PAPER: plan.node_rows.get(PAPER, [])}
    rels = {group: rows for group, rows in plan.rel_rows.items() if group[1] in (PAPER, AUTHOR)}
    return nodes, rels, plan.node_rows.get(AUTHOR, [])


def _entity_graph(linked: Resolution, best_in: dict[str, float]) -> nx.MultiDiGraph:
    """Entity nodes with their final confidence (top papers come apart, _top_lists), IS_A and knowledge edges."""
    graph = nx.MultiDiGraph()
    add_entities(graph, linked)
    for node, attrs in graph.nodes(data=True):
        if attrs["label"] == "Dataset":
            attrs["confidence"] = discounted_confidence(attrs["confidence"], best_in.get(node, 0.0))
    return graph


def _top_lists(db: sqlite3.Connection) -> Iterator[tuple[str, list[tuple[str, Any]]]]:
    """(entity, its TOP_PAPERS strongest (paper, strength), best first, ties to the smaller id) in entity order:
    the table's key order is top_papers' order, so the first rows of each entity are its corpus top."""
    rows = db.execute("SELECT entity, paper, strength FROM top ORDER BY entity, strength DESC, paper")
    for entity, group in groupby(rows, key=lambda row: row[0]):
        yield entity, [(paper, strength) for _, paper, strength in islice(group, TOP_PAPERS)]


def _write_entities(folder: Path, graph: nx.MultiDiGraph, db: sqlite3.Connection) -> ImportFiles:
    """Entity nodes a chunk at a time, each given its top papers from SQLite; then IS_A and knowledge edges."""
    tops = _top_lists(db)
    pending = next(tops, None)
    with RowAppender(folder, "_entities", ROWS_PER_FILE) as out:
        # sorted(str) is SQLite's BINARY order of the same ids (UTF-8 bytes sort as code points)
        for ids in _chunks(sorted(graph), ENTITIES_PER_CHUNK):
            chunk = nx.MultiDiGraph()
            for eid in ids:
                top: list[tuple[str, Any]] = []
                while pending is not None and pending[0] < eid:
                    pending = next(tops, None)  # top papers of a paper-only node: none such, but never misalign
                if pending is not None and pending[0] == eid:
                    top, pending = pending[1], next(tops, None)
                chunk.add_node(
                    eid, **graph.nodes[eid], top_papers=tuple(p for p, _ in top), top_conf=tuple(c for _, c in top)
                )
            out.append(plan_load(chunk).node_rows, {})
        out.append({}, plan_load(graph).rel_rows)
    return out.files


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _aggregated_edges(db: sqlite3.Connection) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """USED_FOR / EVALUATED_ON edges with the attributes add_extracted_relations gives them, folded from the
    partitions' partial aggregates and papers (two cursors over SQLite in the same key order)."""
    parts = db.execute("SELECT s, t, type, count, confidence, evidence FROM pair_part ORDER BY s, t, type, seq")
    papers = db.cursor().execute("SELECT s, t, type, paper FROM pair_paper ORDER BY s, t, type, paper")
    paper_groups = groupby(papers, key=lambda row: row[:3])
    for key, rows in groupby(parts, key=lambda row: row[:3]):
        pair = _Aggregate()
        for *_, count, confidence, evidence in rows:
            pair.count += count
            pair.confidence = max(pair.confidence, confidence)
            _merge_evidence(pair.evidence, json.loads(evidence))
        paper_key, pair_papers = next(paper_groups)
        assert paper_key == key, (paper_key, key)  # both tables hold exactly the pairs seen
        yield (
            *key,
            {
                "papers": tuple(row[3] for row in pair_papers),
                "count": pair.count,
                "evidence": tuple(pair.evidence),
                "confidence": pair.confidence,
            },
        )


def _citation_edges(db: sqlite3.Connection) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """CITES between papers both in the input (as add_citations): references and cited-by, deduplicated."""
    cursor = db.execute("""
        SELECT r.citing, e.paper FROM ref r JOIN ext e ON e.ext = r.ref WHERE e.paper != r.citing
        UNION
        SELECT e.paper, c.cited FROM cited_by c JOIN ext e ON e.ext = c.ref WHERE e.paper != c.cited
    """)
    for citing, cited in cursor:
        yield citing, cited, "CITES", {}


def _write_edges(
    folder: Path, edges: Iterable[tuple[str, str, str, dict[str, Any]]], labels: Any, suffix: str
) -> ImportFiles:
    """Edges between nodes written elsewhere, a chunk at a time, validated by plan_load like every other row."""
    with RowAppender(folder, suffix, ROWS_PER_FILE) as out:
        for chunk in _chunks(edges, ROWS_PER_CHUNK):
            graph = nx.MultiDiGraph()
            for source, target, key, attrs in chunk:
                for node in (source, target):
                    if node not in graph:
                        graph.add_node(node, id=node, label=labels(node))
                graph.add_edge(source, target, key=key, **attrs)
            out.append({}, plan_load(graph).rel_rows)
    return out.files


def _write_authors(folder: Path, db: sqlite3.Connection) -> ImportFiles:
    rows = (json.loads(props) for (props,) in db.execute("SELECT props FROM author ORDER BY seq"))
    with RowAppender(folder, "_authors", ROWS_PER_FILE) as out:
        for chunk in _chunks(rows, ROWS_PER_CHUNK):
            out.append({AUTHOR: chunk}, {})
    return out.files


def write_import(
    paper_spool: RecordSpool[Paper],
    extraction_spool: RecordSpool[PaperExtraction],
    folder: Path,
    vocab: VocabIndex,
    *,
    partition_size: int = PARTITION_SIZE,
    workdir: Path,
    timings: dict[str, float] | None = None,
) -> ImportSummary:
    """Resolve, link and write the spooled records as import CSVs into `folder` (an empty directory).

    `timings`, when given, receives the seconds of each stage (resolve, link, write) for the benchmarks."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    def extraction_partitions() -> Iterator[list[PaperExtraction]]:
        return (e for _, e in partitions(paper_spool, extraction_spool, partition_size))

    resolution: PartitionedResolution = resolve_partitioned(extraction_partitions)
    lap("resolve")
    plan: LinkPlan = plan_links(resolution.entities, vocab)
    counts: dict[str, int] = {}
    for part in extraction_partitions():
        count_papers(plan, resolution.assign(part), counts)
    linked = finish_links(plan, counts, resolution.is_a, vocab)
    lap("link")
    labels = {eid: ENTITY_NODE_LABELS[e.label] for eid, e in linked.entities.items()}

    summary = ImportSummary(entities=len(linked.entities))
    files = ImportFiles()
    best_in: dict[str, float] = {}  # highest confidence into each entity (dataset use)
    db = _tables(workdir / "tables.sqlite")
    try:
        seq = 0
        for number, (papers, extractions) in enumerate(partitions(paper_spool, extraction_spool, partition_size)):
            mention_entities = {pid: plan.remap(ids) for pid, ids in resolution.assign(extractions).items()}
            graph = _partition_graph(papers, extractions, mention_entities, labels)
            _absorb(best_in, db, graph, number)
            nodes, rels, authors = _paper_rows(graph)
            _note_papers(db, papers, authors, seq)
            seq += len(authors)
            files.update(write_rows(folder, nodes, rels, f"_p{number:05d}"))
            summary.papers += len(papers)
            summary.partitions += 1
        db.commit()
        files.update(_write_entities(folder, _entity_graph(linked, best_in), db))
        files.update(_write_edges(folder, _aggregated_edges(db), labels.__getitem__, "_aggregated"))
        files.update(_write_authors(folder, db))
        files.update(_write_edges(folder, _citation_edges(db), lambda _: PAPER, "_cites"))
    finally:
        db.close()
    finish_import_folder(folder, files)
    lap("write")
    summary.files = len(files.nodes) + len(files.relationships)
    return summary


def _replace_folder(new: Path, folder: Path, tag: str) -> None:
    """Put the finished `new` folder at `folder`; an old export there is removed only after."""
    old = None
    if folder.exists():
        old = folder.with_name(f"{tag}.old")
        folder.rename(old)
    new.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def first_of_each_id(papers: Iterable[Paper], db: sqlite3.Connection, dropped: list[int]) -> Iterator[Paper]:
    """Papers whose id was not seen before (ids kept on disk, not in memory); dropped[0] counts the others."""
    db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY) WITHOUT ROWID")
    for paper in papers:
        if db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (paper.id,)).rowcount:
            yield paper
        else:
            dropped[0] += 1


def build_import(
    papers: Iterable[Paper],
    folder: str | Path,
    *,
    extractor: Any,
    vocab: VocabIndex,
    progress: bool = False,
    total: int | None = None,
    partition_size: int = PARTITION_SIZE,
    timings: dict[str, float] | None = None,
) -> ImportSummary:
    """Extract papers (with any Extractor, e.g. DaskExtractor) and write neo4j-admin import CSVs to `folder`."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        out = work / "import"
        out.mkdir()
        paper_spool, extraction_spool = RecordSpool(Paper, work), RecordSpool(PaperExtraction, work)
        ids = sqlite3.connect(work / "ids.sqlite")
        dropped = [0]
        try:
            started = time.perf_counter()
            unique = first_of_each_id(papers, ids, dropped)
            for paper, record in extract_stream(unique, extractor, progress=progress, total=total):
                paper_spool.append(paper)
                extraction_spool.append(record)
            if timings is not None:
                timings["extract"] = time.perf_counter() - started
            summary = write_import(
                paper_spool, extraction_spool, out, vocab, partition_size=partition_size, workdir=work, timings=timings
            )
        finally:
            ids.close()
            paper_spool.close()
            extraction_spool.close()
        summary.duplicates = dropped[0]
        _replace_folder(out, folder, work.name)
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)
