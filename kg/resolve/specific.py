"""Is a name specific enough to be an answer? Generic words and math debris are not ("neural network", "L_{1")."""

from __future__ import annotations

import re

from kg.resolve import name_key
from kg.resolve.suffixes import GENERIC_WORDS

# Words that carry no content in a question ("for", "of", "using", ...).
FUNCTION_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "for", "in", "on", "to", "and", "or", "with", "from", "by", "via", "using",
    "use", "used", "against", "into", "over", "as", "at", "its", "their", "our", "this", "that", "these",
    "is", "are", "be", "based", "between", "through", "towards", "toward", "under", "within", "which",
    "how", "what", "when", "where", "do", "does", "can", "papers", "paper", "up",
})

_DEBRIS = re.compile(r"[_{}^\\$=|]|\b[a-z]\(|^\W|\d\s*[+*/-]\s*\d|://|\bwww\.")
GENERIC_NAMES: frozenset[str] = GENERIC_WORDS | {
    "state of the art", "perspective", "baseline", "variant", "extension", "strategy", "scheme", "setting",
    "objective", "loss", "layer", "parameter", "feature", "representation", "system", "pipeline", "tool",
}


def is_specific(name: str) -> bool:
    """False for math debris ("L_{1", "O(n"), URLs, and names made only of generic words ("neural network")."""
    if _DEBRIS.search(name) or name.count("(") != name.count(")") or sum(c.isalpha() for c in name) < 2:
        return False
    key_words = name_key(name).replace("-", " ").split()
    return not all(w in GENERIC_NAMES or w in FUNCTION_WORDS for w in key_words)
