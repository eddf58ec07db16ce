"""Text as terms: the form in which questions, entity names and abstracts are compared.

A term is a lower-case word with accents (and LaTeX accents) dropped, Greek letters spelled out,
American spelling, then its Snowball stem: "regularising", "Regularization" and "regularisation"
all become "regular". Graph assembly stores each paper's distinct terms (the text index of both
backends); the query engine compares sentences in the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from kg.resolve.spelling import fold_word, spell_out_greek
from kg.resolve.wordlists import ACTIVITY_GERUNDS, TERM_ALTERNATIVES

WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("english")

ALTERNATIVES: dict[str, frozenset[str]] = {}
for _a, _bs in TERM_ALTERNATIVES.items():
    _group = frozenset((_a, *_bs))
    for _t in _group:
        ALTERNATIVES[_t] = ALTERNATIVES.get(_t, frozenset()) | _group
# LaTeX accents in arXiv abstracts: Schr\"odinger, Erd\H{o}s, {\'e}.
_LATEX_ACCENT = re.compile(r"\\[\"'`^~=.uvHckr]\s*\{?([A-Za-z])\}?")


def alternatives(t: str) -> frozenset[str]:
    """The terms that stand for the same idea as `t` (itself included)."""
    return ALTERNATIVES.get(t, frozenset((t,)))


def plain(text: str) -> str:
    """Text folded for word matching: LaTeX and Unicode accents dropped, Greek spelled out, lower case."""
    text = _LATEX_ACCENT.sub(r"\1", text)
    text = spell_out_greek(unicodedata.normalize("NFKC", text))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


# Longer "words" are debris (base64, runs of one letter); cut, they stay well inside Lucene's limits
# on one token (255) and on a prefix query, so both backends index and search the same terms.
MAX_TERM_CHARS = 64


_AGENT = re.compile(r"(?<=[a-z]{3})ers?$")
# A change to the rules below must raise kg.graph.schema.TERMS_SCHEME: graph files store their terms.


@lru_cache(maxsize=1 << 18)
def term(word: str) -> str:
    """The term of one lower-case word: American spelling, then its Snowball stem (at most MAX_TERM_CHARS).

    Snowball gives a thing and its process one stem ("transformer" and "transformation" -> "transform",
    "adapter" / "adaptation", "encoder" / "encoding"); a method's name must not match the process, so a
    word ending in -er(s) whose stem lost that ending keeps it ("transformer", "adapter", "encoder"), and
    an activity's gerund stays itself ("modeling", not "model").
    """
    folded = fold_word(word[:MAX_TERM_CHARS])
    if folded in ACTIVITY_GERUNDS:
        return folded
    stem = _STEMMER.stemWord(folded)
    if _AGENT.search(folded) and not stem.endswith("er"):
        stem += "er"
    return stem[:MAX_TERM_CHARS]


def words(text: str) -> list[str]:
    """Lower-case words of a text, accents dropped and Greek letters spelled out."""
    return WORD.findall(plain(text))


def terms(text: str) -> list[str]:
    """The terms of a text, in order."""
    return [term(w) for w in words(text)]


def index_terms(text: str) -> list[str]:
    """The distinct terms of a text, sorted: what the backends index a paper by."""
    return sorted(set(terms(text)))


MAX_VARIANTS = 8


def name_variants(name: str) -> list[tuple[str, ...]]:
    """Term sequences a name may be written as: as given, with hyphenated parts closed ("mini-ImageNet"
    / "miniImageNet"), and with a word's alternatives ("tensor decomposition" / "tensor factorization")."""
    return list(_name_variants(name))


@lru_cache(maxsize=1 << 14)  # a question reads the variants of every name in a family (hundreds for a broad one)
def _name_variants(name: str) -> tuple[tuple[str, ...], ...]:
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
    return tuple(dict.fromkeys(out))
