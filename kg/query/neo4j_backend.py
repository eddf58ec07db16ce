"""GraphAccess over a Neo4j database loaded by kg.neo4j.loader; same rows, same order as NetworkxAccess.

Every query is parameterised. Labels and relationship types are spliced into Cypher only after
kg.graph.schema.check_label / check_relationship_type accepted them; user text (names, ids) only ever
travels as parameters. Rows are sorted in Python with the embedded backend's keys so both backends
order strings identically (Cypher and Python collate non-ASCII text differently).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import neo4j

from kg.graph.counts import HAS_ABSTRACT, HAS_METHOD_AND_TASK
from kg.graph.schema import (
    AUTHOR,
    ENTITY_NODE_LABELS,
    PAPER,
    PAPER_ENTITY_TYPES,
    RELATIONSHIP_TYPES,
    check_label,
    check_relationship_type,
)
from kg.neo4j.schema import COVERAGE, KEY_INDEX, MAX_TERM_BYTES, QUIET_SESSION, TERMS_INDEX, lucene_term
from kg.query.access import EntityLink, EntityRow, Family, FamilyMember, PaperLink, PaperRow, stored_top

if TYPE_CHECKING:
    from kg.query.columns import AnchorColumns, LinkColumns

ENTITY_LABELS: tuple[str, ...] = tuple(ENTITY_NODE_LABELS.values())
ALL_LABELS: tuple[str, ...] = (PAPER, *ENTITY_LABELS, AUTHOR)
# Row shapes: each query returns ONE record holding `collect([...])` of these fields. The driver
# spends ~50 us per Record, so thousands of evidence rows as one list are several times faster.
ENTITY_FIELDS = "[n.id, [l IN labels(n) WHERE l IN $entity_labels][0], n.name, n.aliases, n.paper_count, n.confidence]"
LINK_FIELDS = "[p.id, e.id, type(r), r.evidence, r.confidence, r.role]"
ENTITY_LINK_FIELDS = "[a.id, b.id, r.papers, r.count, r.evidence, coalesce(r.confidence, r.weight)]"


def _sendable(text: object) -> bool:
    """True for strings Bolt can carry; a lone surrogate cannot be stored, so it can match nothing."""
    try:
        str(text).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _searchable_key(key: str) -> bool:
    """True for a key the keyword index can hold: non-empty, sendable, within Lucene's term limit."""
    return bool(key) and _sendable(key) and len(key.encode("utf-8")) <= MAX_TERM_BYTES


def _ids(values: Iterable[str]) -> list[str]:
    return [v for v in values if isinstance(v, str) and _sendable(v)]


def _labels_of(rel_types: Iterable[str], end: int) -> tuple[str, ...]:
    """Source (end=0) or target (end=1) labels the whitelist allows for these types, in schema order."""
    wanted = {pair[end] for t in rel_types for pair in RELATIONSHIP_TYPES[check_relationship_type(t)]}
    return tuple(label for label in ALL_LABELS if label in wanted)


def _known_types(types: Sequence[str]) -> list[str]:
    """The whitelisted types among `types`, deduplicated (others match nothing, as in the graph)."""
    return [t for t in dict.fromkeys(types) if t in RELATIONSHIP_TYPES]


def _rel_union(rel_types: Iterable[str]) -> str:
    return "|".join(check_relationship_type(t) for t in rel_types)


def _node_by_id(var: str, labels: Sequence[str], id_expr: str = "id") -> str:
    """Cypher binding `var` to the node with id `id_expr` among `labels`."""
    # 5.26 plans a label disjunction with an id predicate as a union of unique-index seeks.
    return f"MATCH ({var}:{'|'.join(check_label(label) for label in labels)} {{id: {id_expr}}})"


def _entity_row(row: list[Any]) -> EntityRow:
    node_id, label, name, aliases, paper_count, confidence = row
    return EntityRow(
        id=node_id,
        label=label,
        name=name if name is not None else node_id,
        aliases=tuple(aliases or ()),
        paper_count=int(paper_count or 0),
        confidence=float(confidence) if confidence is not None else 1.0,
    )


