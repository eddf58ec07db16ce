"""Readers for the span-annotated corpora used to train and score the NER model.

* SciERC JSON lines (``sentences`` + ``ner``, inclusive document-level token indices).
* TDMSci CoNLL (``token<TAB>char_offset<TAB>BIO``, blank line between sentences).
* SciREX JSON lines (``words`` + ``sentences`` + ``ner`` with exclusive ends), training only.

Every reader yields :class:`GoldDoc` records: gold tokens (PTB bracket tokens normalised to the
characters a tokenizer would see, e.g. ``-LRB-`` -> ``(``) and gold spans ``(start, end_exclusive,
label)`` with the corpus' own label names. Mapping to the product labels is done by
:data:`SCIERC_LABEL_MAP` / :data:`SCIREX_LABEL_MAP`; TDMSci already uses TASK/DATASET/METRIC.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SCIERC_LABEL_MAP: dict[str, str] = {
    "Method": "METHOD",
    "Task": "TASK",
    "Material": "DATASET",
    "Metric": "METRIC",
}
SCIREX_LABEL_MAP: dict[str, str] = dict(SCIERC_LABEL_MAP)
TDMSCI_LABELS: tuple[str, ...] = ("TASK", "DATASET", "METRIC")

# The fixed TDMSci dev split: sentence index (0-based, file order, blank-line separated) whose
# index % 20 is in this set is dev (15%); every other sentence is train. Never train on dev.
TDMSCI_DEV_MODULO = 20
TDMSCI_DEV_RESIDUES = frozenset({0, 1, 2})

_PTB_TOKENS = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}


def normalise_token(tok: str) -> str:
    """Undo PTB bracket/quote escapes so gold tokens look like raw text."""
    return _PTB_TOKENS.get(tok, tok)


@dataclass
class GoldDoc:
    """One annotated unit (an abstract for SciERC, a sentence for TDMSci)."""

    doc_id: str
    words: list[str]
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # [start, end) token offsets
    sent_starts: list[int] = field(default_factory=lambda: [0])  # token index of each sentence start

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def mapped_spans(self, label_map: dict[str, str] | None) -> list[tuple[int, int, str]]:
        if label_map is None:
            return list(self.spans)
        return [(s, e, label_map[lab]) for s, e, lab in self.spans if lab in label_map]


def shared_dir() -> Path:
    """<repo>/../shared: the annotated corpora (data/) and the hand-judged dev sets (eval/)."""
    return Path(__file__).resolve().parents[2].parent / "shared"


def data_dir() -> Path:
    """Shared data directory: $KG_DATA_DIR, else <repo>/../shared/data."""
    env = os.environ.get("KG_DATA_DIR")
    return Path(env) if env else shared_dir() / "data"


class RepoDataMissing(FileNotFoundError):
    """A command's default input is the repo's shared data, which an installed package does not have."""


def require_repo_data(path: Path, command: str, instead: str) -> Path:
    """`path` if it exists, else RepoDataMissing saying in one line what to pass instead."""
    if not path.exists():
        raise RepoDataMissing(
            f"`{command}` without files reads the repo's shared data ({path}), which is not here: "
            f"{instead}, or run it from a clone with ../shared beside it"
        )
    return path


def _json_lines(path: Path) -> Iterator[dict]:
    text = Path(path).read_text(encoding="utf-8")
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of documents
        yield from json.loads(stripped)
        return
    for line in text.splitlines():
        line = line.strip()
        if line:
            yield json.loads(line)


def read_scierc(path: Path | str) -> list[GoldDoc]:
    """SciERC JSON lines: one abstract per line, ``ner`` end indices inclusive, doc-level."""
    docs: list[GoldDoc] = []
    for i, rec in enumerate(_json_lines(Path(path))):
        words: list[str] = []
        sent_starts: list[int] = []
        for sent in rec["sentences"]:
            sent_starts.append(len(words))
            words.extend(normalise_token(t) for t in sent)
        spans = []
        for sent_ner in rec.get("ner", []):
            for start, end, label in sent_ner:
                spans.append((int(start), int(end) + 1, str(label)))
        docs.append(GoldDoc(str(rec.get("doc_key", i)), words, spans, sent_starts or [0]))
    return docs


def _conll_sentences(path: Path) -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sent:
                yield sent
                sent = []
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            cols = line.split()
        sent.append((cols[0], cols[-1].strip()))
    if sent:
        yield sent


def _bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start, label = 0, None
    for i, tag in enumerate(tags + ["O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label is not None:
            spans.append((start, i, label))
            start, label = 0, None
        if tag.startswith(("B-", "I-")):  # an I- without a B- starts a span
            start, label = i, tag[2:]
    return spans


def read_tdmsci(path: Path | str, part: str = "all") -> list[GoldDoc]:
    """TDMSci CoNLL; ``part`` is 'all', 'train' or 'dev' (the fixed 15% split, see module doc)."""
    if part not in ("all", "train", "dev"):
        raise ValueError(f"part must be all/train/dev, not {part!r}")
    docs: list[GoldDoc] = []
    for i, sent in enumerate(_conll_sentences(Path(path))):
        is_dev = i % TDMSCI_DEV_MODULO in TDMSCI_DEV_RESIDUES
        if (part == "dev" and not is_dev) or (part == "train" and is_dev):
            continue
        words = [normalise_token(w) for w, _ in sent]
        docs.append(GoldDoc(f"{Path(path).stem}:{i}", words, _bio_spans([t for _, t in sent])))
    return docs


def read_scirex(path: Path | str) -> Iterator[tuple[str, list[GoldDoc]]]:
    """SciREX full papers: yields (doc_id, one GoldDoc per sentence) with sentence-local spans."""
    for rec in _json_lines(Path(path)):
        words = rec["words"]
        ner = sorted((int(s), int(e), str(lab)) for s, e, lab in rec.get("ner", []))
        sents = []
        j = 0
        for k, (s0, e0) in enumerate(rec["sentences"]):
            while j < len(ner) and ner[j][0] < s0:
                j += 1
            spans = []
            jj = j
            while jj < len(ner) and ner[jj][0] < e0:
                s, e, lab = ner[jj]
                if e <= e0:
                    spans.append((s - s0, e - s0, lab))
                jj += 1
            sents.append(GoldDoc(f"{rec['doc_id']}:{k}", [normalise_token(w) for w in words[s0:e0]], spans))
        yield str(rec["doc_id"]), sents


def detect_format(path: Path | str) -> str:
    """'scierc' or 'tdmsci' for a gold file, by extension and (for JSON) by its keys."""
    p = Path(path)
    if p.suffix.lower() in (".conll", ".bio", ".txt", ".tsv"):
        return "tdmsci"
    if p.suffix.lower() in (".json", ".jsonl"):
        first = next(_json_lines(p), None)
        if first is None:
            raise ValueError(f"{p}: empty file")
        if "sentences" in first and "ner" in first and "words" not in first:
            return "scierc"
        raise ValueError(f"{p}: JSON without SciERC 'sentences' + 'ner' keys")
    raise ValueError(f"{p}: unknown gold format (expected SciERC .json/.jsonl or TDMSci .conll)")


def non_overlapping(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest spans first, dropping any span that overlaps a kept one (for NER training)."""
    kept: list[tuple[int, int, str]] = []
    used: set[int] = set()
    for s, e, lab in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if e <= s or any(i in used for i in range(s, e)):
            continue
        kept.append((s, e, lab))
        used.update(range(s, e))
    return sorted(kept)
