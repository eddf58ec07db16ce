"""training/pseudo_label.py's vote and training/augment.py's mention replacement: the supervision they write."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, Span

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO / "training"))  # appended: its module names must not shadow anything else

from augment import name_pool, replace_mentions  # noqa: E402
from pseudo_label import agreed_doc, voted_spans  # noqa: E402

VOCAB = spacy.blank("en").vocab


def _doc(words: list[str], ents: list[tuple[int, int, str]], missing: list[int] = ()) -> Doc:
    doc = Doc(VOCAB, words=words, spaces=[True] * (len(words) - 1) + [False])
    doc.set_ents(
        [Span(doc, a, b, label=lab) for a, b, lab in ents],
        missing=[Span(doc, i, i + 1) for i in missing],
        default="outside",
    )
    return doc


def test_vote_keeps_spans_with_enough_votes():
    views = [{(0, 2, "TASK"), (5, 6, "METRIC")}, {(0, 2, "TASK"), (4, 6, "METRIC")}, {(1, 2, "TASK"), (4, 6, "METRIC")}]
    assert voted_spans(views, 2) == {(0, 2, "TASK"), (4, 6, "METRIC")}
    assert voted_spans(views, 3) == set()


def test_vote_resolves_overlaps_by_votes_then_length():
    views = [{(0, 2, "TASK")}, {(1, 2, "TASK")}, {(1, 2, "TASK")}]
    assert voted_spans(views, 1) == {(1, 2, "TASK")}  # 2 votes beat 1
    tie = [{(0, 2, "TASK")}, {(1, 2, "TASK")}]
    assert voted_spans(tie, 1) == {(0, 2, "TASK")}  # equal votes: the longer span


def test_vote_with_all_teachers_is_their_agreement():
    views = [{(0, 1, "METHOD"), (3, 5, "DATASET")}, {(0, 1, "METHOD"), (3, 4, "DATASET")}]
    assert voted_spans(views, 2) == {(0, 1, "METHOD")}


def test_agreed_doc_marks_disputed_tokens_missing():
    words = ["BERT", "on", "the", "SQuAD", "benchmark"]
    a = _doc(words, [(0, 1, "METHOD"), (3, 5, "DATASET")])
    b = _doc(words, [(0, 1, "METHOD"), (3, 4, "DATASET")])
    c = _doc(words, [(0, 1, "METHOD")])
    out = agreed_doc(VOCAB, [a, b, c], min_votes=2)
    assert [(e.start, e.end, e.label_) for e in out.ents] == [(0, 1, "METHOD")]
    assert [t.ent_iob_ for t in out] == ["B", "O", "O", "", ""]  # "" = missing


def test_replace_mentions_swaps_names_and_keeps_the_rest():
    doc = _doc(["We", "test", "on", "SQuAD", "with", "F1", "here"], [(3, 4, "DATASET"), (5, 6, "METRIC")], missing=[6])
    pool = {"DATASET": [(("WMT", True), ("2014", False))], "METRIC": [(("BLEU", False),)]}
    out = replace_mentions(doc, pool, p=1.0, rng=random.Random(0))
    assert [t.text for t in out] == ["We", "test", "on", "WMT", "2014", "with", "BLEU", "here"]
    assert [(e.text, e.label_) for e in out.ents] == [("WMT 2014", "DATASET"), ("BLEU", "METRIC")]
    assert out[-1].ent_iob == 0  # missing stays missing
    assert [t.ent_iob_ for t in out[:3]] == ["O", "O", "O"]
    assert out.text == "We test on WMT 2014 with BLEU here"


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_replace_mentions_with_own_pool_keeps_labels(p):
    docs = [
        _doc(["BLEU", "on", "WMT"], [(0, 1, "METRIC"), (2, 3, "DATASET")]),
        _doc(["accuracy", "on", "the", "Penn", "Treebank"], [(0, 1, "METRIC"), (3, 5, "DATASET")]),
    ]
    pool = name_pool(docs)
    assert pool["DATASET"] == [(("Penn", True), ("Treebank", False)), (("WMT", False),)]
    out = replace_mentions(docs[1], pool, p=p, rng=random.Random(1))
    assert [e.label_ for e in out.ents] == ["METRIC", "DATASET"]
    names = {tuple(t.text for t in e) for e in out.ents}
    assert names <= {("BLEU",), ("accuracy",), ("WMT",), ("Penn", "Treebank")}
    if p == 0.0:
        assert out.text == docs[1].text
