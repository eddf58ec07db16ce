"""The millions path (issue 17): resolution as map/reduce over name keys, and `--to-import` CSVs streamed per
partition that describe the same graph as the embedded build's full export."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from kg import pipeline
from kg.distributed import stream
from kg.distributed.stream import build_import
from kg.extract import Extractor
from kg.ingest import read_papers
from kg.models import Paper, PaperExtraction
from kg.neo4j.bulk import (
    MANIFEST,
    RowAppender,
    export_neo4j_import,
    finish_import_folder,
    read_import_arguments,
    read_import_folder,
)
from kg.resolve import resolve
from kg.resolve.partitioned import resolve_partitioned
from kg.vocab import link, load_index
from kg.vocab.link import count_papers, finish_links, plan_links

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
N_PAPERS = 240
PARTITION = 37  # papers per partition: several partitions, none aligned with anything
AUTHORS = ["Ada Lovelace", "ada lovelace", "Alan Turing", "Grace Hopper", "Édouard Lucas", "J. Smith", "j smith"]


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    """Sample abstracts with authors (spellings that fold together) and citations by id and external id."""
    rng = random.Random(17)
    base = list(read_papers([SAMPLE]))[:N_PAPERS]
    out = []
    for i, paper in enumerate(base):
        earlier = [p.id for p in base[:i]]
        out.append(
            paper.model_copy(
                update={
                    "authors": rng.sample(AUTHORS, rng.randint(0, 3)),
                    "external_ids": [f"doi:10.1/{i}"],
                    "references": [
                        *rng.sample(earlier, min(len(earlier), rng.randint(0, 2))),
                        f"doi:10.1/{i + 5}",
                        "doi:none",
                    ],
                    "cited_by": [f"doi:10.1/{i - 3}"] if i >= 3 and i % 4 == 0 else [],
                }
            )
        )
    return out


@pytest.fixture(scope="module")
def records(papers) -> dict[str, PaperExtraction]:
    return {e.paper_id: e for e in pipeline.extract_papers(papers, Extractor())}


class Replay:
    """An extractor giving the stored records: both builds see the same extraction."""

    def __init__(self, records: dict[str, PaperExtraction], fail_after: int | None = None) -> None:
        self.records, self.fail_after = records, fail_after

    def extract(self, papers):
        for n, paper in enumerate(papers):
            if self.fail_after is not None and n >= self.fail_after:
                raise RuntimeError("extraction failed")
            yield self.records[paper.id]


@pytest.fixture(scope="module")
def index():
    return load_index()


def _partitions(extractions: list[PaperExtraction], size: int = PARTITION):
    return lambda: (extractions[i : i + size] for i in range(0, len(extractions), size))


def test_map_reduce_resolution_equals_resolve(papers, records):
    extractions = [records[p.id] for p in papers]
    whole = resolve(extractions)
    parts = resolve_partitioned(_partitions(extractions))
    assert parts.entities == whole.entities
    assert parts.is_a == whole.is_a
    assigned = {}
    for part in _partitions(extractions)():
        assigned.update(parts.assign(part))
    assert assigned == whole.mention_entities
    assert len(whole.entities) > 100 and whole.is_a  # the sample exercises merging, not an empty case


def test_partitioned_linking_equals_link(papers, records, index):
    extractions = [records[p.id] for p in papers]
    whole = link(resolve(extractions), index)
    parts = resolve_partitioned(_partitions(extractions))
    plan = plan_links(parts.entities, index)
    counts: dict[str, int] = {}
    for part in _partitions(extractions)():
        count_papers(plan, parts.assign(part), counts)
    linked = finish_links(plan, counts, parts.is_a, index)
    assert linked.entities == whole.entities
    assert linked.is_a == whole.is_a
    assert linked.knowledge == whole.knowledge
    assert any(e.source == "vocabulary" for e in linked.entities.values())


def _described(folder: Path) -> tuple[Counter, Counter]:
    rows = Counter(read_import_folder(folder))
    nodes = Counter({row: n for (kind, row), n in rows.items() if kind == "node"})
    rels = Counter({row: n for (kind, row), n in rows.items() if kind == "rel"})
    return nodes, rels


@pytest.fixture(scope="module")
def embedded(papers, records, index, tmp_path_factory) -> tuple[Counter, Counter]:
    """Node and relationship rows of export_neo4j_import(the embedded build's graph)."""
    graph, *_ = pipeline.build(papers, extractor=Replay(records), vocab=index)
    return _described(export_neo4j_import(graph, tmp_path_factory.mktemp("full")))


def test_streamed_csvs_describe_the_embedded_graph(papers, records, index, embedded, tmp_path):
    summary = build_import(
        papers, tmp_path / "stream", extractor=Replay(records), vocab=index, partition_size=PARTITION
    )
    assert summary.papers == N_PAPERS and summary.partitions == -(-N_PAPERS // PARTITION)
    full_nodes, full_rels = embedded
    nodes, rels = _described(tmp_path / "stream")
    assert nodes == full_nodes
    assert rels == full_rels
    types = Counter(rel[2] for rel in full_rels)
    for rel_type in ("WROTE", "CITES", "USES", "IS_A", "USED_FOR", "BENCHMARK_FOR"):
        assert types[rel_type] > 0, rel_type  # every kind of row the stream writes differently is covered
    # one file per partition and label: the import command lists them all
    args = read_import_arguments(tmp_path / "stream")
    assert sum(a.startswith("--nodes=") and "nodes_Paper_p" in a for a in args) == summary.partitions
    assert (tmp_path / "stream" / "import.sh").exists() and (tmp_path / "stream" / "schema.cypher").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["stream"]  # no work folder left


def test_tables_written_in_small_chunks_describe_the_same_graph(
    papers, records, index, embedded, tmp_path, monkeypatch
):
    """Entity, author, aggregated-edge and CITES rows read back from SQLite a few at a time (the driver's memory
    bound) and appended across chunks into files that rotate: the same rows as the embedded graph's export."""
    monkeypatch.setattr(stream, "ROWS_PER_CHUNK", 7)
    monkeypatch.setattr(stream, "ENTITIES_PER_CHUNK", 5)
    monkeypatch.setattr(stream, "ROWS_PER_FILE", 40)
    build_import(papers, tmp_path / "stream", extractor=Replay(records), vocab=index, partition_size=PARTITION)
    assert _described(tmp_path / "stream") == embedded
    manifest = json.loads((tmp_path / "stream" / MANIFEST).read_text(encoding="utf-8"))
    cites = [name for name in manifest["relationships"] if name.startswith("relationships_CITES_cites")]
    methods = [name for name in manifest["nodes"] if name.startswith("nodes_Method_entities")]
    assert len(cites) > 1 and len(methods) > 1  # several files, each of many chunks
    for name in (cites[0], methods[0]):
        with (tmp_path / "stream" / name).open(encoding="utf-8", newline="") as fh:
            assert sum(1 for _ in csv.reader(fh)) - 1 > 7  # appended to, not one file per chunk


def test_row_appender_keeps_a_file_while_its_header_holds(tmp_path):
    """Chunks share a file until it is full or a chunk's columns differ; every row reads back with its type."""
    chunks = [
        [{"id": "m1", "name": "A", "confidence": 0.5}, {"id": "m2", "name": "B", "confidence": 0.25}],
        [
            {"id": "m3", "name": "C", "confidence": 0.75},
            {"id": "m4", "name": "D", "confidence": 0.875},
        ],  # m4: file full
        [{"id": "m5", "name": "E", "confidence": 1}],  # an int column: a long-typed file of its own
        [{"id": "m6", "name": "F"}],  # a column missing: another file
        [{"id": "m7", "name": "G", "confidence": 0.125}],
    ]
    with RowAppender(tmp_path, "_t", rows_per_file=3) as out:
        for chunk in chunks:
            out.append({"Method": chunk}, {})
        out.append({}, {("USED_FOR", "Method", "Task"): [("m1", "t1", {"count": 2})]})
    files = out.files
    assert files.nodes == [f"nodes_Method_t{n:03d}.csv" for n in range(5)]  # m1-m3 | m4 | m5 | m6 | m7
    assert files.relationships == ["relationships_USED_FOR_t000.csv"]
    finish_import_folder(tmp_path, files)
    rows = list(read_import_folder(tmp_path))
    got = {row[0]: dict(row[2]) for kind, row in rows if kind == "node"}
    want = {row["id"]: {k: v for k, v in row.items() if k != "id"} for chunk in chunks for row in chunk}
    assert got == want
    assert [type(got[m]["confidence"]) for m in ("m4", "m5", "m7")] == [float, int, float]
    assert ("rel", ("m1", "t1", "USED_FOR", (("count", 2),))) in rows


def test_failed_stream_build_keeps_the_old_folder(papers, records, index, tmp_path):
    folder = tmp_path / "import"
    build_import(papers[:50], folder, extractor=Replay(records), vocab=index, partition_size=PARTITION)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(RuntimeError, match="extraction failed"):
        build_import(papers, folder, extractor=Replay(records, fail_after=100), vocab=index, partition_size=PARTITION)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["import"]


def test_cli_to_import_writes_the_folder_and_says_where_to_query(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    inputs = tmp_path / "papers.jsonl"
    inputs.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:20]), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(inputs), "--to-import", str(tmp_path / "import"), "-q"])
    assert result.exit_code == 0, result.output
    assert "query this graph on Neo4j" in result.output
    papers = [row for kind, row in read_import_folder(tmp_path / "import") if kind == "node" and row[1] == "Paper"]
    assert len(papers) == 20
    both = runner.invoke(
        app, ["build", str(inputs), "--to-import", str(tmp_path / "x"), "-o", str(tmp_path / "g.json.gz")]
    )
    assert both.exit_code == 2 and not (tmp_path / "x").exists()


def test_repeated_ids_are_dropped_first_wins(papers, records, index, tmp_path):
    renamed = [p.model_copy(update={"title": p.title + " (again)"}) for p in papers[:5]]
    summary = build_import([*papers[:30], *renamed], tmp_path / "dup", extractor=Replay(records), vocab=index)
    assert (summary.papers, summary.duplicates) == (30, 5)
    titles = {
        row[0]: dict(row[2])["title"]
        for kind, row in read_import_folder(tmp_path / "dup")
        if kind == "node" and row[1] == "Paper"
    }
    assert titles[papers[0].id] == papers[0].title
