"""Abbreviation <-> long form pairs: which to merge corpus-wide and which only inside one paper.

"SDL" may mean "supervised dictionary learning" in one paper and "sparse dictionary learning" in
another; merging both pairs corpus-wide would fuse the two long forms through the shared "SDL". So
a paper's own definition always decides its mentions, and the abbreviation joins a long form
corpus-wide only when the corpus (nearly) always defines it that way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kg.models import Mention
from kg.resolve.normalize import clean_text, split_parenthetical

# An abbreviation joins its long form corpus-wide when that long form has at least this share of
# the papers defining it (and at least DOMINANT_MIN_PAPERS of them); one definition alone suffices.
DOMINANT_SHARE = 0.8
DOMINANT_MIN_PAPERS = 3

Node = tuple[str, str]  # (label, canonical key)


@dataclass(frozen=True, slots=True)
class Definition:
    """One paper's statement that `short` abbreviates `long` (canonical keys, same label)."""

    paper: str
    label: str
    short: str
    long: str


@lru_cache(maxsize=1 << 16)
def could_abbreviate(short: str, long: str) -> bool:
    """Loose Schwartz-Hearst test: the short form's characters occur in order in the long form."""
    s = [c for c in short.casefold() if c.isalnum()]
    lf = long.casefold()
    if not s or " " in short.strip() or len(short) >= len(long) or len(s) > 12:
        return False
    word_starts = {w[0] for w in lf.replace("-", " ").split() if w}
    if s[0] not in word_starts:
        return False
    pos = 0
    for c in s:
        pos = lf.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


@lru_cache(maxsize=1 << 16)
def _parenthetical_pair(text: str) -> tuple[str, str] | None:
    parts = split_parenthetical(clean_text(text))
    if not parts:
        return None
    outer, inner = parts
    if could_abbreviate(inner, outer):
        return outer, inner  # "Vision Transformer (ViT)"
    if could_abbreviate(outer, inner):
        return inner, outer  # "ViT (Vision Transformer)"
    return None


def mention_pair(m: Mention) -> tuple[str, str] | None:
    """(long, short) surfaces when the mention defines an abbreviation or is one half of a definition."""
    if m.long_form:
        parts = _parenthetical_pair(m.text)
        return m.long_form, m.short_form or (parts[1] if parts else m.text)
    if m.short_form:
        parts = _parenthetical_pair(m.text)
        return (parts[0] if parts else m.text), m.short_form
    return _parenthetical_pair(m.text)


# short -> long -> number of papers defining short as long: sums across disjoint sets of papers
DefinitionCounts = dict[Node, dict[str, int]]


def definition_counts(definitions: Iterable[Definition]) -> DefinitionCounts:
    """Per abbreviation, the number of papers giving each long form (mergeable: add across partitions)."""
    papers_by_long: dict[Node, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for d in definitions:
        if d.short == d.long or not d.short or not d.long:
            continue
        papers_by_long[(d.label, d.short)][d.long].add(d.paper)
    return {short: {long: len(papers) for long, papers in by_long.items()} for short, by_long in papers_by_long.items()}


def add_definition_counts(total: DefinitionCounts, part: DefinitionCounts) -> None:
    """Add the counts of `part` (other papers) into `total`."""
    for short, by_long in part.items():
        into = total.setdefault(short, {})
        for long, n in by_long.items():
            into[long] = into.get(long, 0) + n


def unions(counts: DefinitionCounts) -> list[tuple[Node, Node]]:
    """Corpus-wide (short, long) merges: a single long form, or one that dominates the definitions.

    Whether a long form dominates is judged over the definitions of every label: "IR" defined as image
    restoration by one paper that the NER read as a method, and by others (as tasks) as image restoration
    and as information retrieval, stands for neither corpus-wide."""
    every_label: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_, short_key), by_long in counts.items():
        for long, n in by_long.items():
            every_label[short_key][long] += n
    out: list[tuple[Node, Node]] = []
    for short, by_long in sorted(counts.items()):
        top, _ = min(by_long.items(), key=lambda kv: (-kv[1], kv[0]))
        seen = every_label[short[1]]
        n_top, total = seen[top], sum(seen.values())
        if len(seen) == 1 or (n_top >= DOMINANT_MIN_PAPERS and n_top >= DOMINANT_SHARE * total):
            out.append((short, (short[0], top)))
    return out


def redirects(definitions: Iterable[Definition]) -> dict[str, dict[Node, Node]]:
    """Per paper, its own abbreviations -> long forms (a paper's first definition wins)."""
    per_paper: dict[str, dict[Node, Node]] = defaultdict(dict)
    for d in definitions:
        if d.short == d.long or not d.short or not d.long:
            continue
        per_paper[d.paper].setdefault((d.label, d.short), (d.label, d.long))
    return dict(per_paper)


def plan(definitions: Iterable[Definition]) -> tuple[list[tuple[Node, Node]], dict[str, dict[Node, Node]]]:
    """Corpus-wide (short, long) unions and per-paper short -> long redirects."""
    definitions = list(definitions)
    return unions(definition_counts(definitions)), redirects(definitions)