def _paper_link(row: list[Any]) -> PaperLink:
    paper_id, entity_id, rel_type, evidence, confidence, role = row
    return PaperLink(paper_id, entity_id, rel_type, tuple(evidence or ()), float(confidence or 0.0), role)


# Lucene caps one query at 1024 clauses in all: a broad name's many forms go in several queries.
TERM_QUERY_GROUPS = 60  # groups per full-text query (each group is a handful of clauses)


def _chunks(clauses: list[str]) -> list[list[str]]:
    return [clauses[i : i + TERM_QUERY_GROUPS] for i in range(0, len(clauses), TERM_QUERY_GROUPS)]


def _terms_clause(group: Sequence[Collection[str]]) -> str:
    """Lucene clause: every element required, one of its patterns enough."""
    return "(" + " ".join("+(" + " ".join(_lucene_pattern(t) for t in sorted(alts)) + ")" for alts in group) + ")"


def _lucene_pattern(pattern: str) -> str:
    """A quoted term, or a prefix query for "abc*" (terms hold letters and digits only, so need no escaping)."""
    if pattern.endswith("*") and pattern[:-1].isalnum():
        return pattern
    return lucene_term(pattern)


def _role_filter(var: str, name: str, roles: Sequence[str | None] | None) -> str:
    """Cypher keeping relationships `var` whose role is one of `roles` (None: any), with _role_params(name, roles)."""
    if roles is None:
        return "true"
    return f"({var}.role IN ${name}_roles OR ({var}.role IS NULL AND ${name}_null))"


def _role_params(name: str, roles: Sequence[str | None] | None) -> dict[str, Any]:
    if roles is None:
        return {}
    return {f"{name}_roles": [r for r in roles if r is not None], f"{name}_null": None in roles}


def _link_order(link: PaperLink) -> tuple[str, str, str]:
    return (link.paper_id, link.entity_id, link.type)


