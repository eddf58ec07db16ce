"""Full build vs incremental update, on real sample abstracts with the default extraction pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg import pipeline
from kg.extract import Extractor
from kg.graph.store import load_records, save_graph
from kg.ingest import read_papers
from kg.models import Paper

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "seed_abstracts.jsonl"


def _edges(graph: nx.MultiDiGraph) -> list:
    return sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in graph.edges(keys=True, data=True))


def _nodes(graph: nx.MultiDiGraph) -> list:
    return sorted((n, json.dumps(d, sort_keys=True)) for n, d in graph.nodes(data=True))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def sample_papers() -> list[Paper]:
    return list(read_papers([SAMPLE]))[:40]


def test_update_equals_full_rebuild(tmp_path, extractor, sample_papers):
    full_graph, _, _ = pipeline.build(sample_papers, extractor=extractor)

    first, rest = sample_papers[:25], sample_papers[25:]
    graph, papers, extractions = pipeline.build(first, extractor=extractor)
    path = save_graph(graph, tmp_path / "g.json.gz", papers=papers, extractions=extractions)
    _, old_papers, old_extractions = load_records(path)
    # A paper already in the graph arrives again: it must not be extracted twice.
    updated, merged, _, extracted = pipeline.update(old_papers, old_extractions, [*rest, first[3]], extractor=extractor)

    assert extracted == len(rest)
    assert [p.id for p in merged] == [p.id for p in sample_papers]
    assert len(merged) == len(sample_papers)
    assert _nodes(updated) == _nodes(full_graph)
    assert _edges(updated) == _edges(full_graph)


def test_update_reextracts_changed_text(extractor, sample_papers):
    papers = sample_papers[:5]
    graph, old_papers, old_extractions = pipeline.build(papers, extractor=extractor)
    changed = papers[0].model_copy(update={"abstract": "We propose GraphFormer for object detection on COCO."})
    _, merged, extractions, extracted = pipeline.update(old_papers, old_extractions, [changed], extractor=extractor)
    assert extracted == 1
    record = next(e for e in extractions if e.paper_id == changed.id)
    assert any("GraphFormer" in s for s in record.sentences)
    assert next(p for p in merged if p.id == changed.id).abstract == changed.abstract


def test_papers_without_abstract_stay_without_extraction(extractor):
    papers = [Paper(id="doi:10.1/x", title="Only a title about BERT for question answering")]
    graph, _, extractions = pipeline.build(papers, extractor=extractor)
    assert list(extractions)[0].mentions == [] and graph.out_degree("doi:10.1/x") == 0
