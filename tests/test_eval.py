"""kg.eval: readers give the documented corpus counts; scoring is exact-span P/R/F1."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from kg.eval.ner import PRF, evaluate_file, load_gold, score_spans
from kg.eval.pwc import loose_match, strip_latex
from kg.eval.readers import (
    SCIERC_LABEL_MAP,
    _bio_spans,
    data_dir,
    detect_format,
    normalise_token,
    read_scierc,
    read_tdmsci,
)

DATA = data_dir()
SCIERC_DEV = DATA / "scierc" / "dev.json"
TDMSCI = DATA / "tdmsci" / "train_1500_v2.conll"
needs_data = pytest.mark.skipif(not SCIERC_DEV.exists(), reason="shared data not present")


@needs_data
def test_scierc_dev_counts():
    docs = read_scierc(SCIERC_DEV)
    assert len(docs) == 50
    labels = Counter(lab for d in docs for _, _, lab in d.spans)
    assert sum(labels.values()) == 811
    assert labels["Method"] == 216 and labels["Task"] == 127
    assert labels["Material"] == 71 and labels["Metric"] == 38
    assert sum(len(d.sent_starts) for d in docs) == 275
    # spans are [start, end) on document-level tokens and inside the document
    assert all(0 <= s < e <= len(d.words) for d in docs for s, e, _ in d.spans)
    # PTB escapes are undone
    assert not any(w in ("-LRB-", "-RRB-") for d in docs for w in d.words)


@needs_data
def test_tdmsci_counts_and_fixed_dev_split():
    all_ = read_tdmsci(TDMSCI)
    assert len(all_) == 1523
    assert sum(len(d.words) for d in all_) == 49460
    c = Counter(lab for d in all_ for _, _, lab in d.spans)
    assert c == {"TASK": 1219, "DATASET": 420, "METRIC": 536}
    train, dev = read_tdmsci(TDMSCI, "train"), read_tdmsci(TDMSCI, "dev")
    assert (len(train), len(dev)) == (1292, 231)
    assert {d.doc_id for d in train}.isdisjoint(d.doc_id for d in dev)
    assert Counter(lab for d in dev for _, _, lab in d.spans) == {"TASK": 186, "DATASET": 59, "METRIC": 70}
    # deterministic: sentence i is dev iff i % 20 in {0, 1, 2}
    assert [int(d.doc_id.rsplit(":", 1)[1]) for d in dev][:6] == [0, 1, 2, 20, 21, 22]


def test_bio_spans_and_token_normalisation():
    assert _bio_spans(["O", "B-TASK", "I-TASK", "B-METRIC", "O", "I-DATASET"]) == [
        (1, 3, "TASK"),
        (3, 4, "METRIC"),
        (5, 6, "DATASET"),
    ]
    assert normalise_token("-LRB-") == "(" and normalise_token("BLEU") == "BLEU"


def test_perfect_prediction_scores_one():
    gold = [[(0, 2, "METHOD"), (3, 4, "TASK")], [(1, 3, "DATASET"), (4, 5, "METRIC")]]
    s = score_spans(gold, gold)
    assert s.micro.f1 == 1.0 and s.micro.precision == 1.0 and s.micro.recall == 1.0
    assert all(s.per_label[lab].f1 == 1.0 for lab in ("METHOD", "TASK", "DATASET", "METRIC"))


def test_partial_prediction_hand_computed():
    gold = [[(0, 2, "METHOD"), (3, 4, "TASK"), (5, 7, "DATASET")], [(0, 1, "TASK")]]
    pred = [
        [(0, 2, "METHOD"), (3, 5, "TASK"), (8, 9, "METRIC")],  # 1 exact, 1 boundary error, 1 spurious
        [(0, 1, "TASK"), (0, 1, "OtherScientificTerm")],  # unscored label is ignored
    ]
    s = score_spans(gold, pred)
    # tp = 2 (METHOD, TASK in doc 2), fp = 2 (TASK 3-5, METRIC), fn = 2 (TASK 3-4, DATASET)
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (2, 2, 2)
    assert s.micro.precision == pytest.approx(0.5) and s.micro.recall == pytest.approx(0.5)
    assert s.per_label["TASK"].precision == pytest.approx(0.5)
    assert s.per_label["TASK"].recall == pytest.approx(0.5)
    assert s.per_label["METHOD"].f1 == 1.0
    assert s.per_label["DATASET"].recall == 0.0 and s.per_label["METRIC"].precision == 0.0
    # the same label under another exact boundary is a miss, a wrong label on the right span too
    s2 = score_spans([[(0, 2, "METHOD")]], [[(0, 2, "TASK")]])
    assert (s2.micro.tp, s2.micro.fp, s2.micro.fn) == (0, 1, 1)


def test_tdmsci_scoring_ignores_methods():
    s = score_spans([[(0, 1, "TASK")]], [[(0, 1, "TASK"), (2, 3, "METHOD")]], labels=("TASK", "DATASET", "METRIC"))
    assert s.micro.precision == 1.0 and s.micro.recall == 1.0


def test_prf_zero_division():
    assert PRF().f1 == 0.0 and PRF(fn=3).recall == 0.0


@needs_data
def test_files_shaped_like_the_held_back_tests_are_scored(tmp_path: Path):
    """A copy of dev under the test file names scores through the same path as `kg eval FILE`."""
    import spacy

    sc = tmp_path / "test.json"
    td = tmp_path / "test_500_v2.conll"
    shutil.copy(SCIERC_DEV, sc)
    shutil.copy(TDMSCI, td)
    assert detect_format(sc) == "scierc" and detect_format(td) == "tdmsci"
    fmt, docs, gold, labels = load_gold(sc)
    assert fmt == "scierc" and sum(len(g) for g in gold) == 216 + 127 + 71 + 38
    nlp = spacy.blank("en")  # predicts nothing
    s = evaluate_file(nlp, sc)
    assert s.micro.fn == 452 and s.micro.tp == 0 and s.micro.f1 == 0.0
    s = evaluate_file(nlp, td)
    assert s.labels == ("TASK", "DATASET", "METRIC") and s.micro.fn == 1219 + 420 + 536


@needs_data
def test_oracle_pipeline_on_gold_tokens():
    """Feeding the gold tokens through a pipeline that reproduces the gold spans gives F1 = 1."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Span

    docs = read_scierc(SCIERC_DEV)
    by_text = {tuple(d.words): d.mapped_spans(SCIERC_LABEL_MAP) for d in docs}

    @Language.component("kg_test_oracle")
    def oracle(doc):
        spans = by_text[tuple(t.text for t in doc)]
        kept, used = [], set()
        for s, e, lab in sorted(spans, key=lambda x: x[0] - x[1]):
            if not used.intersection(range(s, e)):
                kept.append(Span(doc, s, e, label=lab))
                used.update(range(s, e))
        doc.ents = kept
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_test_oracle")
    s = evaluate_file(nlp, SCIERC_DEV)
    assert s.micro.precision == 1.0
    assert s.micro.recall > 0.98  # only nested gold spans cannot be predicted


def test_pwc_helpers():
    assert strip_latex(r"We use \textbf{ImageNet}~\cite{deng09} for $x$") == "We use ImageNet for x"
    assert loose_match("ImageNet", "imagenet") and loose_match("COCO dataset", "COCO")
    assert loose_match("object detection", "Object Detection") and not loose_match("a", "ImageNet")


@needs_data
def test_run_eval_scores_relations_with_the_given_model(tmp_path: Path):
    """`kg eval --model M` runs the end-to-end relation scores on M too, not on the shipped model."""
    import spacy

    from kg.eval import run_eval

    silent = spacy.blank("en")
    ruler = silent.add_pipe("entity_ruler")  # a pipeline that finds no entities at all
    ruler.add_patterns([{"label": "METHOD", "pattern": "no such phrase in SciERC dev"}])
    silent.to_disk(tmp_path / "silent")
    report = run_eval([SCIERC_DEV], model=tmp_path / "silent")
    assert report.ner[0].micro.tp == 0 and report.ner[0].micro.fn == 452
    ((name, relations),) = report.relations
    assert relations["ner"] == str(tmp_path / "silent")
    assert relations["end_to_end"]["USED_FOR"]["tp"] == 0
