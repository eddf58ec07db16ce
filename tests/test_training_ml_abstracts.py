"""training/ml_abstracts.py: paper-level strings become token spans (every occurrence, longest first, word bounds)."""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO / "training"))  # appended: its module names must not shadow anything else

from ml_abstracts import record_doc, split, string_char_spans  # noqa: E402

NLP = spacy.blank("en")


def test_every_occurrence_longest_first_at_word_boundaries():
    text = "Graph neural networks (GNNs) beat GNN baselines; a GNN and graph neural networks again. GNNsX no."
    spans = string_char_spans(
        text,
        [
            ("GNN", "METHOD"),
            ("GNNs", "METHOD"),
            ("graph neural networks", "METHOD"),
            ("Graph neural networks", "METHOD"),
            ("neural networks", "METHOD"),
        ],
    )
    got = [(text[a:b], lab) for a, b, lab in spans]
    assert got == [
        ("Graph neural networks", "METHOD"),
        ("GNNs", "METHOD"),
        ("GNN", "METHOD"),
        ("GNN", "METHOD"),
        ("graph neural networks", "METHOD"),
    ]  # "neural networks" inside a longer one is not relabelled


def test_record_doc_labels_title_and_abstract_and_leaves_misaligned_tokens_missing():
    rec = {
        "title": "ViT for Detection",
        "abstract": "We train ViTB16 and ViT-B/16 on COCO with \\emph{ViT}s.",
        "methods": ["ViT"],
        "datasets": ["COCO"],
        "tasks": ["Detection"],
        "metrics": [],
    }
    doc = record_doc(NLP, rec)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("ViT", "METHOD"),
        ("Detection", "TASK"),
        ("ViT", "METHOD"),
        ("COCO", "DATASET"),
    ]
    latex = next(t for t in doc if t.text.startswith("\\emph"))
    assert latex.ent_iob_ == ""  # "ViT" inside one token "\\emph{ViT}s": no supervision, not "outside"
    assert next(t for t in doc if t.text == "ViTB16").ent_iob_ == "O"  # no word boundary: outside


def test_held_out_slice_is_seeded_and_disjoint():
    recs = [{"id": str(i)} for i in range(100)]
    train, held = split(recs, n=10, seed=12)
    assert len(held) == 10 and len(train) == 90
    assert {r["id"] for r in held} == {r["id"] for r in split(recs, n=10, seed=12)[1]}
    assert not {r["id"] for r in held} & {r["id"] for r in train}
