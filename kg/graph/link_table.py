"""Every (Paper)-[type]->(entity) link as numpy columns, stored with the graph file like the text index.

The ranking helpers (methods_for, datasets_for, tasks_for, related_papers) group every link of
thousands of papers; read as Python rows from networkx that cost up to a second a question at 100k
papers. save_graph writes this table after the text index (an "L" line with the ids and the shape,
then "K" lines of base64 arrays), loading reads it back, and the embedded backend slices it
(kg.query.columns.LinkColumns); a graph without one (made in memory, or an older file) builds it on
its first ranking question.
"""

from __future__ import annotations

import base64
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import numpy as np

from kg.graph.schema import PAPER
from kg.query.columns import TYPES, AnchorColumns, LinkColumns, group_starts, indices, shared_masks

PAYLOAD_FORMAT = "paper-kg-links-1"
CHUNK = 1 << 21  # bytes of one array per "K" line
# stored arrays: name -> dtype (paper_start and entity_start are CSR offsets; by_entity the row order by entity)
ARRAYS = {
    "paper_start": np.int64,
    "entity": np.int32,
    "type": np.int8,
    "role": np.int8,
    "confidence": np.float64,
    "shared": np.uint64,
}


class LinkTable:
    """The columns of every paper link, rows sorted by (paper id, entity id, type), with per-paper and
    per-entity row ranges."""

    def __init__(
        self, paper_ids: list[str], entity_ids: list[str], roles: list[str | None], arrays: dict[str, np.ndarray]
    ) -> None:
        self.paper_ids, self.entity_ids, self.roles = paper_ids, entity_ids, roles
        self.paper_start = arrays["paper_start"]
        self.entity, self.type, self.role = arrays["entity"], arrays["type"], arrays["role"]
        self.confidence = arrays["confidence"]
        self.shared = (
            arrays["shared"].reshape(len(self.entity), -1) if len(self.entity) else np.zeros((0, 1), np.uint64)
        )
        self.paper = np.repeat(np.arange(len(paper_ids), dtype=np.int32), np.diff(self.paper_start))
        self.by_entity = np.argsort(self.entity, kind="stable").astype(np.int32)
        self.entity_start = np.searchsorted(self.entity[self.by_entity], np.arange(len(entity_ids) + 1))
        self._codes: np.ndarray | None = None
        self._paper_at = {p: i for i, p in enumerate(paper_ids)}
        self._entity_at = {e: i for i, e in enumerate(entity_ids)}

    @classmethod
    def of_graph(cls, graph: Any) -> LinkTable:
        """The table of a networkx MultiDiGraph's paper links (streamed into typed arrays: a build holds
        the graph already, and 1.6M rows as Python tuples would add hundreds of MB to its peak)."""
        succ, nodes = graph._succ, graph._node
        wanted = set(TYPES)
        papers = sorted(n for n, a in nodes.items() if a.get("label") == PAPER and succ[n])
        linked: set[str] = set()
        role_set: set[str | None] = set()
        for paper in papers:
            for entity_id, keys in succ[paper].items():
                for key, attrs in keys.items():
                    if key in wanted:
                        linked.add(entity_id)
                        role_set.add(attrs.get("role"))
        entity_ids = sorted(linked)
        roles = sorted(role_set, key=lambda r: (r is not None, r or ""))
        e_at, r_at, t_at = ({v: i for i, v in enumerate(seq)} for seq in (entity_ids, roles, TYPES))
        starts, entity, kind, role = array("q", [0]), array("i"), array("b"), array("b")
        confidence, first_word = array("d"), array("Q")
        wider: dict[int, list[int]] = {}  # rows whose masks need more than one word (papers sharing > 64 sentences)
        for paper in papers:
            links = [
                (entity_id, key, succ[paper][entity_id][key])
                for entity_id in sorted(succ[paper])
                for key in sorted(k for k in succ[paper][entity_id] if k in wanted)
            ]
            for (entity_id, key, attrs), words in zip(
                links, shared_masks([tuple(a.get("evidence", ())) for *_, a in links]), strict=True
            ):
                if len(words) > 1:
                    wider[len(entity)] = words
                entity.append(e_at[entity_id])
                kind.append(t_at[key])
                role.append(r_at[attrs.get("role")])
                confidence.append(float(attrs.get("confidence", 0.0)))
                first_word.append(words[0])
            starts.append(len(entity))
        shared = np.zeros((len(entity), max((len(w) for w in wider.values()), default=1)), dtype=np.uint64)
        shared[:, 0] = np.frombuffer(first_word, dtype=np.uint64)
        for row, words in wider.items():
            shared[row, : len(words)] = words
        arrays: dict[str, np.ndarray] = {
            "paper_start": np.frombuffer(starts, dtype=np.int64),
            "entity": np.frombuffer(entity, dtype=np.int32),
            "type": np.frombuffer(kind, dtype=np.int8),
            "role": np.frombuffer(role, dtype=np.int8),
            "confidence": np.frombuffer(confidence, dtype=np.float64),
            "shared": shared,
        }
        return cls(papers, entity_ids, roles, arrays)

    # -- the file's L and K lines ---------------------------------------------------------------
    def payload(self) -> tuple[dict[str, Any], Iterator[str]]:
        """(header for the "L" line, base64 chunks for the "K" lines, array by array in ARRAYS order)."""
        data = self._array_bytes()
        header = {
            "format": PAYLOAD_FORMAT,
            "papers": self.paper_ids,
            "entities": self.entity_ids,
            "roles": self.roles,
            "types": list(TYPES),
            "rows": len(self.entity),
            "width": int(self.shared.shape[1]),
            "chunks": {name: -(-len(raw) // CHUNK) for name, raw in data.items()},
        }
        chunks = (
            base64.b64encode(raw[i : i + CHUNK]).decode("ascii")
            for raw in data.values()
            for i in range(0, len(raw), CHUNK)
        )
        return header, chunks

    @classmethod
    def read_payload(cls, header: dict[str, Any], chunks: Iterator[str | None]) -> LinkTable | None:
        """The table of a stored payload (header, then its chunks in order); None when it is not whole."""
        try:
            if header.get("format") != PAYLOAD_FORMAT or list(header["types"]) != list(TYPES):
                return None
            arrays = {}
            for name, dtype in ARRAYS.items():
                parts = [next(chunks) for _ in range(int(header["chunks"][name]))]
                if any(part is None for part in parts):
                    return None  # another line where a chunk belongs: the table was cut
                arrays[name] = np.frombuffer(b"".join(base64.b64decode(part) for part in parts if part), dtype=dtype)
            rows, papers = int(header["rows"]), list(header["papers"])
            whole = (
                len(arrays["paper_start"]) == len(papers) + 1
                and int(arrays["paper_start"][-1]) == rows
                and all(len(arrays[n]) == rows for n in ("entity", "type", "role", "confidence"))
                and len(arrays["shared"]) == rows * int(header["width"])
            )
            return cls(papers, list(header["entities"]), list(header["roles"]), arrays) if whole else None
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
            return None

    def plain(self) -> dict[str, Any]:
        """The table as plain values (arrays as bytes), for the graph's snapshot (kg.graph.snapshot)."""
        return {
            "papers": self.paper_ids,
            "entities": self.entity_ids,
            "roles": self.roles,
            "arrays": self._array_bytes(),
        }

    def _array_bytes(self) -> dict[str, bytes]:
        """Each array's bytes in its stored dtype (the shared masks row by row), for the file and the snapshot."""
        arrays = {
            "paper_start": self.paper_start,
            "entity": self.entity,
            "type": self.type,
            "role": self.role,
            "confidence": self.confidence,
            "shared": self.shared,
        }
        return {name: np.ascontiguousarray(arrays[name], dtype=dtype).tobytes() for name, dtype in ARRAYS.items()}

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> LinkTable:
        """The table plain() gave."""
        arrays = {name: np.frombuffer(plain["arrays"][name], dtype=dtype) for name, dtype in ARRAYS.items()}
        return cls(list(plain["papers"]), list(plain["entities"]), list(plain["roles"]), arrays)

    def fits(self, graph: Any) -> bool:
        """True when the table's papers and entities are nodes of `graph` (not another graph's table)."""
        nodes = graph._node
        return all(p in nodes for p in self.paper_ids) and all(e in nodes for e in self.entity_ids)

    # -- slices ---------------------------------------------------------------------------------
    def columns(
        self,
        graph: Any,
        types: Sequence[str],
        *,
        paper_ids: Sequence[str] | None = None,
        entity_ids: Sequence[str] | None = None,
    ) -> LinkColumns:
        """The rows of the given types leaving `paper_ids` or (else) reaching `entity_ids`, in row order."""
        if paper_ids is not None:
            at = np.sort(
                np.fromiter((i for p in set(paper_ids) if (i := self._paper_at.get(p)) is not None), dtype=np.int64)
            )
            rows = _ranges(self.paper_start[at], self.paper_start[at + 1])
        else:
            at = indices(self._entity_at, entity_ids or ())
            rows = np.sort(self.by_entity[_ranges(self.entity_start[at], self.entity_start[at + 1])])
        if set(types) != set(TYPES):
            rows = rows[np.isin(self.type[rows], [i for i, t in enumerate(TYPES) if t in types])]
        paper, entity, kind = self.paper[rows], self.entity[rows], self.type[rows]
        return LinkColumns(
            paper_ids=self.paper_ids,
            entity_ids=self.entity_ids,
            roles=self.roles,
            paper=paper,
            entity=entity,
            type=kind,
            role=self.role[rows],
            confidence=self.confidence[rows],
            shared=self.shared[rows],
            evidence=self._evidence_of(graph, paper, entity, kind),
            paper_at=self._paper_at,
            entity_at=self._entity_at,
        )

    def anchor_columns(
        self,
        graph: Any,
        anchor_ids: Collection[str],
        other_types: Sequence[str],
        *,
        anchor_roles: Sequence[str | None] | None,
        other_roles: Sequence[str | None],
        also: Collection[str] = (),
    ) -> AnchorColumns:
        """GraphAccess.anchor_columns over the table, in index space (no id of an anchor paper is looked up)."""
        family = indices(self._entity_at, anchor_ids)
        in_family = np.zeros(len(self.entity_ids), dtype=bool)
        in_family[family] = True
        anchor_role = self._role_mask(anchor_roles)
        linked = self.by_entity[_ranges(self.entity_start[family], self.entity_start[family + 1])]
        is_paper = np.zeros(len(self.paper_ids), dtype=bool)
        is_paper[self.paper[linked[anchor_role[self.role[linked]]]]] = True
        is_paper[indices(self._paper_at, also)] = True
        papers = np.flatnonzero(is_paper)
        rows = _ranges(self.paper_start[papers], self.paper_start[papers + 1])
        # one gather of a (type, role) code per row, then a lookup table per kind of row
        codes = self._type_role()[rows]
        anchor_kind = np.repeat(anchor_role[None, :], len(TYPES), axis=0).reshape(-1)
        other_kind = (np.array([t in other_types for t in TYPES])[:, None] & self._role_mask(other_roles)).reshape(-1)
        in_family_row = in_family[self.entity[rows]]
        anchor = in_family_row & anchor_kind[codes]
        keep = anchor | (~in_family_row & other_kind[codes])
        rows, anchor = rows[keep], anchor[keep]
        paper, entity, kind, shared = self.paper[rows], self.entity[rows], self.type[rows], self.shared[rows]
        # a paper's anchor links' masks, OR-ed: a link shares a sentence with one of them where its mask meets it
        anchor_mask = np.zeros((len(self.paper_ids), shared.shape[1]), dtype=np.uint64)
        at = np.flatnonzero(anchor)
        if len(at):
            starts = group_starts(paper[at])  # anchor rows are in paper order
            anchor_mask[paper[at[starts]]] = np.bitwise_or.reduceat(shared[at], starts)
        return AnchorColumns(
            paper_ids=self.paper_ids,
            entity_ids=self.entity_ids,
            roles=self.roles,
            paper=paper,
            entity=entity,
            type=kind,
            role=self.role[rows],
            confidence=self.confidence[rows],
            anchor=anchor,
            shares=~anchor & (shared & anchor_mask[paper]).any(axis=1),
            evidence=self._evidence_of(graph, paper, entity, kind),
            preload=None,  # evidence(i) reads the graph's dicts
            paper_at=self._paper_at,
            entity_at=self._entity_at,
        )

    def _type_role(self) -> np.ndarray:
        """Per row, type x len(roles) + role: one code to look both up at once (built on first use)."""
        if self._codes is None:
            self._codes = self.type.astype(np.int16) * len(self.roles) + self.role
        return self._codes

    def _role_mask(self, roles: Sequence[str | None] | None) -> np.ndarray:
        """Per role code: it is one of `roles` (None: every role)."""
        return np.array([roles is None or r in roles for r in self.roles], dtype=bool)

    def _evidence_of(
        self, graph: Any, paper: np.ndarray, entity: np.ndarray, kind: np.ndarray
    ) -> Callable[[int], tuple[str, ...]]:
        """A row's evidence sentences, read from the graph's edge (the table holds no text)."""
        succ, papers, entities = graph._succ, self.paper_ids, self.entity_ids

        def evidence(i: int) -> tuple[str, ...]:
            attrs = succ[papers[paper[i]]][entities[entity[i]]][TYPES[kind[i]]]
            return tuple(attrs.get("evidence", ()))

        return evidence


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenated ranges [start, end) as one index array."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total)
