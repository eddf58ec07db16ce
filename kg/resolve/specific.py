"""Is a name specific enough to be an answer? Generic words and math debris are not ("neural network", "L_{1")."""

from __future__ import annotations

import re

from kg.resolve import name_key
from kg.resolve.wordlists import FUNCTION_WORDS, GENERIC_NAMES

# One lower-case word that is a participle ("pre-trained", "compressed", "fine-tuned") describes a thing and
# names none; no single-word name of the shipped vocabulary has this form.
_PARTICIPLE = re.compile(r"(?=.{6,})(?:[a-z]+-)?[a-z]{3,}(?<!e)ed")
# English adverb endings: "-ly" alone would take "early" (stopping), "anomaly", "family", "poly".
_ADVERB = re.compile(r"[a-z]{2,}(?:ally|ively|ously|ably|ibly|edly|ently|antly|ingly)", re.I)
_DEBRIS = re.compile(r"[_{}^\\$=|]|\b[a-z]\(|^\W|\d\s*[+*/-]\s*\d|://|\bwww\.")


def is_adjective_phrase(text: str) -> bool:
    """An adverb and the adjective it modifies, with no noun: "differentially private", "Provably Efficient"."""
    words = text.split()
    return len(words) == 2 and _ADVERB.fullmatch(words[0]) is not None


def is_specific(name: str) -> bool:
    """False for math debris ("L_{1", "O(n"), URLs, names made only of generic words ("neural network") and
    adjective phrases ("differentially private": a corpus entity may be named by an abbreviation's long form)."""
    if _DEBRIS.search(name) or name.count("(") != name.count(")") or sum(c.isalpha() for c in name) < 2:
        return False
    if _PARTICIPLE.fullmatch(name.strip()) or is_adjective_phrase(name):
        return False
    key_words = name_key(name).replace("-", " ").split()
    if " ".join(key_words) in GENERIC_NAMES:  # a generic phrase: "state-of-the-art"
        return False
    return not all(w in GENERIC_NAMES or w in FUNCTION_WORDS for w in key_words)
