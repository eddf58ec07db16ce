"""Paper links as numpy columns, for the rankings that group every link of thousands of papers.

Both backends hand the engine the same LinkColumns (the embedded one slices a table stored with the
graph file, kg.graph.link_table; Neo4j builds them from its rows with columns_of_links), so the
rankings in kg.query.engine are written once, as group-bys over arrays instead of Python rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kg.graph.schema import PAPER_ENTITY_TYPES
from kg.query.access import PaperLink

TYPES: tuple[str, ...] = tuple(sorted(PAPER_ENTITY_TYPES))  # a row's `type` indexes this
WORD_BITS = 64


class _Indexed:
    """The id -> index lookups of LinkColumns and AnchorColumns."""

    __slots__ = ()
    paper_at: dict[str, int]
    entity_at: dict[str, int]

    def entity_index(self, entity_ids: Iterable[str]) -> np.ndarray:
        """Indices of the given entities that occur (sorted, int64)."""
        return indices(self.entity_at, entity_ids)

    def paper_index(self, paper_ids: Iterable[str]) -> np.ndarray:
        """Indices of the given papers that occur (sorted, int64)."""
        return indices(self.paper_at, paper_ids)


@dataclass(slots=True)
class LinkColumns(_Indexed):
    """(Paper)-[type]->(entity) links as columns; rows sorted by (paper id, entity id, type).

    `paper` and `entity` index paper_ids and entity_ids, both sorted, so index order is id order.
    `shared` holds per row one bit per evidence sentence the link shares with another link of the same
    paper (bits numbered per paper, in words of 64: its second axis), so two links of one paper share
    an evidence sentence exactly when their masks meet.
    """

    paper_ids: Sequence[str]
    entity_ids: Sequence[str]
    roles: Sequence[str | None]  # a row's `role` indexes this
    paper: np.ndarray  # int32
    entity: np.ndarray  # int32
    type: np.ndarray  # int8, into TYPES
    role: np.ndarray  # int8, into roles
    confidence: np.ndarray  # float64 (sums must equal Python's, in the same order)
    shared: np.ndarray  # uint64, (rows, words)
    evidence: Callable[[int], tuple[str, ...]]  # a row's evidence sentences
    paper_at: dict[str, int]  # id -> index (the inverse of paper_ids)
    entity_at: dict[str, int]


@dataclass(slots=True)
class AnchorColumns(_Indexed):
    """The links a ranking reads around an anchor family (GraphAccess.anchor_columns), as columns; rows sorted
    by (paper id, entity id, type).

    Two kinds of rows: `anchor` rows are the papers' links to the anchor's entities; the others are their
    links to other entities, each with `shares`: it shares an evidence sentence with an anchor row of its
    paper (False on anchor rows). `paper` and `entity` index paper_ids and entity_ids, both sorted; the
    embedded backend's are the whole graph's, Neo4j's only those of the rows, so use the ids, not the
    indices, across calls.
    """

    paper_ids: Sequence[str]
    entity_ids: Sequence[str]
    roles: Sequence[str | None]
    paper: np.ndarray  # int32
    entity: np.ndarray  # int32
    type: np.ndarray  # int8, into TYPES
    role: np.ndarray  # int8, into roles
    confidence: np.ndarray  # float64
    anchor: np.ndarray  # bool
    shares: np.ndarray  # bool
    evidence: Callable[[int], tuple[str, ...]]  # a row's evidence sentences
    # reads these rows' evidence in one go (Neo4j: one round trip); None: `evidence` reads it at hand
    preload: Callable[[Sequence[int]], None] | None
    paper_at: dict[str, int]
    entity_at: dict[str, int]


def indices(at: dict[str, int], wanted: Iterable[str]) -> np.ndarray:
    """Sorted positions of the `wanted` ids that `at` knows."""
    return np.array(sorted({i for w in wanted if (i := at.get(w)) is not None}), dtype=np.int64)


def shared_masks(evidence: Sequence[Sequence[str]]) -> list[list[int]]:
    """Per row of one paper, the 64-bit words marking the sentences it shares with another row."""
    rows_with: dict[str, int] = {}
    for sentences in evidence:
        for s in dict.fromkeys(sentences):  # in order: the bits (and the file) do not depend on hashing
            rows_with[s] = rows_with.get(s, 0) + 1
    bit = {s: i for i, s in enumerate(s for s, n in rows_with.items() if n > 1)}
    words = max(1, -(-len(bit) // WORD_BITS))
    masks = []
    for sentences in evidence:
        row = [0] * words
        for s in sentences:
            if s in bit:
                row[bit[s] // WORD_BITS] |= 1 << (bit[s] % WORD_BITS)
        masks.append(row)
    return masks


def pack_masks(per_paper: list[list[list[int]]]) -> np.ndarray:
    """(rows, words) uint64 array of every paper's masks, the narrower ones padded with zeros."""
    width = max((len(m[0]) for m in per_paper if m), default=1)
    out = np.zeros((sum(len(m) for m in per_paper), width), dtype=np.uint64)
    at = 0
    for masks in per_paper:
        for row in masks:
            out[at, : len(row)] = row
            at += 1
    return out


