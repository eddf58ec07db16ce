"""Relation cues on hand-written sentences (lexicon mode, deterministic) and the SciERC relation scorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.eval.relations import evaluate_relations
from kg.extract import build_lexicon_pipeline

SCIERC_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "scierc" / "dev.json"


@pytest.fixture(scope="module")
def nlp():
    return build_lexicon_pipeline()


def paper_relations(nlp, text):
    """{(mention text, relation type)} for paper-level relations, with the best confidence per pair."""
    doc = nlp(text)
    ents = list(doc.ents)
    out: dict[tuple[str, str], float] = {}
    for hit in doc._.relations:
        if hit.head is None:
            key = (ents[hit.tail].text, hit.type)
            out[key] = max(out.get(key, 0.0), hit.confidence)
    return out


def pair_relations(nlp, text):
    doc = nlp(text)
    ents = list(doc.ents)
    return {(ents[h.head].text, h.type, ents[h.tail].text) for h in doc._.relations if h.head is not None}


@pytest.mark.parametrize(
    ("text", "mention", "rel"),
    [
        ("We propose Rank-DETR, a rank-oriented detector.", "Rank-DETR", "PROPOSES"),
        ("In this paper, we introduce a simple model called FooNet.", "FooNet", "PROPOSES"),
        ("Rank-DETR, a novel framework, ranks queries.", "Rank-DETR", "PROPOSES"),
        ("Our BERT variant is fast.", "BERT", "PROPOSES"),
        ("We introduce a new benchmark called FooBench.", "FooBench", "PROPOSES"),
        ("We evaluate on COCO.", "COCO", "EVALUATES_ON"),
        ("Both MNIST and SVHN datasets are small.", "SVHN", "EVALUATES_ON"),  # called a dataset after its name
        ("Experiments on CIFAR-10 and ImageNet confirm this.", "ImageNet", "EVALUATES_ON"),
        ("We use BERT as the encoder.", "BERT", "USES"),
        ("We build on ResNet-50 and add a head.", "ResNet-50", "USES"),
        ("The task of machine translation is hard.", "machine translation", "ADDRESSES"),
        ("It reaches 41.2 BLEU.", "BLEU", "REPORTS"),
    ],
)
def test_paper_level_cues(nlp, text, mention, rel):
    found = paper_relations(nlp, text)
    assert (mention, rel) in found, found
    assert found[(mention, rel)] >= 0.75  # a cue fired: above the ~0.55 default


def test_title_cues(nlp):
    found = paper_relations(nlp, "Rank-DETR: High Quality Object Detection\n\nWe study detectors.")
    assert found[("Rank-DETR", "PROPOSES")] == pytest.approx(0.85)
    assert found[("Object Detection", "ADDRESSES")] >= 0.85
    # A known method at the start of a title is applied, a new name is proposed.
    assert ("BERT", "USES") in paper_relations(nlp, "BERT for Question Answering\n\nWe study QA.")
    assert ("Rank-DETR", "PROPOSES") in paper_relations(nlp, "Rank-DETR for Object Detection\n\nWe study it.")
    # a title opening "On ..." is about its subject, not evaluated on it (no dataset cue)
    assert paper_relations(nlp, "On COCO\n\nWe study it.")[("COCO", "EVALUATES_ON")] < 0.75
    assert paper_relations(nlp, "Detectors: On the COCO\n\nWe study it.")[("COCO", "EVALUATES_ON")] < 0.75
    assert paper_relations(nlp, "Detectors evaluated on COCO\n\nWe study it.")[("COCO", "EVALUATES_ON")] >= 0.75


def test_baselines_and_modifiers_are_weak_uses(nlp):
    found = paper_relations(nlp, "Our model outperforms LSTM by a wide margin.")
    assert found[("LSTM", "USES")] < 0.5
    # "transformer-based" builds on transformers even inside "we propose"
    found = paper_relations(nlp, "We propose a transformer-based detector.")
    assert ("transformer", "USES") in found and ("transformer", "PROPOSES") not in found


def test_default_confidences_are_lower_than_cues(nlp):
    found = paper_relations(nlp, "Transformers are popular. We use transformers.")
    assert found[("transformers", "USES")] == pytest.approx(0.85)
    assert paper_relations(nlp, "Transformers are popular.")[("Transformers", "USES")] < 0.6


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("We use Faster R-CNN for object detection.", ("Faster R-CNN", "USED_FOR", "object detection")),
        ("An LSTM-based semantic parsing model is trained.", ("LSTM", "USED_FOR", "semantic parsing")),
        ("We apply BERT to question answering.", ("BERT", "USED_FOR", "question answering")),
        (
            "Image classification using convolutional neural networks works.",
            ("convolutional neural networks", "USED_FOR", "Image classification"),
        ),
        ("We evaluate ResNet-50 on ImageNet.", ("ResNet-50", "EVALUATED_ON", "ImageNet")),
        ("YOLOv4 achieves 43.5 AP on COCO.", ("YOLOv4", "EVALUATED_ON", "COCO")),
        ("Experiments on SQuAD show that BERT is strong.", ("BERT", "EVALUATED_ON", "SQuAD")),
    ],
)
def test_sentence_level_cues(nlp, text, triple):
    assert triple in pair_relations(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "BERT is popular, while object detection is a vision task.",  # clause break
        "We use BERT. Object detection is different.",  # different sentences
        "BERT models trained on SQuAD are common.",  # training data, not evaluation
        "We study ResNet-50 and ImageNet statistics.",  # no cue
    ],
)
def test_no_sentence_level_relation_without_cue(nlp, text):
    assert pair_relations(nlp, text) == set()


def test_scierc_mapping_and_direction(tmp_path):
    # "We evaluate the parser on the WSJ corpus for parsing": EVALUATE-FOR has the data as head in SciERC.
    words = ["We", "evaluate", "the", "parser", "on", "the", "WSJ", "corpus", "for", "parsing", "."]
    record = {
        "doc_key": "toy",
        "sentences": [words],
        "ner": [[[3, 3, "Method"], [6, 7, "Material"], [9, 9, "Task"]]],
        "relations": [[[6, 7, 3, 3, "EVALUATE-FOR"], [3, 3, 9, 9, "USED-FOR"]]],
        "clusters": [],
    }
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(record) + "\n")
    result = evaluate_relations(path, model=build_lexicon_pipeline())
    assert result["docs"] == 1
    assert result["gold_entities"]["EVALUATED_ON"]["tp"] == 1
    assert set(result["gold_entities"]) == set(result["end_to_end"]) == {"USED_FOR", "EVALUATED_ON"}
    assert "USED_FOR" in result.render()


@pytest.mark.skipif(not SCIERC_DEV.exists(), reason="SciERC dev not available")
def test_scierc_dev_gold_entity_typing_is_useful():
    result = evaluate_relations(SCIERC_DEV, model=build_lexicon_pipeline())
    used_for = result["gold_entities"]["USED_FOR"]
    assert result["docs"] == 50
    assert used_for["precision"] >= 0.6 and used_for["f1"] >= 0.5
