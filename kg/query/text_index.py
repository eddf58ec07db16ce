"""The embedded backend's text index: term -> papers, as one compressed-row array.

100k abstracts hold ~12M (term, paper) pairs; as Python sets of ids they took 700 MB, as one uint32
array with per-term offsets they take ~50 MB, and numpy's set operations on sorted arrays replace
Python-level unions (a prefix such as "imag*" joins the postings of every term it begins): each
element of a query is a boolean array over the papers, so unions and intersections cost linear time.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Sequence

import numpy as np


class TermIndex:
    """Papers by term, for text_search: every element of a group required, one of its patterns enough."""

    def __init__(self, papers: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Index (paper id, distinct terms) pairs."""
        self.paper_ids: list[str] = []
        lists: dict[str, list[int]] = {}
        for number, (paper, paper_terms) in enumerate(papers):
            self.paper_ids.append(paper)
            for t in paper_terms:
                lists.setdefault(t, []).append(number)
        self.vocabulary: list[str] = sorted(lists)
        self._slot = {t: i for i, t in enumerate(self.vocabulary)}
        sizes = np.fromiter((len(lists[t]) for t in self.vocabulary), dtype=np.int64, count=len(self.vocabulary))
        self._offsets = np.concatenate(([0], np.cumsum(sizes)))
        self._postings = np.empty(int(self._offsets[-1]), dtype=np.uint32)
        for i, t in enumerate(self.vocabulary):
            self._postings[self._offsets[i] : self._offsets[i + 1]] = lists.pop(t)
        self._number = {p: i for i, p in enumerate(self.paper_ids)}

    def _term(self, t: str) -> np.ndarray:
        slot = self._slot.get(t)
        if slot is None:
            return np.empty(0, dtype=np.uint32)
        return self._postings[self._offsets[slot] : self._offsets[slot + 1]]

    def _mark(self, pattern: str, mask: np.ndarray) -> None:
        """Set the papers holding a term, or (pattern "abc*") any term beginning "abc"."""
        if not pattern.endswith("*"):
            mask[self._term(pattern)] = True
            return
        stem = pattern[:-1]
        at = bisect.bisect_left(self.vocabulary, stem)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(stem):
            mask[self._term(self.vocabulary[at])] = True
            at += 1

    def _matching(self, groups: Sequence[Sequence[Collection[str]]]) -> np.ndarray:
        """Boolean per paper: matches at least one group."""
        n = len(self.paper_ids)
        found = np.zeros(n, dtype=bool)
        for group in groups:
            hits: np.ndarray | None = None
            for alts in group:
                element = np.zeros(n, dtype=bool)
                for pattern in alts:
                    self._mark(pattern, element)
                hits = element if hits is None else hits & element
                if not hits.any():
                    break
            if hits is not None:
                found |= hits
        return found

    def search(
        self,
        groups: Sequence[Sequence[Collection[str]]],
        within: Collection[str] | None = None,
        also: Sequence[Sequence[Collection[str]]] | None = None,
    ) -> set[str]:
        """Ids of the papers (among `within`, when given) matching one of `groups` (and one of `also`)."""
        # One boolean per paper and operation: ORs and ANDs in linear time, no sorting.
        found = self._matching(groups)
        if also is not None and found.any():
            found &= self._matching(also)
        if within is not None:
            allowed = np.zeros(len(self.paper_ids), dtype=bool)
            allowed[[self._number[p] for p in within if p in self._number]] = True
            found &= allowed
        ids = self.paper_ids
        return {ids[i] for i in np.flatnonzero(found).tolist()}