def columns_of_links(links: Sequence[PaperLink]) -> LinkColumns:
    """LinkColumns for PaperLink rows (any order; the shared masks are numbered within these rows)."""
    links = sorted(links, key=lambda link: (link.paper_id, link.entity_id, link.type))
    paper_ids = sorted({link.paper_id for link in links})
    entity_ids = sorted({link.entity_id for link in links})
    roles = sorted({link.role for link in links}, key=lambda r: (r is not None, r or ""))
    p_at = {p: i for i, p in enumerate(paper_ids)}
    e_at = {e: i for i, e in enumerate(entity_ids)}
    r_at = {r: i for i, r in enumerate(roles)}
    t_at = {t: i for i, t in enumerate(TYPES)}
    per_paper: list[list[list[int]]] = []
    start = 0
    for i in range(1, len(links) + 1):
        if i == len(links) or links[i].paper_id != links[start].paper_id:
            per_paper.append(shared_masks([link.evidence for link in links[start:i]]))
            start = i
    evidence = [link.evidence for link in links]
    return LinkColumns(
        paper_ids=paper_ids,
        entity_ids=entity_ids,
        roles=roles,
        paper=np.fromiter((p_at[link.paper_id] for link in links), dtype=np.int32, count=len(links)),
        entity=np.fromiter((e_at[link.entity_id] for link in links), dtype=np.int32, count=len(links)),
        type=np.fromiter((t_at[link.type] for link in links), dtype=np.int8, count=len(links)),
        role=np.fromiter((r_at[link.role] for link in links), dtype=np.int8, count=len(links)),
        confidence=np.fromiter((link.confidence for link in links), dtype=np.float64, count=len(links)),
        shared=pack_masks(per_paper),
        evidence=evidence.__getitem__,
        paper_at=p_at,
        entity_at=e_at,
    )


def distinct(indices: np.ndarray, size: int) -> np.ndarray:
    """The distinct values of an index array, ascending (np.unique imports numpy.ma: 10 ms of a `kg query`)."""
    return np.flatnonzero(np.bincount(indices, minlength=size))


def group_starts(*keys: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal consecutive key tuples (rows already sorted by the keys)."""
    n = len(keys[0])
    if not n:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def anchor_columns_of(
    columns: Mapping[str, Sequence[Any]],
    fetch: Callable[[Sequence[tuple[str, str, str]]], dict[tuple[str, str, str], tuple[str, ...]]],
) -> AnchorColumns:
    """AnchorColumns from flat per-link lists "paper", "entity", "type", "role" (0: none), "confidence",
    "anchor", "shares", in any order; `fetch` reads the evidence of (paper, entity, type) keys when the
    ranking asks for it (it reads only the shown entities' rows)."""
    paper_ids = sorted(set(columns["paper"]))
    entity_ids = sorted(set(columns["entity"]))
    role_of = [None if r == 0 else r for r in columns["role"]]
    roles = sorted(set(role_of), key=lambda r: (r is not None, r or ""))
    p_at = {p: i for i, p in enumerate(paper_ids)}
    e_at = {e: i for i, e in enumerate(entity_ids)}
    r_at = {r: i for i, r in enumerate(roles)}
    t_at = {t: i for i, t in enumerate(TYPES)}
    paper = np.array([p_at[p] for p in columns["paper"]], dtype=np.int32)
    entity = np.array([e_at[e] for e in columns["entity"]], dtype=np.int32)
    kind = np.array([t_at[t] for t in columns["type"]], dtype=np.int8)
    order = np.lexsort((kind, entity, paper))  # rows by (paper id, entity id, type), as the link table's
    paper, entity, kind = paper[order], entity[order], kind[order]
    cache: dict[int, tuple[str, ...]] = {}

    def key(i: int) -> tuple[str, str, str]:
        return paper_ids[paper[i]], entity_ids[entity[i]], TYPES[kind[i]]

    def preload(rows: Sequence[int]) -> None:
        missing = [i for i in dict.fromkeys(rows) if i not in cache]
        if missing:
            found = fetch([key(i) for i in missing])
            cache.update({i: found.get(key(i), ()) for i in missing})

    def evidence(i: int) -> tuple[str, ...]:
        preload([i])
        return cache[i]

    return AnchorColumns(
        paper_ids=paper_ids,
        entity_ids=entity_ids,
        roles=roles,
        paper=paper,
        entity=entity,
        type=kind,
        role=np.array([r_at[r] for r in role_of], dtype=np.int8)[order],
        confidence=np.array(columns["confidence"], dtype=np.float64).reshape(-1)[order],
        anchor=np.array(columns["anchor"], dtype=bool).reshape(-1)[order],
        shares=np.array(columns["shares"], dtype=bool).reshape(-1)[order],
        evidence=evidence,
        preload=preload,
        paper_at=p_at,
        entity_at=e_at,
    )
