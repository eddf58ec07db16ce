"""GraphAccess over the in-memory networkx graph (the embedded backend).

It reads networkx's own dicts of the graph (node -> attrs, node -> neighbour -> key -> attrs), as
networkx's algorithms do: the public views wrap every neighbour in an object, which was most of a
query's time, and a graph read from its snapshot (kg.graph.snapshot.GraphDicts) is only those dicts.
"""

from __future__ import annotations

import difflib
import heapq
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from kg.graph.counts import graph_stats, stored_stats
from kg.graph.schema import ENTITY_NODE_LABELS, PAPER, RELATIONSHIP_TYPES
from kg.graph.store import Stored
from kg.query.access import EntityLink, EntityRow, Family, FamilyMember, PaperLink, PaperRow, stored_top

if TYPE_CHECKING:
    import networkx as nx

    from kg.graph.link_table import LinkTable
    from kg.graph.snapshot import GraphDicts
    from kg.graph.text_index import TermIndex
    from kg.query.columns import AnchorColumns, LinkColumns

ENTITY_LABELS = frozenset(ENTITY_NODE_LABELS.values())


def _entity_row(node_id: str, attrs: dict) -> EntityRow:
    return EntityRow(
        id=node_id,
        label=attrs["label"],
        name=attrs.get("name", node_id),
        aliases=tuple(attrs.get("aliases", ())),
        paper_count=int(attrs.get("paper_count", 0)),
        confidence=float(attrs.get("confidence", 1.0)),
    )


_LINK_ORDER = attrgetter("paper_id", "entity_id", "type")


def _paper_links(edges: Iterable[tuple[str, str, str, dict]]) -> list[PaperLink]:
    """PaperLink rows for (paper, entity, type, attrs) edges, sorted."""
    rows = [
        PaperLink(
            paper, entity, key, tuple(attrs.get("evidence", ())), float(attrs.get("confidence", 0.0)), attrs.get("role")
        )
        for paper, entity, key, attrs in edges
    ]
    return sorted(rows, key=_LINK_ORDER)


