"""Text evidence: what a title or abstract sentence says, matched word by word.

Names and sentences become sequences of terms (lower case, accents dropped, Greek letters spelled
out, American spelling, Snowball stems), so "regularising", "regularization" and "regularisation"
meet, and a name matches a sentence when its terms stand there in order. Both backends retrieve
candidate papers by these terms (the embedded inverted index, Neo4j's full-text index over the same
terms) and this module decides, so their answers agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.graph.roles import BACKGROUND, NEUTRAL, OWN, is_baseline, sentence_role  # noqa: F401  (re-exported)
from kg.graph.sentences import decode, paper_parts, sentence_row, split_sentences  # noqa: F401  (re-exported)
from kg.resolve.terms import WORD, alternatives, name_variants, plain, term, terms, words  # noqa: F401
from kg.resolve.wordlists import FUNCTION_WORDS, WEAK_WORDS  # noqa: F401  (re-exported)


def find(sequence: Sequence[str], phrase: Sequence[str]) -> list[int]:
    """Start positions of `phrase` in `sequence`."""
    n = len(phrase)
    if not n or n > len(sequence):
        return []
    first, phrase = phrase[0], tuple(phrase)
    return [
        i
        for i, t in enumerate(sequence[: len(sequence) - n + 1])
        if t == first and tuple(sequence[i : i + n]) == phrase
    ]


@dataclass(slots=True, unsafe_hash=True)  # not frozen: see kg.query.access (construction cost)
class Sentence:
    """One sentence of a paper (the title is sentence 0) with its terms and role."""

    text: str
    terms: tuple[str, ...]
    role: float = NEUTRAL
    term_set: frozenset[str] = frozenset()


def make_sentence(text: str, *, is_title: bool = False) -> Sentence:
    """A sentence with its terms and role."""
    ts, role = sentence_row(text, is_title=is_title)
    return Sentence(text, ts, role, frozenset(ts))


def paper_sentences(title: str, abstract: str, stored: str | None = None) -> list[Sentence]:
    """The title and the abstract's sentences, with their terms: read from the paper's stored `sentences`
    (kg.graph.sentences) when it has them for this split, else computed."""
    parts = paper_parts(title, abstract)
    rows = decode(stored, len(parts)) if stored is not None else None
    if rows is None:
        return [make_sentence(text, is_title=is_title) for text, is_title in parts]
    return [Sentence(text, ts, role, frozenset(ts)) for (text, _), (ts, role) in zip(parts, rows, strict=True)]


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


MIN_PREFIX = 4  # a question word this long also matches longer words it begins ("detect" ~ "detectors")


def patterns(t: str) -> tuple[str, ...]:
    """What a question term matches in text: its alternatives, as prefixes ("imag*") when long enough."""
    return tuple(sorted(a + "*" if len(a) >= MIN_PREFIX else a for a in alternatives(t)))


@lru_cache(maxsize=1 << 14)
def _prefixes(t: str) -> tuple[str, ...]:
    return tuple(p[:-1] for p in patterns(t) if p.endswith("*"))


def term_in(t: str, have: frozenset[str] | set[str]) -> bool:
    """True when question term `t` matches one of the terms in `have` through its patterns."""
    if not have.isdisjoint(alternatives(t)):
        return True
    prefixes = _prefixes(t)
    return bool(prefixes) and any(h.startswith(prefixes) for h in have)


def expand(wanted: Iterable[str], vocabulary: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each question term, the terms of `vocabulary` it matches (term_in, computed once per question)."""
    vocabulary = frozenset(vocabulary)
    out = {}
    for t in dict.fromkeys(wanted):
        prefixes = _prefixes(t)
        starting = {v for v in vocabulary if v.startswith(prefixes)} if prefixes else set()
        out[t] = frozenset(starting | (alternatives(t) & vocabulary))
    return out


def covers(sentence_terms: Iterable[str], wanted: Iterable[str]) -> bool:
    """True when every wanted term matches a sentence term through one of its patterns."""
    have = sentence_terms if isinstance(sentence_terms, (set, frozenset)) else set(sentence_terms)
    return all(term_in(t, have) for t in wanted)