class Neo4jAccess:
    """Answers the GraphAccess primitives with parameterised Cypher against one database."""

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database

    def _read(self, query: str, **params: Any) -> list[neo4j.Record]:
        # A session rather than driver.execute_query only to switch off expected notifications
        # (a graph without REPORTS edges makes every query naming that type draw a warning).
        with self.driver.session(database=self.database, **QUIET_SESSION) as session:
            return session.execute_read(lambda tx: list(tx.run(query, params)))

    def _rows(self, query: str, **params: Any) -> list[Any]:
        """The `rows` list of a query ending in `RETURN collect([...]) AS rows`."""
        records = self._read(query, **params)
        return records[0]["rows"] if records else []

    def match_entities(self, key: str, labels: Sequence[str]) -> list[EntityRow]:
        """Entities of the given labels having `key` among their alias keys (full-text keyword lookup)."""
        wanted = [label for label in labels if label in ENTITY_LABELS]
        if not wanted or not _searchable_key(key):
            return []
        rows = self._rows(
            "CALL db.index.fulltext.queryNodes($index, $term) YIELD node AS n "
            "WHERE $key IN n.keys AND any(l IN labels(n) WHERE l IN $labels) "
            f"RETURN collect({ENTITY_FIELDS}) AS rows",
            index=KEY_INDEX,
            term=lucene_term(key),
            key=key,
            labels=wanted,
            entity_labels=wanted,
        )
        return sorted((_entity_row(r) for r in rows), key=lambda row: row.id)

    def paper_links(self, entity_ids: Collection[str], types: Sequence[str]) -> list[PaperLink]:
        """Paper edges of the given types pointing at any of the entities."""
        types, ids = _known_types(types), _ids(entity_ids)
        if not types or not ids:
            return []
        rows = self._rows(
            f"UNWIND $ids AS id {_node_by_id('e', _labels_of(types, 1))} "
            f"MATCH (p)-[r:{_rel_union(types)}]->(e) RETURN collect({LINK_FIELDS}) AS rows",
            ids=ids,
        )
        return sorted(map(_paper_link, rows), key=_link_order)

    def family(self, key: str, labels: Sequence[str]) -> Family:
        """match_entities(key, labels) plus their IS_A descendants, in one query."""
        return self.families([key], labels).get(key, Family((), {}))

    def families(self, keys: Sequence[str], labels: Sequence[str]) -> dict[str, Family]:
        """family(key, labels) for many keys, in one query (the name ladder asks all its keys at once)."""
        wanted = [label for label in labels if label in ENTITY_LABELS]
        pairs = [[k, lucene_term(k)] for k in dict.fromkeys(keys) if _searchable_key(k)]
        if not wanted or not pairs:
            return {}
        records = self._read(
            "UNWIND $pairs AS pair "
            "CALL (pair) { "
            "CALL db.index.fulltext.queryNodes($index, pair[1]) YIELD node AS n "
            "WITH n WHERE pair[0] IN n.keys AND any(l IN labels(n) WHERE l IN $labels) "
            "WITH collect(n) AS roots "
            "UNWIND roots AS e "
            "MATCH p = ANY SHORTEST (sub)-[:IS_A]->*(e) "
            "WITH roots, sub, min(length(p)) AS depth "
            f"RETURN [n IN roots | {ENTITY_FIELDS}] AS matched, "
            "collect([sub.id, depth, sub.name, sub.paper_count, sub.top_papers, sub.top_conf, sub.source]) AS family } "
            "RETURN pair[0] AS key, matched, family",
            index=KEY_INDEX,
            pairs=pairs,
            labels=wanted,
            entity_labels=wanted,
        )
        out = {}
        for record in records:
            matched = tuple(sorted((_entity_row(r) for r in record["matched"]), key=lambda row: row.id))
            members = {
                entity: FamilyMember(
                    entity,
                    int(depth),
                    name if name is not None else entity,
                    int(count or 0),
                    stored_top(top, int(count or 0)),
                    tuple(float(c) for c in conf or ()),
                    source,
                )
                for entity, depth, name, count, top, conf, source in sorted(
                    record["family"], key=lambda r: (r[1], r[0])
                )
            }
            out[record["key"]] = Family(matched, members)
        return out

    def paper_links_of(
        self, paper_ids: Collection[str], types: Sequence[str], *, to: Collection[str] | None = None
    ) -> list[PaperLink]:
        """Edges of the given types leaving any of the papers (only those reaching `to`, when given)."""
        types, ids = _known_types(types), _ids(paper_ids)
        if not types or not ids or (to is not None and not to):
            return []
        only = "" if to is None else "WHERE e.id IN $to "
        rows = self._rows(
            f"UNWIND $ids AS id {_node_by_id('p', _labels_of(types, 0))} "
            f"MATCH (p)-[r:{_rel_union(types)}]->(e) {only}RETURN collect({LINK_FIELDS}) AS rows",
            ids=ids,
            to=None if to is None else _ids(to),
        )
        return sorted(map(_paper_link, rows), key=_link_order)

    def link_columns(
        self,
        types: Sequence[str],
        *,
        paper_ids: Collection[str] | None = None,
        entity_ids: Collection[str] | None = None,
    ) -> LinkColumns:
        """Links of the given types leaving `paper_ids` or (else) reaching `entity_ids`, as columns (from the
        same rows as paper_links_of / paper_links)."""
        from kg.query.columns import columns_of_links  # numpy: only for the ranking helpers

        if paper_ids is not None:
            return columns_of_links(self.paper_links_of(paper_ids, types))
        return columns_of_links(self.paper_links(entity_ids or (), types))

    def anchor_columns(
        self,
        anchor_ids: Collection[str],
        other_types: Sequence[str],
        *,
        anchor_roles: Sequence[str | None] | None,
        other_roles: Sequence[str | None],
        also: Collection[str] = (),
    ) -> AnchorColumns:
        """The anchor papers' links a ranking reads, as columns, from one query that does the reduction on the
        server: only the anchor links and the wanted other links, no evidence, each other link's shared
        sentence already decided (a broad task's papers hold ~250k links of every kind)."""
        from kg.query.columns import anchor_columns_of  # numpy: only for the ranking helpers

        anchors, types, others = _ids(anchor_ids), _known_types(PAPER_ENTITY_TYPES), _known_types(other_types)
        also = sorted(set(_ids(also)))
        columns = ("paper", "entity", "type", "role", "confidence", "anchor", "shares")
        if not (anchors or also):
            return anchor_columns_of({c: [] for c in columns}, self._evidence_rows)
        # One flat list per column (the driver decodes lists of scalars fastest). A role travels as 0 when
        # absent: collect() drops nulls.
        other_links = (
            "UNION ALL "
            f"MATCH (p)-[o:{_rel_union(others)}]->(m) "
            f"WHERE {_role_filter('o', 'other', other_roles)} AND $anchor_set[m.id] IS NULL "
            "RETURN m.id AS entity, type(o) AS type, coalesce(o.role, 0) AS role, "
            "coalesce(o.confidence, 0.0) AS confidence, false AS anchor, "
            "any(s IN coalesce(o.evidence, []) WHERE s IN sentences) AS shares "
            if others
            else ""
        )
        records = self._read(
            "CALL () { "
            f"UNWIND $anchors AS aid {_node_by_id('a', _labels_of(types, 1), 'aid')}"
            f"<-[r:{_rel_union(types)}]-(p:Paper) WHERE {_role_filter('r', 'anchor', anchor_roles)} "
            "RETURN p, collect([a.id, type(r), coalesce(r.role, 0), coalesce(r.confidence, 0.0)]) AS links, "
            "collect(r.evidence) AS evidence "
            "UNION ALL "
            "UNWIND $also AS pid MATCH (p:Paper {id: pid}) RETURN p, [] AS links, [] AS evidence } "
            "WITH p, collect(links) AS links, collect(evidence) AS evidence "
            "WITH p, reduce(acc = [], ls IN links | acc + ls) AS links, "
            "reduce(acc = [], ev IN evidence | acc + reduce(x = [], e IN ev | x + e)) AS sentences "
            "CALL (p, links, sentences) { "
            "UNWIND links AS l "
            "RETURN l[0] AS entity, l[1] AS type, l[2] AS role, l[3] AS confidence, true AS anchor, false AS shares "
            f"{other_links}}} "
            "RETURN collect(p.id) AS paper, collect(entity) AS entity, collect(type) AS type, collect(role) AS role, "
            "collect(confidence) AS confidence, collect(anchor) AS anchor, collect(shares) AS shares",
            anchors=anchors,
            anchor_set=dict.fromkeys(anchors, True),  # a map: a lookup per link, not a scan of the list
            also=also,
            **_role_params("anchor", anchor_roles),
            **_role_params("other", other_roles),
        )
        return anchor_columns_of({c: records[0][c] if records else [] for c in columns}, self._evidence_rows)

    def _evidence_rows(self, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[str, ...]]:
        """Evidence of (paper id, entity id, type) links, in one query."""
        types = _known_types(PAPER_ENTITY_TYPES)
        rows = self._rows(
            f"UNWIND $keys AS k {_node_by_id('p', [PAPER], 'k[0]')}-[r:{_rel_union(types)}]->(e) "
            "WHERE e.id = k[1] AND type(r) = k[2] RETURN collect([k[0], k[1], k[2], r.evidence]) AS rows",
            keys=[list(k) for k in keys],
        )
        return {(p, e, t): tuple(evidence or ()) for p, e, t, evidence in rows}

    def entity_links(
        self, rel_type: str, *, sources: Collection[str] | None = None, targets: Collection[str] | None = None
    ) -> list[EntityLink]:
        """Aggregated entity edges of one type, filtered by source and/or target ids."""
        if rel_type not in RELATIONSHIP_TYPES:
            return []
        rel = check_relationship_type(rel_type)
        if sources is not None:
            ids = _ids(sources)
            match = f"UNWIND $ids AS id {_node_by_id('a', _labels_of([rel], 0))} MATCH (a)-[r:{rel}]->(b)"
            if targets is not None:  # filter in the query: a frequent source has many edges
                match += " WHERE b.id IN $targets"
        elif targets is not None:
            ids = _ids(targets)
            match = f"UNWIND $ids AS id {_node_by_id('b', _labels_of([rel], 1))} MATCH (a)-[r:{rel}]->(b)"
        else:
            ids, match = [], f"MATCH (a)-[r:{rel}]->(b)"
        if (sources is not None or targets is not None) and not ids:
            return []
        links = [
            EntityLink(
                source,
                target,
                rel,
                tuple(papers or ()),
                int(count or 0),
                tuple(evidence or ()),
                float(confidence or 0.0),
            )
            for source, target, papers, count, evidence, confidence in self._rows(
                f"{match} RETURN collect({ENTITY_LINK_FIELDS}) AS rows",
                ids=ids,
                targets=None if targets is None else _ids(targets),
            )
        ]
        return sorted(links, key=lambda link: (link.source, link.target))

    def papers(self, paper_ids: Collection[str]) -> dict[str, PaperRow]:
        """Paper rows by id (unknown ids are absent)."""
        ids = list(dict.fromkeys(_ids(paper_ids)))
        if not ids:
            return {}
        rows = self._rows(
            "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN collect([p.id, p.title, p.year]) AS rows", ids=ids
        )
        found = {pid: PaperRow(pid, title if title is not None else "", year) for pid, title, year in rows}
        return {p: found[p] for p in ids if p in found}

    def entities(self, entity_ids: Collection[str]) -> dict[str, EntityRow]:
        """Entity rows by id (unknown ids are absent)."""
        ids = list(dict.fromkeys(_ids(entity_ids)))
        if not ids:
            return {}
        rows = self._rows(
            f"UNWIND $ids AS id {_node_by_id('n', ENTITY_LABELS)} RETURN collect({ENTITY_FIELDS}) AS rows",
            ids=ids,
            entity_labels=list(ENTITY_LABELS),
        )
        found = {row.id: row for row in map(_entity_row, rows)}
        return {e: found[e] for e in ids if e in found}

    def text_search(
        self,
        groups: Sequence[Sequence[Collection[str]]],
        within: Collection[str] | None = None,
        also: Sequence[Sequence[Collection[str]]] | None = None,
    ) -> set[str]:
        """Papers whose title + abstract hold, for every element of one group, one of its patterns (and
        likewise for one of the `also` groups, when given)."""
        clauses = [_terms_clause(g) for g in groups if g and all(g)]
        also_clauses = None if also is None else [_terms_clause(g) for g in also if g and all(g)]
        if not clauses or (within is not None and not within) or also_clauses == []:
            return set()
        only = "" if within is None else "WHERE node.id IN $within "
        queries = [" ".join(c) for c in _chunks(clauses)]
        if also_clauses is not None:  # (X1 or X2) and (Y1 or Y2): every chunk of X with every chunk of Y
            queries = [f"({x}) AND ({' '.join(y)})" for x in queries for y in _chunks(also_clauses)]
        found: set[str] = set()
        for lucene in queries:
            found.update(
                self._rows(
                    f"CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node {only}"
                    "RETURN collect(node.id) AS rows",
                    index=TERMS_INDEX,
                    lucene=lucene,
                    within=None if within is None else _ids(within),
                )
            )
        return found

    def paper_texts(self, paper_ids: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
        """(title, abstract) by paper id; None: every paper."""
        if paper_ids is None:
            rows = self._rows("MATCH (p:Paper) RETURN collect([p.id, p.title, p.abstract]) AS rows")
        else:
            ids = list(dict.fromkeys(_ids(paper_ids)))
            if not ids:
                return {}
            rows = self._rows(
                "UNWIND $ids AS id MATCH (p:Paper {id: id}) RETURN collect([p.id, p.title, p.abstract]) AS rows",
                ids=ids,
            )
        return {pid: (title or "", abstract or "") for pid, title, abstract in rows}

    def paper_sentences(self, paper_ids: Collection[str]) -> dict[str, tuple[str, str, str | None]]:
        """(title, abstract, stored `sentences` or None) by paper id."""
        ids = list(dict.fromkeys(_ids(paper_ids)))
        if not ids:
            return {}
        rows = self._rows(
            "UNWIND $ids AS id MATCH (p:Paper {id: id}) "
            "RETURN collect([p.id, p.title, p.abstract, p.sentences]) AS rows",
            ids=ids,
        )
        return {pid: (title or "", abstract or "", stored) for pid, title, abstract, stored in rows}

    def similar_keys(self, key: str, limit: int = 5) -> list[str]:
        """Entity keys spelled closest to `key` (Lucene fuzzy candidates, ranked as the embedded backend ranks)."""
        if not _searchable_key(key):
            return []
        fuzzy = "".join("\\" + c if not c.isalnum() else c for c in key) + "~"
        rows = self._rows(
            "CALL db.index.fulltext.queryNodes($index, $term) YIELD node RETURN collect(node.keys) AS rows",
            index=KEY_INDEX,
            term=fuzzy,
        )
        keys = sorted({k for ks in rows for k in ks or ()})
        return difflib.get_close_matches(key, keys, n=limit, cutoff=0.75)

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

    def top_entities(self, label: str, limit: int, min_confidence: float) -> tuple[int, list[EntityRow]]:
        """(entities of the label at or above min_confidence, the `limit` with most papers among them)."""
        node = check_label(label)
        where = "WHERE coalesce(n.confidence, 1.0) >= $min AND n.paper_count > 0"
        # one query (one round trip): the count, and the top rows in a subquery
        record = self._read(
            f"MATCH (n:{node}) {where} WITH count(n) AS count "
            f"CALL () {{ MATCH (n:{node}) {where} WITH n ORDER BY n.paper_count DESC, n.id LIMIT $limit "
            f"RETURN collect({ENTITY_FIELDS}) AS rows }} RETURN count, rows",
            min=min_confidence,
            limit=limit,
            entity_labels=[node],
        )[0]
        return int(record["count"]), [_entity_row(r) for r in record["rows"]]

    def stats(self) -> dict:
        """Counts of nodes per label, edges per type, and extraction coverage."""
        node_counts = ", ".join(f"COUNT {{ (:{check_label(label)}) }} AS `{label}`" for label in ALL_LABELS)
        rel_counts = ", ".join(
            f"COUNT {{ ()-[:{check_relationship_type(t)}]->() }} AS `{t}`" for t in RELATIONSHIP_TYPES
        )
        # the counts (from Neo4j's count store) and the coverage the loader stored on every paper
        # (kg.neo4j.schema.COVERAGE), in one query
        counts = coverage = self._read(
            f"MATCH (p:Paper) WITH p.{COVERAGE} AS c "
            "WITH count(*) - count(c) AS missing, count(CASE WHEN c >= $abstract THEN 1 END) AS with_abstract, "
            "count(CASE WHEN c = $both THEN 1 END) AS with_method_and_task "
            f"RETURN missing, with_abstract, with_method_and_task, {node_counts}, {rel_counts}",
            abstract=HAS_ABSTRACT,
            both=HAS_METHOD_AND_TASK,
        )[0]
        if coverage["missing"]:  # a database loaded before it was stored: read the papers themselves
            # Every typed edge leaving a paper except citations, as the embedded backend counts them.
            extracted = _rel_union(t for t in RELATIONSHIP_TYPES if t != "CITES" and PAPER in _labels_of([t], 0))
            coverage = self._read(
                "MATCH (p:Paper) WHERE p.abstract IS NOT NULL AND p.abstract <> '' "
                "RETURN count(p) AS with_abstract, "
                f"count(CASE WHEN EXISTS {{ (p)-[:{extracted}]->(:Method) }} "
                f"AND EXISTS {{ (p)-[:{extracted}]->(:Task) }} THEN 1 END) AS with_method_and_task"
            )[0]
        return {
            "nodes": {label: int(counts[label]) for label in ALL_LABELS},
            "relationships": {t: int(counts[t]) for t in RELATIONSHIP_TYPES},
            "papers_with_abstract": int(coverage["with_abstract"]),
            "papers_with_method_and_task": int(coverage["with_method_and_task"]),
        }