class NetworkxAccess:
    """Answers the GraphAccess primitives from a MultiDiGraph (or its dicts), with an alias-key index built once."""

    def __init__(self, graph: nx.MultiDiGraph | GraphDicts, stored: Stored | None = None) -> None:
        self.graph = graph
        self._stored = stored or Stored()  # counts and text index the graph file holds
        self._by_key: dict[str, list[str]] = defaultdict(list)
        # IS_A children per parent: walking a frequent parent's in-edges would read all its paper links.
        self._children: dict[str, list[str]] = defaultdict(list)
        self._terms: TermIndex | None = None  # kg.graph.text_index
        self._links: LinkTable | None = None  # kg.graph.link_table
        self._by_label: dict[str, list[str]] = defaultdict(list)  # entity ids per label (stats' top lists)
        self._into: dict[str, dict[str, list[str]]] = {}  # per entity-entity type: target -> sources
        for node_id, attrs in graph._node.items():
            if attrs.get("label") in ENTITY_LABELS:
                self._by_label[attrs["label"]].append(node_id)
                for key in attrs.get("keys", ()):
                    self._by_key[key].append(node_id)
                for parent, keydict in graph._succ[node_id].items():
                    if "IS_A" in keydict:
                        self._children[parent].append(node_id)

    def match_entities(self, key: str, labels: Sequence[str]) -> list[EntityRow]:
        """Entities of the given labels having `key` among their alias keys."""
        nodes = self.graph._node
        return sorted(
            (_entity_row(n, nodes[n]) for n in self._by_key.get(key, ()) if nodes[n]["label"] in labels),
            key=lambda row: row.id,
        )

    def _descendants(self, entity_ids: Collection[str]) -> dict[str, int]:
        """The entities plus everything that IS_A them, with the shortest IS_A depth."""
        depth = {e: 0 for e in entity_ids if e in self.graph._node}
        frontier = sorted(depth)
        level = 0
        while frontier:
            level += 1
            nxt = []
            for node in frontier:
                for child in self._children.get(node, ()):
                    if child not in depth:
                        depth[child] = level
                        nxt.append(child)
            frontier = sorted(nxt)
        return depth

    def paper_links(self, entity_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Paper edges of the given types pointing at any of the entities."""
        pred, wanted = self.graph._pred, set(types)
        edges = (
            (paper, entity, key, attrs)
            for entity in entity_ids
            if entity in pred
            for paper, keydict in pred[entity].items()
            for key, attrs in keydict.items()
            if key in wanted
        )
        return _paper_links(edges)

    def family(self, key: str, labels: Sequence[str]) -> Family:
        """match_entities(key, labels) plus their IS_A descendants."""
        matched = self.match_entities(key, labels)
        nodes = self.graph._node
        members = {}
        for entity, depth in self._descendants([row.id for row in matched]).items():
            attrs = nodes[entity]
            count = int(attrs.get("paper_count", 0))
            members[entity] = FamilyMember(
                entity,
                depth,
                attrs.get("name", entity),
                count,
                stored_top(attrs.get("top_papers"), count),
                tuple(attrs.get("top_conf", ())),
                attrs.get("source"),
            )
        return Family(tuple(matched), members)

    def families(self, keys: Sequence[str], labels: Sequence[str]) -> dict[str, Family]:
        """family(key, labels) for many keys (keys matching nothing are absent)."""
        found = {k: self.family(k, labels) for k in dict.fromkeys(keys)}
        return {k: f for k, f in found.items() if f.matched}

    def paper_links_of(
        self, paper_ids: Collection[str], types: Sequence[str], *, to: Collection[str] | None = None
    ) -> list[PaperLink]:
        """Edges of the given types leaving any of the papers (only those reaching `to`, when given)."""
        succ, wanted = self.graph._succ, set(types)
        targets = None if to is None else set(to)
        edges = (
            (paper, entity, key, attrs)
            for paper in paper_ids
            if paper in succ
            for entity, keydict in succ[paper].items()
            if targets is None or entity in targets
            for key, attrs in keydict.items()
            if key in wanted
        )
        return _paper_links(edges)

    def entity_links(
        self, rel_type: str, *, sources: Collection[str] | None = None, targets: Collection[str] | None = None
    ) -> list[EntityLink]:
        """Aggregated entity edges of one type, filtered by source and/or target ids."""
        # the adjacency dicts, read for the one type: a task's in-edges are mostly its papers' links
        succ, pred = self.graph._succ, self.graph._pred
        if sources is not None:
            edges = (
                (s, t, rel_type, keys[rel_type])
                for s in sources
                if s in succ
                for t, keys in succ[s].items()
                if rel_type in keys
            )
        elif targets is not None and PAPER not in (pair[0] for pair in RELATIONSHIP_TYPES.get(rel_type, ())):
            into = self._entity_sources(rel_type)
            edges = ((s, t, rel_type, succ[s][t][rel_type]) for t in targets for s in into.get(t, ()))
        elif targets is not None:
            edges = (
                (s, t, rel_type, keys[rel_type])
                for t in targets
                if t in pred
                for s, keys in pred[t].items()
                if rel_type in keys
            )
        else:
            edges = ((s, t, k, a) for s, nbrs in succ.items() for t, keys in nbrs.items() for k, a in keys.items())
        target_set = set(targets) if targets is not None else None
        rows = [
            EntityLink(
                u,
                v,
                key,
                tuple(a.get("papers", ())),
                int(a.get("count", 0)),
                tuple(a.get("evidence", ())),
                float(a.get("confidence", a.get("weight", 0.0))),
            )
            for u, v, key, a in edges
            if key == rel_type and (target_set is None or v in target_set)
        ]
        return sorted(rows, key=lambda r: (r.source, r.target))

    def _entity_sources(self, rel_type: str) -> dict[str, list[str]]:
        """Target -> sources of the `rel_type` edges between entities, built on first use: a task's
        in-edges are mostly its papers' links (tens of thousands for a broad task)."""
        into = self._into.get(rel_type)
        if into is None:
            into = self._into[rel_type] = defaultdict(list)
            succ = self.graph._succ
            for ids in self._by_label.values():
                for source in ids:
                    for target, keys in succ[source].items():
                        if rel_type in keys:
                            into[target].append(source)
        return into

    def link_columns(
        self,
        types: Sequence[str],
        *,
        paper_ids: Collection[str] | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> LinkColumns:
        """Links of the given types leaving `paper_ids` or (else) reaching `entity_ids`, as columns."""
        return self._link_table().columns(
            self.graph,
            types,
            paper_ids=None if paper_ids is None else list(paper_ids),
            entity_ids=None if entity_ids is None else list(entity_ids),
        )

    def anchor_columns(
        self,
        anchor_ids: Collection[str],
        other_types: Sequence[str],
        *,
        anchor_roles: Sequence[str | None] | None,
        other_roles: Sequence[str | None],
        also: Collection[str] = (),
    ) -> AnchorColumns:
        """The anchor papers' links a ranking reads, as columns (GraphAccess.anchor_columns)."""
        return self._link_table().anchor_columns(
            self.graph, anchor_ids, other_types, anchor_roles=anchor_roles, other_roles=other_roles, also=also
        )

    def _link_table(self) -> LinkTable:
        # Stored at save and read with the graph; built from the graph only for one without (in memory, older file).
        if self._links is None:
            from kg.graph.link_table import LinkTable

            stored = self._stored.link_table
            self._links = stored if stored is not None and stored.fits(self.graph) else LinkTable.of_graph(self.graph)
        return self._links

    def papers(self, paper_ids: Collection[str]) -> dict[str, PaperRow]:
        """Paper rows by id."""
        nodes = self.graph._node
        return {
            p: PaperRow(p, nodes[p].get("title", ""), nodes[p].get("year"))
            for p in paper_ids
            if p in nodes and nodes[p].get("label") == PAPER
        }

    def entities(self, entity_ids: Collection[str]) -> dict[str, EntityRow]:
        """Entity rows by id."""
        nodes = self.graph._node
        return {
            e: _entity_row(e, attrs)
            for e in entity_ids
            if (attrs := nodes.get(e)) is not None and attrs.get("label") in ENTITY_LABELS
        }

    def _term_index(self) -> TermIndex:
        # Restored from the graph file (stored at save) on the first text question; built from the
        # papers' terms only for a graph without a stored index (made in memory, or an older file).
        if self._terms is None:
            from kg.graph.text_index import TermIndex, paper_nodes  # numpy: only for text questions

            if self._stored.term_index is not None:
                self._terms = TermIndex.from_payload(self._stored.term_index, paper_nodes(self.graph))
            if self._terms is None:
                self._terms = TermIndex.of_graph(self.graph)
        return self._terms

    def text_search(
        self,
        groups: Sequence[Sequence[Collection[str]]],
        within: Collection[str] | None = None,
        also: Sequence[Sequence[Collection[str]]] | None = None,
    ) -> set[str]:
        """Papers whose title + abstract hold, for every element of one group, one of its patterns (and
        likewise for one of the `also` groups, when given)."""
        return self._term_index().search(groups, within, also)

    def paper_texts(self, paper_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """(title, abstract) by paper id; None: every paper."""
        nodes = self.graph._node
        ids = paper_ids if paper_ids is not None else (n for n, attrs in nodes.items() if attrs.get("label") == PAPER)
        return {
            p: (nodes[p].get("title", ""), nodes[p].get("abstract", ""))
            for p in ids
            if p in nodes and nodes[p].get("label") == PAPER
        }

    def paper_sentences(self, paper_ids: Collection[str]) -> dict[str, tuple[str, str, str | None]]:
        """(title, abstract, stored `sentences` or None) by paper id."""
        nodes = self.graph._node
        return {
            p: (nodes[p].get("title", ""), nodes[p].get("abstract", ""), nodes[p].get("sentences"))
            for p in paper_ids
            if p in nodes and nodes[p].get("label") == PAPER
        }

    def similar_keys(self, key: str, limit: int = 5) -> list[str]:
        """Entity keys spelled closest to `key`."""
        return difflib.get_close_matches(key, list(self._by_key), n=limit, cutoff=0.75)

    def citations(self, paper_id: str) -> tuple[list[str], list[str]]:
        """(papers it cites, papers citing it)."""
        if paper_id not in self.graph._node:
            return [], []
        cites = sorted(v for v, keys in self.graph._succ[paper_id].items() for k in keys if k == "CITES")
        cited_by = sorted(u for u, keys in self.graph._pred[paper_id].items() for k in keys if k == "CITES")
        return cites, cited_by

    def top_entities(self, label: str, limit: int, min_confidence: float) -> tuple[int, list[EntityRow]]:
        """(entities of the label at or above min_confidence, the `limit` with most papers among them)."""
        nodes = self.graph._node
        offered = [
            (-int(attrs.get("paper_count", 0)), node)
            for node in self._by_label.get(label, ())
            if float((attrs := nodes[node]).get("confidence", 1.0)) >= min_confidence
            and attrs.get("paper_count", 0) > 0
        ]
        # rows only for the entities shown
        return len(offered), [_entity_row(node, nodes[node]) for _, node in heapq.nsmallest(limit, offered)]

    def stats(self) -> dict:
        """Counts of nodes per label, edges per type, and extraction coverage (stored with the file when loaded)."""
        return stored_stats(self._stored.stats, self.graph) or graph_stats(self.graph)
