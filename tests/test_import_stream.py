"""The millions path (issue 17): resolution as map/reduce over name keys, and `--to-import` CSVs streamed per
partition that describe the same graph as the embedded build's full export."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from kg import pipeline
from kg.distributed.stream import build_import
from kg.extract import Extractor
from kg.ingest import read_papers
from kg.models import Paper, PaperExtraction
from kg.neo4j.bulk import export_neo4j_import, read_import_arguments, read_import_folder
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


def test_streamed_csvs_describe_the_embedded_graph(papers, records, index, tmp_path):
    graph, *_ = pipeline.build(papers, extractor=Replay(records), vocab=index)
    export_neo4j_import(graph, tmp_path / "full")
    summary = build_import(
        papers, tmp_path / "stream", extractor=Replay(records), vocab=index, partition_size=PARTITION
    )
    assert summary.papers == N_PAPERS and summary.partitions == -(-N_PAPERS // PARTITION)
    full_nodes, full_rels = _described(tmp_path / "full")
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "stream"]  # no work folder left


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
