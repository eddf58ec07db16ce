"""A paper's sentences as terms and roles, computed once at build time and stored on the Paper node.

Judging "does this paper use X for Y" reads every sentence of up to a hundred candidate papers as
terms (kg.resolve.terms) with its role (kg.graph.roles). Folding and stemming that text was most of a
question's time and gives the same result for every question, so graph assembly does it once and
stores it as one string property, `sentences`, which the graph file, the Neo4j loader and the bulk
export carry like any other property:

    "o|graph neural network|n|we propos a ..."   role code and terms of the title, then of each sentence

Terms hold letters and digits only, so "|" and " " cannot occur inside one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.graph.roles import BACKGROUND, NEUTRAL, OWN, role_of_words
from kg.resolve.terms import term, words

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or bracket; abstracts
# are one line, and "e.g. the" or "Fig. 3" stay inside their sentence often enough for evidence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
_ROLE_CODE = {OWN: "o", NEUTRAL: "n", BACKGROUND: "b"}
_CODE_ROLE = {code: role for role, code in _ROLE_CODE.items()}
SEPARATOR = "|"

# (terms in order, role) of one sentence
SentenceRow = tuple[tuple[str, ...], float]


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def paper_parts(title: str, abstract: str) -> list[tuple[str, bool]]:
    """(text, is_title) of the title (when there is one) and of each sentence of the abstract."""
    return ([(title, True)] if title else []) + [(s, False) for s in split_sentences(abstract)]


def sentence_row(text: str, *, is_title: bool = False) -> SentenceRow:
    """One sentence's terms and role, folding its text once for both."""
    ws = words(text)
    return tuple(term(w) for w in ws), role_of_words(set(ws), text, is_title=is_title)


def sentence_rows(title: str, abstract: str) -> list[SentenceRow]:
    """Terms and role of the title and each abstract sentence."""
    return [sentence_row(text, is_title=is_title) for text, is_title in paper_parts(title, abstract)]


def encode(rows: Sequence[SentenceRow]) -> str:
    """The stored form of a paper's sentence rows."""
    return SEPARATOR.join(f"{_ROLE_CODE[role]}{SEPARATOR}{' '.join(ts)}" for ts, role in rows)


def decode(stored: str, count: int) -> list[SentenceRow] | None:
    """Sentence rows from their stored form; None unless it holds exactly `count` valid sentences
    (a graph built by another version splits differently: the caller computes them instead)."""
    if count == 0:
        return [] if stored == "" else None
    fields = stored.split(SEPARATOR)
    if len(fields) != 2 * count:
        return None
    rows: list[SentenceRow] = []
    for i in range(0, len(fields), 2):
        role = _CODE_ROLE.get(fields[i])
        if role is None:
            return None
        rows.append((tuple(fields[i + 1].split()), role))
    return rows
