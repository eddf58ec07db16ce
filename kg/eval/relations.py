"""Score USED_FOR and EVALUATED_ON on SciERC: with gold entities (typing alone) and end to end."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.pipeline import MODEL_DIR, build_pipeline, has_trained_model

__all__ = ["RelationScores", "evaluate_relations", "read_scierc"]

SCIERC_LABELS = {"Method": "METHOD", "Task": "TASK", "Material": "DATASET", "Metric": "METRIC"}
BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "'s", "%", "?", "!", "n't"}
_NO_SPACE_AFTER = {"(", "[", "{"}
TYPES = ("USED_FOR", "EVALUATED_ON")

GoldRelation = tuple[str, tuple[int, int], tuple[int, int]]  # type, head (start, end), tail (start, end); end exclusive


def _doc(nlp: Language, record: dict) -> Doc:
    """A Doc over SciERC's tokens with its sentence boundaries and natural-looking spacing."""
    words = [BRACKETS.get(w, w) for sent in record["sentences"] for w in sent]
    spaces = [
        not (w in _NO_SPACE_AFTER or (i + 1 < len(words) and words[i + 1] in _NO_SPACE_BEFORE)) and i + 1 < len(words)
        for i, w in enumerate(words)
    ]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    flags = np.full(len(doc), -1, dtype=np.int64)
    position = 0
    for sent in record["sentences"]:
        flags[position] = 1
        position += len(sent)
    doc.from_array([SENT_START], flags.astype(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]  # thinc's Ints2d: any 2-D int array
    return doc


def read_scierc(path: str | Path, nlp: Language) -> Iterator[tuple[Doc, list[Span], set[GoldRelation]]]:
    """Per abstract: the Doc, gold entity spans (4 labels, nested ones dropped) and the mapped gold relations."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            doc = _doc(nlp, record)
            labels = {(s, e): label for sent in record["ner"] for s, e, label in sent}
            spans = [
                Span(doc, s, e + 1, label=SCIERC_LABELS[label])
                for (s, e), label in labels.items()
                if label in SCIERC_LABELS
            ]
            gold: set[GoldRelation] = set()
            for sent in record["relations"]:
                for s1, e1, s2, e2, rel in sent:
                    head, tail = labels.get((s1, e1)), labels.get((s2, e2))
                    if rel == "USED-FOR" and head == "Method" and tail == "Task":
                        gold.add(("USED_FOR", (s1, e1 + 1), (s2, e2 + 1)))
                    elif rel == "EVALUATE-FOR" and head == "Material" and tail == "Method":
                        # SciERC: the dataset is evaluated FOR the method; ours: the method is EVALUATED_ON it.
                        gold.add(("EVALUATED_ON", (s2, e2 + 1), (s1, e1 + 1)))
            yield doc, filter_spans(spans), gold


class RelationScores(dict):
    """The evaluate_relations result: a plain dict that also renders as a small table for `kg eval`."""

    def render(self) -> str:
        """Text table: P/R/F1 per relation type, gold entities and end to end."""
        lines = [f"{self.get('docs', 0)} docs, NER: {self.get('ner', '?')}"]
        lines.append(f"  {'setting':<14} {'type':<13} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        for setting in ("gold_entities", "end_to_end"):
            for rel, v in self.get(setting, {}).items():
                lines.append(
                    f"  {setting:<14} {rel:<13} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f} "
                    f"{v['tp']:>5} {v['fp']:>5} {v['fn']:>5}"
                )
        return "\n".join(lines)


def _predicted(doc: Doc) -> set[GoldRelation]:
    ents = list(doc.ents)
    return {
        (hit.type, (ents[hit.head].start, ents[hit.head].end), (ents[hit.tail].start, ents[hit.tail].end))
        for hit in doc._.relations
        if hit.head is not None and hit.type in TYPES
    }


def _scores(counts: Counter) -> dict:
    out = {}
    for rel in TYPES:
        tp, fp, fn = counts[rel, "tp"], counts[rel, "fp"], counts[rel, "fn"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[rel] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}
    return out


def _count(counts: Counter, predicted: set[GoldRelation], gold: set[GoldRelation]) -> None:
    for rel in TYPES:
        p = {x for x in predicted if x[0] == rel}
        g = {x for x in gold if x[0] == rel}
        counts[rel, "tp"] += len(p & g)
        counts[rel, "fp"] += len(p - g)
        counts[rel, "fn"] += len(g - p)


def evaluate_relations(path_to_scierc_json: str | Path, model: str | Path | Language | None = None) -> dict:
    """P/R/F1 of USED_FOR (Method->Task) and EVALUATED_ON (Method->Material) on a SciERC JSON file.

    "gold_entities" types relations between the gold spans (relation typing alone); "end_to_end" uses the
    pipeline's own entities, so a relation counts only when both spans and the type are exact.
    """
    nlp = model if isinstance(model, Language) else build_pipeline(model)
    typer = nlp.get_pipe("kg_relations")
    steps = [(name, pipe) for name, pipe in nlp.pipeline if name != "kg_sentencizer"]
    gold_counts: Counter = Counter()
    e2e_counts: Counter = Counter()
    cue_counts: Counter = Counter()
    n_docs = 0
    for doc, spans, gold in read_scierc(path_to_scierc_json, nlp):
        n_docs += 1
        doc.ents = spans
        typer(doc)
        predicted = _predicted(doc)
        _count(gold_counts, predicted, gold)
        ents = list(doc.ents)
        for hit in doc._.relations:
            if hit.head is not None:
                key = (hit.type, (ents[hit.head].start, ents[hit.head].end), (ents[hit.tail].start, ents[hit.tail].end))
                cue_counts[hit.type, hit.cue, key in gold] += 1
        # End to end: the same Doc (gold sentences) through every component after the sentencizer.
        doc.ents = []
        for _, pipe in steps:
            doc = pipe(doc)
        _count(e2e_counts, _predicted(doc), gold)
    cues = {}
    for rel, cue, _ in sorted(cue_counts):
        tp, fp = cue_counts[rel, cue, True], cue_counts[rel, cue, False]
        cues[f"{rel}:{cue}"] = {"tp": tp, "fp": fp, "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0}
    if isinstance(model, Language):
        ner = "given pipeline"
    else:
        ner = str(model) if model is not None else (str(MODEL_DIR) if has_trained_model() else "lexicon")
    return RelationScores(
        {
            "data": str(path_to_scierc_json),
            "docs": n_docs,
            "ner": ner,
            "gold_entities": _scores(gold_counts),
            "end_to_end": _scores(e2e_counts),
            "cues": cues,
        }
    )


if __name__ == "__main__":
    import sys

    print(
        json.dumps(
            evaluate_relations(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/scierc/dev.json"), indent=2
        )
    )
