"""The embedded backend's text index: term -> papers, as one compressed-row array.

100k abstracts hold ~12M (term, paper) pairs; as Python sets of ids they took 700 MB, as one uint32
array with per-term offsets they take ~50 MB, and numpy's set operations on sorted arrays replace
Python-level unions (a prefix such as "imag*" joins the postings of every term it begins): each
element of a query is a boolean array over the papers, so unions and intersections cost linear time.

Building it reads every paper's terms (2.4 s at 100k papers), so save_graph stores it in the graph
file (payload(): an "I" line with the vocabulary and offsets, then "J" lines of base64 postings), loading
reads it into arrays (read_payload) and the embedded backend wraps them on its first text question
(from_payload); a graph without one builds it then.
"""

from __future__ import annotations

import base64
import bisect
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from kg.graph.schema import PAPER
from kg.resolve.terms import index_terms

PAYLOAD_FORMAT = 1
MASK_CACHE = 64  # group lists whose paper masks are kept between searches (100 kB each at 100k papers)
CHUNK = 1 << 18  # postings per stored line (1 MB)
_LAST_CHAR = chr(0x10FFFF)  # sorts after every character a term holds (letters and digits)


def paper_terms(attrs: dict) -> list[str]:
    """A Paper node's distinct terms (stored at build; graphs built before the text index lack them)."""
    stored = attrs.get("terms")
    if stored is not None:
        return stored.split()
    from kg.graph.build import paper_text  # the record models (pydantic): only for a graph without terms

    return index_terms(paper_text(attrs))


def paper_nodes(graph: Any) -> list[str]:
    """Paper node ids in graph order: the index numbers papers in this order (a MultiDiGraph or its dicts)."""
    return [node for node, attrs in graph._node.items() if attrs.get("label") == PAPER]


def _array(data: str, dtype: type) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype, copy=False)


