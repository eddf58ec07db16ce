"""../shared/data/ml_abstracts (paper-level strings) -> token-span Docs, and the seeded held-out slice.

Each abstract's text is the product's (title + "\\n\\n" + abstract, as kg.extract.compose_text), tokenised
by blank English like the shipped model. Every occurrence of every annotated string is labelled,
longest string first, at word boundaries (the characters either side are not letters or digits); an
occurrence that overlaps a longer one already labelled is skipped, and one that does not fall on token
boundaries ("ViT" inside a token "ViT-B/16") leaves its tokens missing rather than outside. What no
string covers is outside, as the data's README says.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

FIELDS = {"methods": "METHOD", "datasets": "DATASET", "tasks": "TASK", "metrics": "METRIC"}
TITLE_SEPARATOR = "\n\n"  # kg/extract/components/sentences.py: what the extractor puts between them
HOLDOUT_SEED = 12
HOLDOUT_N = 60


def compose(rec: dict) -> str:
    """The text the extractor sees for this paper."""
    return f"{rec['title']}{TITLE_SEPARATOR}{rec['abstract']}" if rec.get("title") else rec["abstract"]


def _bounded(text: str, i: int, j: int) -> bool:
    return (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum())


def string_char_spans(text: str, strings: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Character spans of every bounded occurrence, longest string first, no overlaps; sorted by start."""
    seen: set[str] = set()
    ordered = []
    for s, lab in sorted(strings, key=lambda x: -len(x[0])):
        if s and s not in seen:  # one type per string per paper: the first listing wins
            seen.add(s)
            ordered.append((s, lab))
    taken = [False] * len(text)
    out = []
    for s, lab in ordered:
        start = text.find(s)
        while start != -1:
            end = start + len(s)
            if _bounded(text, start, end) and not any(taken[start:end]):
                out.append((start, end, lab))
                for k in range(start, end):
                    taken[k] = True
            start = text.find(s, start + 1)
    return sorted(out)


def record_doc(nlp: Language, rec: dict) -> Doc:
    """One annotated abstract as a Doc with entities (misaligned occurrences missing, the rest outside)."""
    text = compose(rec)
    doc = nlp.make_doc(text)
    strings = [(s, lab) for key, lab in FIELDS.items() for s in rec.get(key) or []]
    ents, missing = [], []
    for a, b, lab in string_char_spans(text, strings):
        span = doc.char_span(a, b, label=lab)
        if span is not None:
            ents.append(span)
        else:
            wide = doc.char_span(a, b, alignment_mode="expand")
            if wide is not None:
                missing.append(wide)
    # an expanded missing span may touch an entity's token: entities win
    taken = {i for e in ents for i in range(e.start, e.end)}
    missing = [Span(doc, i, i + 1) for m in missing for i in range(m.start, m.end) if i not in taken]
    missing = list({(m.start): m for m in missing}.values())
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).open(encoding="utf-8") if line.strip()]


def split(records: list[dict], n: int = HOLDOUT_N, seed: int = HOLDOUT_SEED) -> tuple[list[dict], list[dict]]:
    """(train, held-out): a seeded sample of n abstracts held out for model selection."""
    held = set(random.Random(seed).sample(range(len(records)), n))
    return [r for i, r in enumerate(records) if i not in held], [r for i, r in enumerate(records) if i in held]


def write_entities_jsonl(records: list[dict], path: Path) -> None:
    """The held-out slice in the entities-dev format (with its abstract), for `kg eval entities`."""
    with Path(path).open("w", encoding="utf-8") as f:
        for r in records:
            row = {k: r.get(k) for k in ("id", "title", "abstract", *FIELDS)}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
