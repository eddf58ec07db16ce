"""Resolution as a map/reduce over name keys, for corpora no single process holds.

Each step reads one partition of extraction records at a time (from a spool on disk) and returns a
table keyed by names or entities; the tables add up across partitions. Three passes:

    1. names      collect(partition).names()            -> NameTable        (merge: add)
    2. abbrevs    partition_definitions(..., canon)     -> DefinitionCounts (merge: add)
    3. votes      assign + entity_votes per partition   -> EntityVotes      (merge: add)

The decisions between the passes (canonical_nodes, decide, entities_from_votes, is_a_edges) are
kg.resolve.merge's own, so the result is the one resolve() gives for the whole corpus at once.
Memory holds the tables (sized by the distinct names of the corpus), never the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kg.models import Entity, PaperExtraction
from kg.resolve.abbreviations import DefinitionCounts, add_definition_counts
from kg.resolve.hierarchy import is_a_edges
from kg.resolve.merge import (
    EntityVotes,
    Merge,
    NameTable,
    assign,
    canonical_nodes,
    collect,
    dataset_cued,
    decide,
    entities_from_votes,
    entity_votes,
    partition_definitions,
    with_redirects,
)

Partitions = Callable[[], Iterable[Sequence[PaperExtraction]]]  # a fresh pass over the partitions each call


@dataclass
class PartitionedResolution:
    """The corpus-wide decisions and entities; mention entities are assigned per partition on demand."""

    merge: Merge
    entities: dict[str, Entity]
    is_a: list[tuple[str, str]]

    def assign(self, extractions: Sequence[PaperExtraction]) -> dict[str, list[str]]:
        """The entity of every mention of one partition's papers (what Resolution.mention_entities holds)."""
        corpus = collect(extractions)
        mention_entities, _, _ = assign(extractions, corpus, with_redirects(self.merge, corpus))
        return mention_entities


def name_table(partitions: Partitions) -> NameTable:
    """Pass 1: name counts and suffix evidence of the whole corpus."""
    names = NameTable()
    for part in partitions():
        names.update(collect(part).names())
    return names


def definitions_table(partitions: Partitions, canon: dict) -> DefinitionCounts:
    """Pass 2: papers per (abbreviation, long form) in canonical keys."""
    counts: DefinitionCounts = {}
    for part in partitions():
        add_definition_counts(counts, partition_definitions(collect(part), canon))
    return counts


def votes_table(partitions: Partitions, merge: Merge) -> EntityVotes:
    """Pass 3: papers, surfaces and definition bonuses per entity."""
    votes = EntityVotes()
    for part in partitions():
        corpus = collect(part)
        local = with_redirects(merge, corpus)
        mention_entities, papers, occurrences = assign(part, corpus, local)
        votes.update(entity_votes(papers, occurrences, corpus, local, dataset_cued(part, mention_entities)))
    return votes


def resolve_partitioned(partitions: Partitions) -> PartitionedResolution:
    """resolve() over a corpus read partition by partition; equal to resolve() over all of it."""
    names = name_table(partitions)
    canon = canonical_nodes(names)
    merge = decide(names, canon, definitions_table(partitions, canon))
    entities = entities_from_votes(votes_table(partitions, merge))
    return PartitionedResolution(merge, entities, is_a_edges(merge.node_entity, entities, merge.shorts))
