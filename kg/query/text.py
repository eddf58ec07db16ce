"""Text evidence: what a title or abstract sentence says, matched word by word.

Names and sentences become sequences of terms (lower case, accents dropped, Greek letters spelled
out, American spelling, Snowball stems), so "regularising", "regularization" and "regularisation"
meet, and a name matches a sentence when its terms stand there in order. Both backends retrieve
candidate papers by these terms (the embedded inverted index, Neo4j's full-text index over the same
terms) and this module decides, so their answers agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from kg.resolve.spelling import fold_word, spell_out_greek

_WORD = re.compile(r"[^\W_]+")
# A sentence ends at . ! ? followed by space and an upper-case letter, digit or bracket; abstracts
# are one line, and "e.g. the" or "Fig. 3" stay inside their sentence often enough for evidence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
_STEMMER = snowballstemmer.stemmer("english")

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


# Term alternatives a question and an abstract use for one idea, where stems differ: verb and noun
# forms Snowball does not join ("defending" / "defense") and a few synonyms users type for
# abstracts' words. Keys and values are terms; the table is closed under symmetry below.
_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "defend": ("defens",),
    "explain": ("explan",),
    "analyz": ("analysi", "analys"),
    "speed": ("acceler", "fast", "faster"),
    "decomposit": ("factor",),
    "anomali": ("outlier",),
}
ALTERNATIVES: dict[str, frozenset[str]] = {}
for _a, _bs in _ALTERNATIVES.items():
    _group = frozenset((_a, *_bs))
    for _t in _group:
        ALTERNATIVES[_t] = ALTERNATIVES.get(_t, frozenset()) | _group
# LaTeX accents in arXiv abstracts: Schr\"odinger, Erd\H{o}s, {\'e}.
_LATEX_ACCENT = re.compile(r"\\[\"'`^~=.uvHckr]\s*\{?([A-Za-z])\}?")


def alternatives(t: str) -> frozenset[str]:
    """The terms that stand for the same idea as `t` (itself included)."""
    return ALTERNATIVES.get(t, frozenset((t,)))


def _plain(text: str) -> str:
    text = _LATEX_ACCENT.sub(r"\1", text)
    text = spell_out_greek(unicodedata.normalize("NFKC", text))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1 << 18)
def term(word: str) -> str:
    """The term of one lower-case word: American spelling, then its Snowball stem."""
    return _STEMMER.stemWord(fold_word(word))


def words(text: str) -> list[str]:
    """Lower-case words of a text, accents dropped and Greek letters spelled out."""
    return _WORD.findall(_plain(text))


def terms(text: str) -> list[str]:
    """The terms of a text, in order."""
    return [term(w) for w in words(text)]


def index_terms(text: str) -> list[str]:
    """The distinct terms of a text, sorted: what the backends index a paper by."""
    return sorted(set(terms(text)))


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


MAX_VARIANTS = 8


def name_variants(name: str) -> list[tuple[str, ...]]:
    """Term sequences a name may be written as: as given, with hyphenated parts closed ("mini-ImageNet"
    / "miniImageNet"), and with a word's alternatives ("tensor decomposition" / "tensor factorization")."""
    base = [tuple(terms(name))]
    pieces = re.split(r"\s+", _plain(name).strip())
    closed = [term("".join(_WORD.findall(p))) for p in pieces if _WORD.findall(p)]
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
