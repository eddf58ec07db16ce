"""Label-agnostic normalisation: the lookup key every stage uses, and tidy display surfaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.resolve.plural import singular_surface, singular_word

# Unicode dashes and quotes that NFKC leaves alone.
_TRANSLATE = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u00a0": " ",
})
SURROUND = " \t\n\"'`.,;:!?()[]{}<>"
DETERMINERS: frozenset[str] = frozenset({"the", "a", "an", "our", "this", "these", "those", "their", "its"})
# Prepositions: in "mixtures of experts" the head noun is before "of", not the last word.
PREPOSITIONS: frozenset[str] = frozenset({
    "of", "for", "with", "in", "on", "over", "from", "to", "by", "via", "under", "using", "without",
    "between", "across", "through", "into", "at", "as", "against", "towards", "toward", "within",
    "among", "per",
})
_SEPARATORS = re.compile(r"[\s\-_/]+")
# "Vision Transformer (ViT)", "ViT [Vision Transformer]"
_TRAILING_PAREN = re.compile(r"^(?P<outer>.*?\S)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]$")
_LETTER_DIGIT = re.compile(r"(?<=[a-z]) (?=\d)|(?<=[a-z]) (?=v\d)|(?<=\d) (?=[a-z]\b)")
_DATA_SET = re.compile(r"\bdata set\b")


def _strip_accents(text: str) -> str:
    # Only marks on Latin letters: dropping them on e.g. Devanagari would change the word.
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and out[-1] <= "\u024f":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=1 << 18)
def clean_text(text: str) -> str:
    """NFKC text with typographic dashes/quotes made ASCII and spacing collapsed (accents kept)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TRANSLATE).split())


def split_parenthetical(text: str) -> tuple[str, str] | None:
    """("outer", "inner") for "outer (inner)", else None."""
    m = _TRAILING_PAREN.match(text.strip())
    if not m:
        return None
    outer, inner = m.group("outer").strip(SURROUND), m.group("inner").strip(SURROUND)
    return (outer, inner) if outer and inner else None


def _words(text: str) -> list[str]:
    """Case-preserving words of a surface: parenthetical dropped, separators split, determiners off."""
    s = _strip_accents(clean_text(text))
    parts = split_parenthetical(s)
    if parts:
        s = parts[0]
    # Determiners only as whole space-separated words: "A-GEM" keeps its "A".
    tokens = s.strip(SURROUND).split()
    while len(tokens) > 1 and tokens[0].casefold() in DETERMINERS:
        tokens = tokens[1:]
    return [w for w in (t.strip(SURROUND) for t in _SEPARATORS.split(" ".join(tokens))) if w]


def head_index(lower_words: list[str]) -> int:
    """Index of the head noun: the word before the first preposition, else the last word."""
    for i, w in enumerate(lower_words[1:], start=1):
        if w in PREPOSITIONS:
            return i - 1
    return len(lower_words) - 1


@lru_cache(maxsize=1 << 20)
def name_key(text: str) -> str:
    """Normalised lookup key: unicode, case, accents, hyphens, determiners, plural head; "" if nothing left."""
    words = _words(text)
    if not words:
        return ""
    lower = [w.casefold() for w in words]
    h = head_index(lower)
    lower[h] = singular_word(words[h])
    key = " ".join(lower)
    key = _LETTER_DIGIT.sub("", key)
    return _DATA_SET.sub("dataset", key)


@lru_cache(maxsize=1 << 18)
def display_surface(text: str) -> str:
    """A surface tidied for display: parenthetical, determiner and plural head removed, casing kept."""
    s = clean_text(text)
    parts = split_parenthetical(s)
    if parts:
        s = parts[0]
    tokens = s.strip(SURROUND).split()
    while len(tokens) > 1 and tokens[0].casefold() in DETERMINERS:
        tokens = tokens[1:]
    # Words at even positions, separators at odd ones, so the head is found as name_key finds it.
    pieces = re.split(r"(\s+|[\-_/])", " ".join(tokens))
    words = pieces[::2]
    nonempty = [i for i, w in enumerate(words) if w]
    if nonempty:
        h = nonempty[head_index([words[i].casefold() for i in nonempty])]
        pieces[2 * h] = singular_surface(words[h])
    return "".join(pieces) or text
