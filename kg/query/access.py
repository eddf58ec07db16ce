"""The graph primitives every query helper is built from; each backend implements them once.

The row classes are read-only by convention, not frozen: a frozen dataclass sets each field through
object.__setattr__, which made building a row 7x slower, and a broad question builds hundreds of
thousands of them. unsafe_hash keeps them usable as set members and keys as before.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kg.query.columns import AnchorColumns, LinkColumns


@dataclass(slots=True, unsafe_hash=True)
class EntityRow:
    """An entity node's properties."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...]
    paper_count: int
    # corpus-level belief that it is a real entity (1.0 when linked to the vocabulary; kg.vocab.link)
    confidence: float = 1.0


@dataclass(slots=True, unsafe_hash=True)
class PaperRow:
    """The paper properties answers show."""

    id: str
    title: str
    year: int | None


@dataclass(slots=True, unsafe_hash=True)
class PaperLink:
    """One (Paper)-[type]->(entity) edge."""

    paper_id: str
    entity_id: str
    type: str
    evidence: tuple[str, ...]
    confidence: float
    role: str | None = None  # proposes, own use, baseline, background (kg.graph.roles); None: built before roles


@dataclass(slots=True, unsafe_hash=True)
class EntityLink:
    """One (entity)-[USED_FOR|EVALUATED_ON|BENCHMARK_FOR|MEASURES]->(entity) edge (knowledge: weight as confidence)."""

    source: str
    target: str
    type: str
    papers: tuple[str, ...]
    count: int
    evidence: tuple[str, ...]
    confidence: float


@dataclass(slots=True, unsafe_hash=True)
class FamilyMember:
    """One entity of a name's IS_A family, with what ranking needs of it."""

    id: str
    depth: int  # IS_A steps from the nearest entity the name matched
    name: str
    paper_count: int
    top_papers: tuple[str, ...] | None  # stored strongest papers, best first (None: not stored)
    top_conf: tuple[float, ...]
    source: str | None = None  # "vocabulary" or "corpus" (None: a graph built before linking)


def stored_top(top: Sequence[str] | None, paper_count: int) -> tuple[str, ...] | None:
    """An entity's top-paper list as both backends report it.

    Neo4j drops empty list properties, so an empty list reads as absent there; an entity without
    papers (an IS_A parent such as "DETR") has nothing to list, anything else without one is a graph
    built before the lists existed (None: rank by a full scan).
    """
    if top:
        return tuple(top)
    return () if paper_count == 0 else None


@dataclass(frozen=True, slots=True)
class Family:
    """The entities a name matches plus everything that IS_A them."""

    matched: tuple[EntityRow, ...]
    members: dict[str, FamilyMember]

    @property
    def depth(self) -> dict[str, int]:
        """Entity id -> IS_A depth."""
        return {e: m.depth for e, m in self.members.items()}


class GraphAccess(Protocol):
    """Read primitives over the stored graph; rows come back sorted deterministically."""

    def match_entities(self, key: str, labels: Sequence[str]) -> list[EntityRow]:
        """Entities of the given labels having `key` (a name_key) among their alias keys."""
        ...

    def paper_links(self, entity_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Paper edges of the given types pointing at any of the entities."""
        ...

    def family(self, key: str, labels: Sequence[str]) -> Family:
        """match_entities(key, labels) plus their IS_A descendants, in one call (one round trip on Neo4j)."""
        ...

    def families(self, keys: Sequence[str], labels: Sequence[str]) -> dict[str, Family]:
        """family(key, labels) for many keys at once; keys matching nothing may be absent."""
        ...

    def paper_links_of(
        self, paper_ids: Collection[str], types: Sequence[str], *, to: Collection[str] | None = None
    ) -> list[PaperLink]:
        """Edges of the given types leaving any of the papers (only those reaching `to`, when given)."""
        ...

    def entity_links(
        self, rel_type: str, *, sources: Collection[str] | None = None, targets: Collection[str] | None = None
    ) -> list[EntityLink]:
        """Aggregated entity edges of one type, filtered by source and/or target ids."""
        ...

    def link_columns(
        self,
        types: Sequence[str],
        *,
        paper_ids: Collection[str] | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> LinkColumns:
        """Paper edges of the given types leaving `paper_ids` or (else) reaching `entity_ids`, as columns
        (kg.query.columns: the rankings group thousands of papers' links as arrays)."""
        ...

    def anchor_columns(
        self,
        anchor_ids: Collection[str],
        other_types: Sequence[str],
        *,
        anchor_roles: Sequence[str | None] | None,
        other_roles: Sequence[str | None],
        also: Collection[str] = (),
    ) -> AnchorColumns:
        """The links of the papers linking to `anchor_ids` (by a link whose role is in anchor_roles, unless
        None) or listed in `also`, as columns (kg.query.columns.AnchorColumns): their anchor links (those
        links, of any paper-entity type) and their links of `other_types` with a role in other_roles to
        entities not in anchor_ids, each marked when it shares an evidence sentence with an anchor link of
        its paper. What the rankings read of a broad anchor's papers, reduced where the links are stored."""
        ...

    def papers(self, paper_ids: Collection[str]) -> dict[str, PaperRow]:
        """Paper rows by id (unknown ids are absent)."""
        ...

    def entities(self, entity_ids: Collection[str]) -> dict[str, EntityRow]:
        """Entity rows by id (unknown ids are absent)."""
        ...

    def text_search(
        self,
        groups: Sequence[Sequence[Collection[str]]],
        within: Collection[str] | None = None,
        also: Sequence[Sequence[Collection[str]]] | None = None,
    ) -> set[str]:
        """Papers (among `within`, when given) whose title + abstract hold, for every element of at least
        one group, one of the element's patterns (a term of kg.resolve.terms.index_terms, or a prefix
        "abc*"); with `also`, they must match one of those groups too (one round trip for X and Y)."""
        ...

    def paper_texts(self, paper_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """(title, abstract) by paper id; None: every paper."""
        ...

    def paper_sentences(self, paper_ids: Collection[str]) -> dict[str, tuple[str, str, str | None]]:
        """(title, abstract, stored `sentences` or None) by paper id (kg.graph.sentences)."""
        ...

    def similar_keys(self, key: str, limit: int = 5) -> list[str]:
        """Entity keys spelled closest to `key` (for did-you-mean)."""
        ...

    def citations(self, paper_id: str) -> tuple[list[str], list[str]]:
        """(papers it cites, papers citing it), each sorted."""
        ...

    def stats(self) -> dict:
        """Counts of nodes per label and edges per type, and coverage shares."""
        ...

    def top_entities(self, label: str, limit: int, min_confidence: float) -> tuple[int, list[EntityRow]]:
        """(entities of the label at or above min_confidence, the `limit` with most papers among them)."""
        ...
