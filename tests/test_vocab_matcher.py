"""The vocabulary matcher: names the NER missed become entities, never over the NER's own."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from kg.extract.components.vocab_matcher import SOURCE_VOCABULARY, distinctive


def _nlp(tmp_path):
    vocab = tmp_path / "v.jsonl"
    vocab.write_text(
        '{"id": "dataset:svhn", "label": "Dataset", "name": "SVHN"}\n'
        '{"id": "dataset:cifar-100", "label": "Dataset", "name": "CIFAR-100"}\n'
        '{"id": "task:image-classification", "label": "Task", "name": "image classification"}\n'
        '{"id": "method:dropout", "label": "Method", "name": "dropout"}\n'
        '{"id": "method:lstm", "label": "Method", "name": "LSTM", "ambiguous": true}\n'
        '{"id": "dataset:now", "label": "Dataset", "name": "NoW"}\n'
        '{"id": "dataset:ogbn-arxiv", "label": "Dataset", "name": "ogbn-arxiv"}\n'
        '{"id": "method:self-attention", "label": "Method", "name": "self-attention"}\n'
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_vocab_matcher", config={"vocab_file": str(vocab)})
    return nlp


def test_adds_missed_names_with_the_vocabulary_label(tmp_path) -> None:
    nlp = _nlp(tmp_path)
    doc = nlp(
        "Image classification on SVHN and CIFAR-100 with dropout, not svhn, cifar-100, now or an LSTM; "
        "ogbn-arxiv with self-attention."
    )
    found = {(e.text, e.label_, e.id_) for e in doc.ents}
    assert found == {
        ("Image classification", "TASK", SOURCE_VOCABULARY),  # case-blind: no capital after the first letter
        ("SVHN", "DATASET", SOURCE_VOCABULARY),  # capitals as written: "svhn" is not it, nor "now" NoW
        ("CIFAR-100", "DATASET", SOURCE_VOCABULARY),
        ("ogbn-arxiv", "DATASET", SOURCE_VOCABULARY),  # a dataset's hyphenated identifier; not a method's word
    }  # a single lower-case word ("dropout") and an ambiguous entry ("LSTM") are left to the NER


def test_never_overrides_the_ner(tmp_path) -> None:
    nlp = _nlp(tmp_path)
    doc = nlp.make_doc("We train on CIFAR-100 images.")
    doc.ents = [Span(doc, 3, 5, label="METHOD")]  # "CIFAR-100 images" as the NER (wrongly) saw it
    doc = nlp.get_pipe("kg_vocab_matcher")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("CIFAR-100 images", "METHOD")]


def test_distinctive_names() -> None:
    assert distinctive("image classification") and distinctive("BERT") and distinctive("T5x")
    assert not distinctive("dropout") and not distinctive("AP")


def test_widens_an_ner_entity_that_dropped_a_name_s_first_words(tmp_path) -> None:
    vocab = tmp_path / "v.jsonl"
    vocab.write_text(
        '{"id": "task:peft", "label": "Task", "name": "parameter-efficient fine-tuning"}\n'
        '{"id": "dataset:cifar-100", "label": "Dataset", "name": "CIFAR-100"}\n'
    )
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_vocab_matcher", config={"vocab_file": str(vocab)})
    doc = nlp.make_doc("Parameter-efficient fine-tuning methods help, and parameter-efficient fine-tuning too.")
    # the NER's spans: "fine-tuning methods" (tokens 4-6) and "fine-tuning" (tokens 13-15)
    doc.ents = [Span(doc, 3, 7, label="METHOD"), Span(doc, 13, 16, label="METHOD")]
    assert [e.text for e in doc.ents] == ["fine-tuning methods", "fine-tuning"]
    doc = nlp.get_pipe("kg_vocab_matcher")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Parameter-efficient fine-tuning methods", "METHOD"),  # the NER's head stays: linking reads the name
        ("parameter-efficient fine-tuning", "TASK"),  # all of it the vocabulary's name: its label
    ]
