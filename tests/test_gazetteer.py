"""training/gazetteer.py: kg_gazetteer's BILU name hints on token.tag_, saved with the pipeline; name variants."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]


def _load_training_gazetteer():
    spec = importlib.util.spec_from_file_location("training_gazetteer", REPO / "training" / "gazetteer.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["training_gazetteer"] = mod
    spec.loader.exec_module(mod)  # registers the kg_gazetteer factory
    return mod


gazetteer = _load_training_gazetteer()

NAMES = [
    {"pattern": "machine translation", "label": "TASK"},
    {"pattern": "neural machine translation", "label": "TASK"},
    {"pattern": "BLEU", "label": "METRIC"},
    {"pattern": "WMT 2014 English-German", "label": "DATASET"},
    {"pattern": "bleu", "label": "DATASET"},  # a second label for a known name is ignored
]


def _nlp(names=NAMES):
    nlp = spacy.blank("en")
    gaz = nlp.add_pipe("kg_gazetteer", name="gazetteer")
    gaz.add_names(names)
    return nlp


def _tags(doc):
    return [(t.text, t.tag_) for t in doc if t.tag_]


def test_longest_name_gets_bilu_tags_case_insensitively():
    doc = _nlp()("Neural machine translation on WMT 2014 English-German scored by bleu .")
    assert _tags(doc) == [
        ("Neural", "B-TASK"),
        ("machine", "I-TASK"),
        ("translation", "L-TASK"),
        ("WMT", "B-DATASET"),
        ("2014", "I-DATASET"),
        ("English", "I-DATASET"),
        ("-", "I-DATASET"),
        ("German", "L-DATASET"),
        ("bleu", "U-METRIC"),
    ]


def test_tokens_outside_names_have_no_tag():
    doc = _nlp()("We study parsing with a grammar .")
    assert _tags(doc) == []


def test_names_survive_to_disk_and_load(tmp_path):
    nlp = _nlp()
    nlp.to_disk(tmp_path / "pipe")
    assert (tmp_path / "pipe" / "gazetteer" / "names.jsonl").is_file()
    loaded = spacy.load(tmp_path / "pipe")
    text = "Machine translation with BLEU ."
    assert _tags(loaded(text)) == _tags(nlp(text))
    assert _tags(loaded(text))[0] == ("Machine", "B-TASK")


def test_initialize_reads_a_names_file(tmp_path):
    names = tmp_path / "names.jsonl"
    names.write_text('{"pattern": "ImageNet", "label": "DATASET"}\n', encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_gazetteer")
    nlp.initialize()
    assert _tags(nlp("Results on ImageNet .")) == []
    nlp.get_pipe("kg_gazetteer").initialize(names=str(names))
    assert _tags(nlp("Results on ImageNet .")) == [("ImageNet", "U-DATASET")]


def test_name_forms_strip_parentheticals_and_dataset_splits():
    forms = gazetteer.name_forms
    assert forms("Anatomical Tracings of Lesions After Stroke (ATLAS)", "DATASET") == {
        "Anatomical Tracings of Lesions After Stroke (ATLAS)",
        "Anatomical Tracings of Lesions After Stroke",
        "ATLAS",
    }
    assert forms("COCO test-dev", "DATASET") == {"COCO test-dev", "COCO"}
    # Split words are only stripped from datasets, and a lower-case parenthetical is not a name.
    assert forms("Accuracy (test)", "METRIC") == {"Accuracy (test)", "Accuracy"}
    assert forms("1", "METRIC") == set()
