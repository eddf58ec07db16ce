"""Text evidence: what a title or abstract sentence says, matched word by word.

Names and sentences become sequences of terms (lower case, accents dropped, Greek letters spelled
out, American spelling, Snowball stems), so "regularising", "regularization" and "regularisation"
meet, and a name matches a sentence when its terms stand there in order. Both backends retrieve
candidate papers by these terms (the embedded inverted index, Neo4j's full-text index over the same
terms) and this module decides, so their answers agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.resolve.terms import WORD, alternatives, plain, term, terms, words

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or bracket; abstracts
# are one line, and "e.g. the" or "Fig. 3" stay inside their sentence often enough for evidence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")

# Words that carry no content in a question ("for", "of", "using", ...).
FUNCTION_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "for", "in", "on", "to", "and", "or", "with", "from", "by", "via", "using",
    "use", "used", "against", "into", "over", "as", "at", "its", "their", "our", "this", "that", "these",
    "is", "are", "be", "based", "between", "through", "towards", "toward", "under", "within", "which",
    "how", "what", "when", "where", "do", "does", "can", "papers", "paper", "up",
})
# Content words a user adds that abstracts leave implicit ("solving PDEs", "training deep networks"):
# required only when the question has nothing more specific.
WEAK_WORDS: frozenset[str] = frozenset({
    "solving", "solve", "training", "train", "improving", "improve", "deep", "neural", "network",
    "networks", "model", "models", "modelling", "modeling", "method", "methods", "approach", "approaches",
    "task", "tasks", "problem", "problems", "learning", "data", "computing", "compute", "performing",
    "applying", "application", "applications", "better", "efficient", "new", "large", "general",
    "machine", "improved", "analysing", "analyzing", "studying",
})
# Words before a name in the same sentence that make it a baseline or a contrast, not what the
# paper uses ("outperforms LoRA", "unlike GANs", "compared with dropout", "detectors without transformers").
BASELINE_CUES: frozenset[str] = frozenset({
    "outperform", "outperforms", "outperformed", "outperforming", "than", "unlike", "baseline",
    "baselines", "surpass", "surpasses", "surpassing", "superior", "beat", "beats", "versus", "vs",
    "instead", "rather", "compared", "comparison", "compare", "competing", "competitors", "without",
})
BASELINE_WINDOW = 6  # words before the name searched for a cue


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


MAX_VARIANTS = 8


def name_variants(name: str) -> list[tuple[str, ...]]:
    """Term sequences a name may be written as: as given, with hyphenated parts closed ("mini-ImageNet"
    / "miniImageNet"), and with a word's alternatives ("tensor decomposition" / "tensor factorization")."""
    base = [tuple(terms(name))]
    pieces = re.split(r"\s+", plain(name).strip())
    closed = [term("".join(WORD.findall(p))) for p in pieces if WORD.findall(p)]
    if closed:
        base.append(tuple(closed))
    out: list[tuple[str, ...]] = []
    for variant in dict.fromkeys(v for v in base if v):
        out.append(variant)
        for i, t in enumerate(variant):
            for alt in sorted(alternatives(t) - {t}):
                if len(out) < MAX_VARIANTS:
                    out.append((*variant[:i], alt, *variant[i + 1 :]))
    return list(dict.fromkeys(out))


def find(sequence: Sequence[str], phrase: Sequence[str]) -> list[int]:
    """Start positions of `phrase` in `sequence`."""
    n = len(phrase)
    if not n or n > len(sequence):
        return []
    first = phrase[0]
    return [i for i, t in enumerate(sequence[: len(sequence) - n + 1]) if t == first and tuple(sequence[i : i + n]) == tuple(phrase)]


_CUE_TERMS = frozenset(term(w) for w in BASELINE_CUES)


def is_baseline(sentence_terms: Sequence[str], position: int) -> bool:
    """True when a cue word precedes the name at `position` closely (it is compared against, not used)."""
    window = sentence_terms[max(0, position - BASELINE_WINDOW) : position]
    return any(t in _CUE_TERMS for t in window)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a paper (the title is sentence 0) with its terms."""

    text: str
    terms: tuple[str, ...]
    is_title: bool = False


def paper_sentences(title: str, abstract: str) -> list[Sentence]:
    """The title and the abstract's sentences, with their terms."""
    out = [Sentence(title, tuple(terms(title)), True)] if title else []
    out += [Sentence(s, tuple(terms(s))) for s in split_sentences(abstract)]
    return out


def content_terms(text: str) -> tuple[list[str], list[str]]:
    """(strong, weak) terms of a question phrase: function words dropped, weak words apart."""
    strong: list[str] = []
    weak: list[str] = []
    for w in words(text):
        if w in FUNCTION_WORDS:
            continue
        t = term(w)
        target = weak if w in WEAK_WORDS else strong
        if t not in target:
            target.append(t)
    return strong, weak


def covers(sentence_terms: Iterable[str], wanted: Iterable[str]) -> bool:
    """True when every wanted term, or one of its alternatives, occurs."""
    have = set(sentence_terms)
    return all(not have.isdisjoint(alternatives(t)) for t in wanted)
