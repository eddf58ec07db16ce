"""The embedded backend's text index: term -> papers, as one compressed-row array.

100k abstracts hold ~12M (term, paper) pairs; as Python sets of ids they took 700 MB, as one uint32
array with per-term offsets they take ~50 MB, and numpy's set operations on sorted arrays replace
Python-level unions (a prefix such as "imag*" joins the postings of every term it begins): each
element of a query is a boolean array over the papers, so unions and intersections cost linear time.

Building it reads every paper's terms (2.4 s at 100k papers), so save_graph stores it in the graph
file (payload(): the arrays as base64, one "I" line) and the embedded backend restores it from there
(from_payload(): a few hundred milliseconds); a graph without one builds it on its first text question.
"""

from __future__ import annotations

import base64
import bisect
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np

from kg.graph.build import paper_text
from kg.graph.schema import PAPER
from kg.resolve.terms import index_terms

PAYLOAD_FORMAT = 1


def paper_terms(attrs: dict) -> list[str]:
    """A Paper node's distinct terms (stored at build; graphs built before the text index lack them)."""
    stored = attrs.get("terms")
    return stored.split() if stored is not None else index_terms(paper_text(attrs))


def paper_nodes(graph: Any) -> list[str]:
    """Paper node ids in graph order: the index numbers papers in this order."""
    return [node for node, label in graph.nodes(data="label") if label == PAPER]


def _array(data: str, dtype: type) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype, copy=False)


class TermIndex:
    """Papers by term, for text_search: every element of a group required, one of its patterns enough."""

    def __init__(self, papers: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Index (paper id, distinct terms) pairs."""
        self.paper_ids: list[str] = []
        lists: dict[str, list[int]] = {}
        for number, (paper, terms) in enumerate(papers):
            self.paper_ids.append(paper)
            for t in terms:
                lists.setdefault(t, []).append(number)
        self.vocabulary: list[str] = sorted(lists)
        sizes = np.fromiter((len(lists[t]) for t in self.vocabulary), dtype=np.int64, count=len(self.vocabulary))
        self._offsets = np.concatenate(([0], np.cumsum(sizes)))
        self._postings = np.empty(int(self._offsets[-1]), dtype=np.uint32)
        for i, t in enumerate(self.vocabulary):
            self._postings[self._offsets[i] : self._offsets[i + 1]] = lists.pop(t)
        self._lookups()

    def _lookups(self) -> None:
        self._slot = {t: i for i, t in enumerate(self.vocabulary)}
        self._number = {p: i for i, p in enumerate(self.paper_ids)}

    @classmethod
    def of_graph(cls, graph: Any) -> "TermIndex":
        """The index of a graph's Paper nodes, from their stored terms."""
        nodes = graph.nodes
        return cls((node, paper_terms(nodes[node])) for node in paper_nodes(graph))

    def payload(self) -> dict[str, Any]:
        """JSON-ready form: the vocabulary, and the offsets and postings as little-endian base64."""
        return {
            "format": PAYLOAD_FORMAT,
            "papers": len(self.paper_ids),
            "vocabulary": self.vocabulary,
            "offsets": base64.b64encode(self._offsets.astype("<i8").tobytes()).decode("ascii"),
            "postings": base64.b64encode(self._postings.astype("<u4").tobytes()).decode("ascii"),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], paper_ids: list[str]) -> "TermIndex | None":
        """The index payload() stored, over `paper_ids` (the graph's papers in the order it was built
        from); None when the payload does not fit them (another format, another graph)."""
        try:
            if payload.get("format") != PAYLOAD_FORMAT or payload.get("papers") != len(paper_ids):
                return None
            index = cls.__new__(cls)
            index.paper_ids = paper_ids
            index.vocabulary = list(payload["vocabulary"])
            index._offsets = _array(payload["offsets"], np.int64)
            index._postings = _array(payload["postings"], np.uint32)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        consistent = (
            len(index._offsets) == len(index.vocabulary) + 1 and int(index._offsets[-1]) == len(index._postings)
            and (not len(index._postings) or int(index._postings.max()) < len(paper_ids))
        )
        if not consistent:
            return None
        index._lookups()
        return index

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
