"""The graph primitives every query helper is built from; each backend implements them once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class EntityRow:
    """An entity node's properties."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...]
    paper_count: int


@dataclass(frozen=True, slots=True)
class PaperRow:
    """The paper properties answers show."""

    id: str
    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class PaperLink:
    """One (Paper)-[type]->(entity) edge."""

    paper_id: str
    entity_id: str
    type: str
    evidence: tuple[str, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class EntityLink:
    """One aggregated (entity)-[USED_FOR|EVALUATED_ON]->(entity) edge."""

    source: str
    target: str
    type: str
    papers: tuple[str, ...]
    count: int
    evidence: tuple[str, ...]
    confidence: float


class GraphAccess(Protocol):
    """Read primitives over the stored graph; rows come back sorted deterministically."""

    def match_entities(self, key: str, labels: Sequence[str]) -> list[EntityRow]:
        """Entities of the given labels having `key` (a name_key) among their alias keys."""
        ...

    def descendants(self, entity_ids: Collection[str]) -> dict[str, int]:
        """The entities plus everything that IS_A them (transitively), mapped to their IS_A depth."""
        ...

    def paper_links(self, entity_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Paper edges of the given types pointing at any of the entities."""
        ...

    def top_papers(self, entity_ids: Collection[str]) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
        """Each entity's stored strongest papers and their confidences, best first (absent if not stored)."""
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

    def papers(self, paper_ids: Collection[str]) -> dict[str, PaperRow]:
        """Paper rows by id (unknown ids are absent)."""
        ...

    def entities(self, entity_ids: Collection[str]) -> dict[str, EntityRow]:
        """Entity rows by id (unknown ids are absent)."""
        ...

    def citations(self, paper_id: str) -> tuple[list[str], list[str]]:
        """(papers it cites, papers citing it), each sorted."""
        ...

    def stats(self) -> dict:
        """Counts of nodes per label and edges per type, and coverage shares."""
        ...
