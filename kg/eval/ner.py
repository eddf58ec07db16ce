"""Exact-span NER scoring on gold token boundaries.

The gold tokens are given to the pipeline as a pre-tokenised ``Doc`` and every pipeline component is
run on it, so tokenisation differences never count. A predicted entity is correct when its label and
its token span equal a gold one's. SciERC labels are mapped (Method->METHOD, Task->TASK,
Material->DATASET, Metric->METRIC; Generic/OtherScientificTerm are not scored); on TDMSci only
TASK/DATASET/METRIC are scored and predicted METHODs are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.eval.readers import (
    SCIERC_LABEL_MAP,
    TDMSCI_LABELS,
    GoldDoc,
    detect_format,
    read_scierc,
    read_tdmsci,
)

ALL_LABELS: tuple[str, ...] = ("METHOD", "DATASET", "TASK", "METRIC")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


@dataclass
class NERScores:
    """Per-label and micro P/R/F1 of one gold file."""

    name: str
    labels: tuple[str, ...]
    per_label: dict[str, PRF] = field(default_factory=dict)
    n_docs: int = 0

    @property
    def micro(self) -> PRF:
        total = PRF()
        for lab in self.labels:
            total += self.per_label.get(lab, PRF())
        return total

    def as_dict(self) -> dict:
        def row(s: PRF) -> dict:
            return {"p": s.precision, "r": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}

        return {
            "name": self.name,
            "docs": self.n_docs,
            "micro": row(self.micro),
            "labels": {lab: row(self.per_label.get(lab, PRF())) for lab in self.labels},
        }


def score_spans(
    gold: Sequence[Iterable[tuple[int, int, str]]],
    pred: Sequence[Iterable[tuple[int, int, str]]],
    labels: Sequence[str] = ALL_LABELS,
    name: str = "",
) -> NERScores:
    """Exact-match P/R/F1 of predicted vs gold ``(start, end, label)`` spans, per document.

    Spans whose label is not in ``labels`` are ignored on both sides.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predictions")
    labels = tuple(labels)
    scores = NERScores(name=name, labels=labels, per_label={lab: PRF() for lab in labels})
    for g_doc, p_doc in zip(gold, pred, strict=True):
        g = {(s, e, lab) for s, e, lab in g_doc if lab in labels}
        p = {(s, e, lab) for s, e, lab in p_doc if lab in labels}
        for s, e, lab in p:
            if (s, e, lab) in g:
                scores.per_label[lab].tp += 1
            else:
                scores.per_label[lab].fp += 1
        for _start, _end, lab in g - p:
            scores.per_label[lab].fn += 1
    scores.n_docs = len(gold)
    return scores


def predict_on_gold_tokens(nlp, docs: Sequence[GoldDoc], batch_size: int = 64) -> list[list[tuple[int, int, str]]]:
    """Run every pipeline component on pre-tokenised Docs built from the gold tokens."""
    from spacy.tokens import Doc

    def make(g: GoldDoc):
        doc = Doc(nlp.vocab, words=list(g.words))
        return doc

    spacy_docs = [make(g) for g in docs]
    for _name, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            spacy_docs = list(proc.pipe(spacy_docs, batch_size=batch_size))
        else:
            spacy_docs = [proc(d) for d in spacy_docs]
    return [[(e.start, e.end, e.label_) for e in d.ents] for d in spacy_docs]


def load_gold(
    path: Path | str, fmt: str | None = None, part: str = "all"
) -> tuple[str, list[GoldDoc], list[list[tuple[int, int, str]]], tuple[str, ...]]:
    """(format, docs, mapped gold spans, scored labels) of a gold file."""
    fmt = fmt or detect_format(path)
    if fmt == "scierc":
        docs = read_scierc(path)
        return fmt, docs, [d.mapped_spans(SCIERC_LABEL_MAP) for d in docs], ALL_LABELS
    if fmt == "tdmsci":
        docs = read_tdmsci(path, part)
        return fmt, docs, [d.mapped_spans(None) for d in docs], TDMSCI_LABELS
    raise ValueError(f"unknown format {fmt!r}")


def evaluate_file(
    nlp, path: Path | str, *, fmt: str | None = None, part: str = "all", name: str | None = None
) -> NERScores:
    """Score the pipeline ``nlp`` on one gold file (SciERC JSON or TDMSci CoNLL)."""
    fmt, docs, gold, labels = load_gold(path, fmt, part)
    pred = predict_on_gold_tokens(nlp, docs)
    return score_spans(gold, pred, labels, name=name or Path(path).name)
