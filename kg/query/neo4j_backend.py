"""GraphAccess over a Neo4j database loaded by kg.neo4j.loader; same rows, same order as NetworkxAccess.

Every query is parameterised. Labels and relationship types are spliced into Cypher only after
kg.graph.schema.check_label / check_relationship_type accepted them; user text (names, ids) only ever
travels as parameters. Rows are sorted in Python with the embedded backend's keys so both backends
order strings identically (Cypher and Python collate non-ASCII text differently).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import neo4j

from kg.graph.schema import AUTHOR, ENTITY_NODE_LABELS, PAPER, RELATIONSHIP_TYPES, check_label, check_relationship_type
from kg.neo4j.schema import KEY_INDEX, MAX_TERM_BYTES, QUIET_SESSION, lucene_term
from kg.query.access import EntityLink, EntityRow, PaperLink, PaperRow

ENTITY_LABELS: tuple[str, ...] = tuple(ENTITY_NODE_LABELS.values())
ALL_LABELS: tuple[str, ...] = (PAPER, *ENTITY_LABELS, AUTHOR)
STAT_LABELS: tuple[str, ...] = (PAPER, *ENTITY_LABELS, AUTHOR)


def _sendable(text: object) -> bool:
    """True for strings Bolt can carry; a lone surrogate cannot be stored, so it can match nothing."""
    try:
        str(text).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ids(values: Iterable[str]) -> list[str]:
    return [v for v in values if isinstance(v, str) and _sendable(v)]


def _labels_of(rel_types: Iterable[str], end: int) -> tuple[str, ...]:
    """Source (end=0) or target (end=1) labels the whitelist allows for these types, in schema order."""
    wanted = {pair[end] for t in rel_types for pair in RELATIONSHIP_TYPES[check_relationship_type(t)]}
    return tuple(label for label in ALL_LABELS if label in wanted)


def _rel_union(rel_types: Iterable[str]) -> str:
    return "|".join(check_relationship_type(t) for t in rel_types)


def _node_by_id(var: str, labels: Sequence[str], id_expr: str = "id") -> str:
    """Cypher binding `var` to the node with id `id_expr` among `labels`."""
    # 5.26 plans a label disjunction with an id predicate as a union of unique-index seeks.
    return f"MATCH ({var}:{'|'.join(check_label(label) for label in labels)} {{id: {id_expr}}})"


def _paper_link(record: neo4j.Record) -> PaperLink:
    return PaperLink(
        record["source"], record["target"], record["type"],
        tuple(record["evidence"] or ()), float(record["confidence"] or 0.0),
    )


def _entity_row(record: neo4j.Record) -> EntityRow:
    return EntityRow(
        id=record["id"],
        label=record["label"],
        name=record["name"] if record["name"] is not None else record["id"],
        aliases=tuple(record["aliases"] or ()),
        paper_count=int(record["paper_count"] or 0),
    )


ENTITY_FIELDS = (
    "n.id AS id, [l IN labels(n) WHERE l IN $entity_labels][0] AS label, n.name AS name, "
    "n.aliases AS aliases, n.paper_count AS paper_count"
)
LINK_FIELDS = "type(r) AS type, r.evidence AS evidence, r.confidence AS confidence"


class Neo4jAccess:
    """Answers the GraphAccess primitives with parameterised Cypher against one database."""

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        # A session rather than driver.execute_query only to switch off expected notifications.
        with self.driver.session(database=self.database, **QUIET_SESSION) as session:
            return session.execute_read(lambda tx: list(tx.run(query, params)))

    def match_entities(self, key: str, labels: Sequence[str]) -> list[EntityRow]:
        """Entities of the given labels having `key` among their alias keys (full-text keyword lookup)."""
        wanted = [label for label in labels if label in ENTITY_LABELS]
        if not key or not wanted or not _sendable(key) or len(key.encode("utf-8")) > MAX_TERM_BYTES:
            return []
        records = self._read(
            f"CALL db.index.fulltext.queryNodes($index, $term) YIELD node AS n "
            f"WHERE $key IN n.keys AND any(l IN labels(n) WHERE l IN $labels) "
            f"RETURN {ENTITY_FIELDS}",
            index=KEY_INDEX, term=lucene_term(key), key=key, labels=wanted, entity_labels=wanted,
        )
        return sorted((_entity_row(r) for r in records), key=lambda row: row.id)

    def descendants(self, entity_ids: Collection[str]) -> dict[str, int]:
        """The entities plus everything that IS_A them, with the shortest IS_A depth."""
        ids = sorted(set(_ids(entity_ids)))
        if not ids:
            return {}
        records = self._read(
            f"UNWIND $ids AS id {_node_by_id('e', ALL_LABELS)} "
            "MATCH p = ANY SHORTEST (sub)-[:IS_A]->*(e) "
            "RETURN sub.id AS id, min(length(p)) AS depth",
            ids=ids,
        )
        return {r["id"]: int(r["depth"]) for r in sorted(records, key=lambda r: (r["depth"], r["id"]))}

    def paper_links(self, entity_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Paper edges of the given types pointing at any of the entities."""
        types = [t for t in dict.fromkeys(types) if t in RELATIONSHIP_TYPES]
        ids = _ids(entity_ids)
        if not types or not ids:
            return []
        records = self._read(
            f"UNWIND $ids AS id {_node_by_id('e', _labels_of(types, 1))} "
            f"MATCH (p)-[r:{_rel_union(types)}]->(e) "
            f"RETURN p.id AS source, e.id AS target, {LINK_FIELDS}",
            ids=ids,
        )
        return sorted((_paper_link(r) for r in records), key=lambda l: (l.paper_id, l.entity_id, l.type))

    def paper_links_of(self, paper_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Edges of the given types leaving any of the papers."""
        types = [t for t in dict.fromkeys(types) if t in RELATIONSHIP_TYPES]
        ids = _ids(paper_ids)
        if not types or not ids:
            return []
        records = self._read(
            f"UNWIND $ids AS id {_node_by_id('p', _labels_of(types, 0))} "
            f"MATCH (p)-[r:{_rel_union(types)}]->(e) "
            f"RETURN p.id AS source, e.id AS target, {LINK_FIELDS}",
            ids=ids,
        )
        return sorted((_paper_link(r) for r in records), key=lambda l: (l.paper_id, l.entity_id, l.type))

    def entity_links(
        self, rel_type: str, *, sources: Collection[str] | None = None, targets: Collection[str] | None = None
    ) -> list[EntityLink]:
        """Aggregated entity edges of one type, filtered by source and/or target ids."""
        if rel_type not in RELATIONSHIP_TYPES:
            return []
        rel = check_relationship_type(rel_type)
        fields = (
            "a.id AS source, b.id AS target, r.papers AS papers, r.count AS count, "
            "r.evidence AS evidence, r.confidence AS confidence"
        )
        if sources is not None:
            ids = _ids(sources)
            query = f"UNWIND $ids AS id {_node_by_id('a', _labels_of([rel], 0))} MATCH (a)-[r:{rel}]->(b) RETURN {fields}"
        elif targets is not None:
            ids = _ids(targets)
            query = f"UNWIND $ids AS id {_node_by_id('b', _labels_of([rel], 1))} MATCH (a)-[r:{rel}]->(b) RETURN {fields}"
        else:
            ids = []
            query = f"MATCH (a)-[r:{rel}]->(b) RETURN {fields}"
        if (sources is not None or targets is not None) and not ids:
            return []
        target_set = set(targets) if targets is not None else None
        rows = [
            EntityLink(
                r["source"], r["target"], rel, tuple(r["papers"] or ()), int(r["count"] or 0),
                tuple(r["evidence"] or ()), float(r["confidence"] or 0.0),
            )
            for r in self._read(query, ids=ids)
            if target_set is None or r["target"] in target_set
        ]
        return sorted(rows, key=lambda l: (l.source, l.target))

    def papers(self, paper_ids: Collection[str]) -> dict[str, PaperRow]:
        """Paper rows by id (unknown ids are absent)."""
        ids = list(dict.fromkeys(_ids(paper_ids)))
        if not ids:
            return {}
        records = self._read(
            "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN p.id AS id, p.title AS title, p.year AS year",
            ids=ids,
        )
        found = {r["id"]: PaperRow(r["id"], r["title"] if r["title"] is not None else "", r["year"]) for r in records}
        return {p: found[p] for p in ids if p in found}

    def entities(self, entity_ids: Collection[str]) -> dict[str, EntityRow]:
        """Entity rows by id (unknown ids are absent)."""
        ids = list(dict.fromkeys(_ids(entity_ids)))
        if not ids:
            return {}
        records = self._read(
            f"UNWIND $ids AS id {_node_by_id('n', ENTITY_LABELS)} RETURN {ENTITY_FIELDS}",
            ids=ids, entity_labels=list(ENTITY_LABELS),
        )
        found = {r["id"]: _entity_row(r) for r in records}
        return {e: found[e] for e in ids if e in found}

    def citations(self, paper_id: str) -> tuple[list[str], list[str]]:
        """(papers it cites, papers citing it), each sorted."""
        if not _sendable(paper_id):
            return [], []
        records = self._read(
            "MATCH (p:Paper {id: $id}) "
            "RETURN [(p)-[:CITES]->(q) | q.id] AS cites, [(q)-[:CITES]->(p) | q.id] AS cited_by",
            id=paper_id,
        )
        if not records:
            return [], []
        return sorted(records[0]["cites"]), sorted(records[0]["cited_by"])

    def stats(self) -> dict:
        """Counts of nodes per label, edges per type, and extraction coverage."""
        node_counts = ", ".join(f"COUNT {{ (:{check_label(l)}) }} AS `{l}`" for l in STAT_LABELS)
        rel_counts = ", ".join(
            f"COUNT {{ ()-[:{check_relationship_type(t)}]->() }} AS `{t}`" for t in RELATIONSHIP_TYPES
        )
        counts = self._read(f"RETURN {node_counts}, {rel_counts}")[0]
        # Every typed edge leaving a paper except citations, as the embedded backend counts them.
        extracted = _rel_union(t for t in RELATIONSHIP_TYPES if t != "CITES" and PAPER in _labels_of([t], 0))
        coverage = self._read(
            "MATCH (p:Paper) WHERE p.abstract IS NOT NULL AND p.abstract <> '' "
            "RETURN count(p) AS with_abstract, "
            f"count(CASE WHEN EXISTS {{ (p)-[:{extracted}]->(:Method) }} "
            f"AND EXISTS {{ (p)-[:{extracted}]->(:Task) }} THEN 1 END) AS with_method_and_task"
        )[0]
        return {
            "nodes": {label: int(counts[label]) for label in STAT_LABELS},
            "relationships": {t: int(counts[t]) for t in RELATIONSHIP_TYPES},
            "papers_with_abstract": int(coverage["with_abstract"]),
            "papers_with_method_and_task": int(coverage["with_method_and_task"]),
        }
