"""Extractor: exact offsets into title/abstract, sentences, JSONL shape, streaming order, n_process, model swap."""

from __future__ import annotations

import itertools
import json

import pytest

from kg.extract import Extractor, build_lexicon_pipeline, build_pipeline, extract_jsonl_record
from kg.models import Paper, PaperExtraction

PAPERS = [
    Paper(
        id="p1",
        title="Rank-DETR for High Quality Object Detection",
        abstract=(
            "Modern detection transformers (DETRs) use queries. We propose Rank-DETR, a rank-oriented design "
            "for object detection. We evaluate on COCO, e.g. with ResNet-50, and report mAP. DETRs improve."
        ),
    ),
    Paper(
        id="p2",
        title="Supervised Dictionary Learning with Auxiliary Covariates",
        abstract="Supervised dictionary learning (SDL) is a classical method. We apply SDL to document classification.",
    ),
    Paper(id="p3", title="", abstract="We use BERT for question answering on SQuAD. It gets 90 F1."),
    Paper(id="p4", title="ImageNet Classification with Deep Convolutional Neural Networks", abstract=""),
]


@pytest.fixture(scope="module")
def extractor():
    return Extractor(build_lexicon_pipeline(), batch_size=2)


@pytest.fixture(scope="module")
def results(extractor):
    return list(extractor.extract(PAPERS))


def test_offsets_are_exact_in_both_fields(results):
    for paper, extraction in zip(PAPERS, results, strict=True):
        assert extraction.mentions, paper.id
        for m in extraction.mentions:
            field = paper.title if m.field == "title" else paper.abstract
            assert field[m.start : m.end] == m.text
            assert m.text in extraction.sentences[m.sentence]
    p1 = results[0]
    assert [(m.field, m.text) for m in p1.mentions[:2]] == [("title", "Rank-DETR"), ("title", "Object Detection")]
    assert any(m.field == "abstract" and m.text == "COCO" and m.label == "DATASET" for m in p1.mentions)


def test_sentences_title_first(results):
    p1, p2, p3, p4 = results
    assert p1.sentences[0] == PAPERS[0].title
    assert p1.sentences[1:] == [
        "Modern detection transformers (DETRs) use queries.",
        "We propose Rank-DETR, a rank-oriented design for object detection.",
        "We evaluate on COCO, e.g. with ResNet-50, and report mAP.",
        "DETRs improve.",
    ]
    assert p3.sentences == ["We use BERT for question answering on SQuAD.", "It gets 90 F1."]  # no title
    assert p4.sentences == [PAPERS[3].title]  # no abstract
    assert {m.field for m in p4.mentions} == {"title"}


def test_relations_reference_mentions_with_evidence(results):
    p1 = results[0]
    kinds = {(r.type, p1.mentions[r.tail].text) for r in p1.relations if r.head is None}
    assert ("PROPOSES", "Rank-DETR") in kinds
    assert ("EVALUATES_ON", "COCO") in kinds
    assert ("REPORTS", "mAP") in kinds
    for r in p1.relations:
        assert r.evidence == p1.sentences[p1.mentions[r.tail].sentence]
        assert 0.0 <= r.confidence <= 1.0
        if r.head is not None:
            assert p1.mentions[r.head].label == "METHOD"
    pairs = {(p1.mentions[r.head].text, r.type, p1.mentions[r.tail].text) for r in p1.relations if r.head is not None}
    assert ("Rank-DETR", "USED_FOR", "Object Detection") in pairs


def test_abbreviation_pairs_on_mentions(results):
    p2 = results[1]
    by_text = {m.text: m for m in p2.mentions}
    assert by_text["SDL"].long_form == "Supervised dictionary learning"
    assert by_text["Supervised dictionary learning"].short_form == "SDL"
    assert by_text["Supervised Dictionary Learning"].short_form == "SDL"  # title, same long form in title case
    assert sum(1 for m in p2.mentions if m.text == "SDL" and m.label == "METHOD") == 2
    p1 = results[0]
    # Plural short form, defined and used again.
    assert [m.long_form for m in p1.mentions if m.text == "DETRs"] == ["detection transformers"] * 2


def test_jsonl_record_shape(results):
    record = extract_jsonl_record(results[0])
    assert set(record) == {"paper_id", "mentions", "relations"}
    assert record["paper_id"] == "p1"
    assert all(set(m) == {"field", "start", "end", "text", "label", "confidence"} for m in record["mentions"])
    assert all(set(r) == {"type", "head", "tail", "evidence", "confidence"} for r in record["relations"])
    assert any(r["head"] is None for r in record["relations"]) and any(
        r["head"] is not None for r in record["relations"]
    )
    json.dumps(record)  # serialisable as one line


def test_streaming_in_input_order(extractor):
    def endless():
        for i in itertools.count():
            paper = PAPERS[i % len(PAPERS)]
            yield paper.model_copy(update={"id": f"{paper.id}-{i}"})

    first = list(itertools.islice(extractor.extract(endless()), 7))  # never reads the whole input
    assert [e.paper_id for e in first] == [f"{PAPERS[i % 4].id}-{i}" for i in range(7)]
    assert all(isinstance(e, PaperExtraction) for e in first)


def test_two_processes_match_one(results):
    parallel = list(Extractor(build_lexicon_pipeline(), batch_size=1, n_process=2).extract(PAPERS))
    assert [e.model_dump() for e in parallel] == [e.model_dump() for e in results]


def test_extract_one_matches_the_stream(extractor, results):
    assert [extractor.extract_one(p).model_dump() for p in PAPERS] == [e.model_dump() for e in results]


def test_model_directory_swaps_in_the_trained_ner(tmp_path):
    import spacy

    fake = spacy.blank("en")
    ner = fake.add_pipe("ner")
    for label in ("METHOD", "DATASET", "TASK", "METRIC"):
        ner.add_label(label)
    fake.initialize()
    fake.to_disk(tmp_path / "model")
    nlp = build_pipeline(tmp_path / "model")
    assert nlp.pipe_names == [
        "kg_sentencizer",
        "ner",
        "kg_vocab_matcher",
        "kg_abbreviations",
        "kg_entity_cleanup",
        "kg_relations",
    ]
    assert nlp.get_pipe("kg_entity_cleanup").guess_abbreviation_labels is False
    extraction = next(Extractor(nlp).extract(PAPERS[:1]))
    assert extraction.sentences[0] == PAPERS[0].title
    with pytest.raises(FileNotFoundError):
        build_pipeline(tmp_path / "missing")
