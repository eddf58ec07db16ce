"""Label-agnostic normalisation: the lookup key every stage uses, and tidy display surfaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.resolve.plural import singular_surface, singular_word
from kg.resolve.spelling import fold_word

# Unicode dashes and quotes that NFKC leaves alone.
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
    }
)
SURROUND = " \t\n\"'`.,;:!?()[]{}<>"
DETERMINERS: frozenset[str] = frozenset({"the", "a", "an", "our", "this", "these", "those", "their", "its"})
# Prepositions: in "mixtures of experts" the head noun is before "of", not the last word.
PREPOSITIONS: frozenset[str] = frozenset(
    {
        "of",
        "for",
        "with",
        "in",
        "on",
        "over",
        "from",
        "to",
        "by",
        "via",
        "under",
        "using",
        "without",
        "between",
        "across",
        "through",
        "into",
        "at",
        "as",
        "against",
        "towards",
        "toward",
        "within",
        "among",
        "per",
    }
)
# Bound prefixes and compounds written open, hyphenated or closed ("multi-layer" == "multilayer",
# "feed forward" == "feedforward"): the key always closes them.
BOUND_PREFIXES: frozenset[str] = frozenset(
    {
        "pre",
        "post",
        "multi",
        "non",
        "semi",
        "bi",
        "tri",
        "uni",
        "meta",
        "hyper",
        "auto",
        "sub",
        "intra",
        "inter",
        "anti",
    }
)
CLOSED_COMPOUNDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("feed", "forward"),
        ("fine", "tuning"),
        ("fine", "tuned"),
        ("fine", "tune"),
        ("back", "propagation"),
        ("down", "sampling"),
        ("up", "sampling"),
        ("over", "fitting"),
        ("under", "fitting"),
        ("over", "smoothing"),
        ("over", "parameterized"),
        ("over", "parameterization"),
        ("key", "point"),
        ("check", "point"),
        ("bench", "mark"),
        ("work", "flow"),
        ("data", "set"),
        ("data", "base"),
        ("frame", "work"),
        ("time", "step"),
        ("life", "long"),
    }
)
_SEPARATORS = re.compile(r"[\s\-_/]+")
_KEEP_SEPARATORS = re.compile(r"([\-_/])")
# "Vision Transformer (ViT)", "ViT [Vision Transformer]"
_TRAILING_PAREN = re.compile(r"^(?P<outer>.*?\S)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]$")
_LETTER_DIGIT = re.compile(r"(?<=[a-z]) (?=\d)|(?<=[a-z]) (?=v\d)|(?<=\d) (?=[a-z]\b)")


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


def _tokens(s: str) -> list[str]:
    # Determiners only as whole space-separated words: "A-GEM" keeps its "A".
    tokens = s.strip(SURROUND).split()
    while len(tokens) > 1 and tokens[0].casefold() in DETERMINERS:
        tokens = tokens[1:]
    return tokens


def _head_of(words: list[str]) -> int:
    for i, w in enumerate(words[1:], start=1):
        if w.casefold() in PREPOSITIONS:
            return i - 1
    return len(words) - 1


def head_position(pieces: list[list[str]]) -> tuple[int, int]:
    """(token, piece) of the head noun: before the first preposition, else last.

    Prepositions split phrases between space-separated tokens ("mixtures of experts") and inside
    the head token's hyphen compound ("bag-of-words"), but a compound elsewhere does not hide the
    head ("click-through rates").
    """
    i = _head_of([" ".join(p) for p in pieces])
    return i, _head_of(pieces[i]) if pieces[i] else 0


def _pieces(text: str) -> list[list[str]]:
    """Case-preserving words per space-separated token: parenthetical and determiners dropped."""
    s = _strip_accents(clean_text(text))
    parts = split_parenthetical(s)
    if parts:
        s = parts[0]
    out = []
    for token in _tokens(s):
        words = [w for w in (p.strip(SURROUND) for p in _SEPARATORS.split(token)) if w]
        if words:
            out.append(words)
    return out


@lru_cache(maxsize=1 << 20)
def name_key(text: str) -> str:
    """Normalised lookup key: unicode, case, accents, spelling, hyphens, determiners, plural head; "" if nothing left."""
    pieces = _pieces(text)
    if not pieces:
        return ""
    i, j = head_position(pieces)
    lower = [[w.casefold() for w in token] for token in pieces]
    lower[i][j] = singular_word(pieces[i][j])
    lower = [[fold_word(w) for w in token] for token in lower]
    flat = [w for token in pieces for w in token]
    return _LETTER_DIGIT.sub("", " ".join(_close_compounds(flat, [w for token in lower for w in token])))


def _close_compounds(original: list[str], lower: list[str]) -> list[str]:
    out: list[str] = []
    for orig, w in zip(original, lower, strict=True):
        # "Meta-DETR" keeps its DETR as a word, for IS_A.
        acronym = sum(c.isupper() for c in orig) >= 2
        if out and not acronym and (out[-1] in BOUND_PREFIXES or (out[-1], w) in CLOSED_COMPOUNDS):
            out[-1] += w
        else:
            out.append(w)
    return out


@lru_cache(maxsize=1 << 18)
def display_surface(text: str) -> str:
    """A surface tidied for display: parenthetical, determiner and plural head removed, casing kept."""
    s = clean_text(text)
    parts = split_parenthetical(s)
    if parts:
        s = parts[0]
    # Per token: words at even positions, separators at odd ones, so the head is found as in name_key.
    split = [_KEEP_SEPARATORS.split(token) for token in _tokens(s)]
    words = [[w for w in token[::2] if w] for token in split]
    if any(words):
        keep = [k for k, w in enumerate(words) if w]
        i, j = head_position([words[k] for k in keep])
        token = split[keep[i]]
        positions = [p for p in range(0, len(token), 2) if token[p]]
        token[positions[j]] = singular_surface(token[positions[j]])
    return " ".join("".join(token) for token in split) or text