class TermIndex:
    """Papers by term, for text_search: every element of a group required, one of its patterns enough."""

    def __init__(self, paper_ids: list[str], terms_of: Callable[[], Iterable[Iterable[str]]]) -> None:
        """Index the papers; terms_of() yields each paper's terms in paper_ids order (it is read twice)."""
        # 12M (term, paper) pairs at 100k papers, counted first and then placed straight into one
        # 4-byte array: as Python lists of ints they took 500 MB at save, more than a build's headroom.
        self.paper_ids = paper_ids
        counts: dict[str, int] = {}
        for terms in terms_of():
            for t in dict.fromkeys(terms):
                counts[t] = counts.get(t, 0) + 1
        self.vocabulary: list[str] = sorted(counts)
        sizes = np.fromiter((counts[t] for t in self.vocabulary), dtype=np.int64, count=len(self.vocabulary))
        del counts
        self._offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self._postings = np.empty(int(self._offsets[-1]), dtype=np.uint32)
        self._lookups()
        cursor = self._offsets[:-1].copy()  # next free place of each term's papers
        slot = self._slot
        for number, terms in enumerate(terms_of()):
            at = np.fromiter((slot[t] for t in dict.fromkeys(terms)), dtype=np.int64)
            self._postings[cursor[at]] = number
            cursor[at] += 1  # a paper's terms are distinct: one step each

    def _lookups(self) -> None:
        self._slot = {t: i for i, t in enumerate(self.vocabulary)}
        self._number = {p: i for i, p in enumerate(self.paper_ids)}
        self._masks: dict[tuple, np.ndarray] = {}  # groups (as tuples) -> _matching(groups), most recent last

    @classmethod
    def of_graph(cls, graph: Any) -> TermIndex:
        """The index of a graph's Paper nodes, from their stored terms."""
        nodes, ids = graph._node, paper_nodes(graph)
        return cls(ids, lambda: (paper_terms(nodes[node]) for node in ids))

    def payload(self) -> tuple[dict[str, Any], Iterator[str]]:
        """JSON-ready form: a header (vocabulary, offsets as little-endian base64) and the postings as
        base64 chunks, one line each, so neither writing nor reading holds them as one string."""
        header = {
            "format": PAYLOAD_FORMAT,
            "papers": len(self.paper_ids),
            "postings": len(self._postings),
            "chunks": -(-len(self._postings) // CHUNK),
            "vocabulary": self.vocabulary,
            "offsets": base64.b64encode(self._offsets.astype("<i8").tobytes()).decode("ascii"),
        }
        chunks = (
            base64.b64encode(self._postings[i : i + CHUNK].astype("<u4").tobytes()).decode("ascii")
            for i in range(0, len(self._postings), CHUNK)
        )
        return header, chunks

    @staticmethod
    def read_payload(header: dict[str, Any], chunks: Iterator[str | None]) -> dict[str, Any] | None:
        """The arrays of a stored payload (header, then its chunks in order); None when it is not whole."""
        try:
            if header.get("format") != PAYLOAD_FORMAT:
                return None
            postings = np.empty(int(header["postings"]), dtype=np.uint32)
            at = 0
            for _ in range(int(header["chunks"])):
                chunk = next(chunks)
                if chunk is None:  # a line other than a chunk where one was due
                    return None
                part = _array(chunk, np.uint32)
                postings[at : at + len(part)] = part
                at += len(part)
            if at != len(postings):
                return None
            return {
                "papers": int(header["papers"]),
                "vocabulary": list(header["vocabulary"]),
                "offsets": _array(header["offsets"], np.int64),
                "postings": postings,
            }
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
            return None

    @classmethod
    def from_payload(cls, payload: dict[str, Any], paper_ids: list[str]) -> TermIndex | None:
        """The index read_payload() read, over `paper_ids` (the graph's papers in the order it was built
        from); None when it does not fit them (another graph)."""
        if payload.get("papers") != len(paper_ids):
            return None
        index = cls.__new__(cls)
        index.paper_ids = paper_ids
        index.vocabulary, index._offsets, index._postings = (
            payload["vocabulary"],
            payload["offsets"],
            payload["postings"],
        )
        consistent = (
            len(index._offsets) == len(index.vocabulary) + 1
            and int(index._offsets[-1]) == len(index._postings)
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
        # the vocabulary is sorted, so the terms beginning "abc" are one run of it and their postings
        # one run of the postings array: a single assignment (a common prefix begins hundreds of terms)
        stem = pattern[:-1]
        first = bisect.bisect_left(self.vocabulary, stem)
        end = bisect.bisect_left(self.vocabulary, stem + _LAST_CHAR, first)
        mask[self._postings[self._offsets[first] : self._offsets[end]]] = True

    def _matching(self, groups: Sequence[Sequence[Collection[str]]], seen: dict | None = None) -> np.ndarray:
        """Boolean per paper: matches at least one group (`seen`: element masks already computed)."""
        n = len(self.paper_ids)
        found = np.zeros(n, dtype=bool)
        # a broad name's forms repeat the same words across hundreds of groups: each element once
        seen = {} if seen is None else seen
        for group in groups:
            hits: np.ndarray | None = None
            for alts in group:
                key = alts if isinstance(alts, (tuple, frozenset)) else frozenset(alts)
                element = seen.get(key)
                if element is None:
                    element = seen[key] = np.zeros(n, dtype=bool)
                    for pattern in alts:
                        self._mark(pattern, element)
                hits = element if hits is None else hits & element  # never in place: elements are shared
                if not hits.any():
                    break
            if hits is not None:
                found |= hits
        return found

    def _numbers(self, paper_ids: Collection[str]) -> np.ndarray:
        """The index's numbers of the papers it holds among `paper_ids` (thousands for a broad question)."""
        try:  # every id a paper of the index (candidates found by it): one pass in C
            return np.fromiter(map(self._number.__getitem__, paper_ids), dtype=np.int64, count=len(paper_ids))
        except KeyError:
            number = self._number
            return np.array([n for p in paper_ids if (n := number.get(p)) is not None], dtype=np.int64)

    def _matching_kept(self, groups: Sequence[Sequence[Collection[str]]]) -> np.ndarray:
        """_matching(groups), kept for the next searches with the same groups (read only: it is shared).

        A name's groups are the same whenever a question names it: a broad family's hundreds of forms
        cost milliseconds of marking, paid once rather than on every question.
        """
        key = tuple(tuple(a if isinstance(a, tuple) else tuple(sorted(a)) for a in group) for group in groups)
        mask = self._masks.pop(key, None)
        if mask is None:
            mask = self._matching(groups)
        self._masks[key] = mask  # most recent last
        while len(self._masks) > MASK_CACHE:
            del self._masks[next(iter(self._masks))]
        return mask

    def search(
        self,
        groups: Sequence[Sequence[Collection[str]]],
        within: Collection[str] | None = None,
        also: Sequence[Sequence[Collection[str]]] | None = None,
    ) -> set[str]:
        """Ids of the papers (among `within`, when given) matching one of `groups` (and one of `also`)."""
        # One boolean per paper and operation: ORs and ANDs in linear time, no sorting.
        found = self._matching_kept(groups)
        if also is not None and found.any():
            found = found & self._matching_kept(also)
        if within is not None:
            allowed = np.zeros(len(self.paper_ids), dtype=bool)
            allowed[self._numbers(within)] = True
            found = found & allowed
        return set(map(self.paper_ids.__getitem__, np.flatnonzero(found).tolist()))
