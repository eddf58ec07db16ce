"""The loader's Cypher text; labels and types are interpolated only after the whitelist check."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.graph.schema import (
    NODE_LABELS,
    check_label,
    check_relationship_type,
)

# Rows travel as positional lists and properties are written through a map literal built from the
# columns the rows have, e.g. CREATE (n:Paper {`abstract`: row[0], `id`: row[1], ...}): no per-row map
# of keys to pack and unpack, and no SET-from-map step on the server (a tenth of its time). A null
# column is simply not stored, exactly as SET n = map does with a missing key. A property name goes
# into the statement only when it is a plain identifier (and then backquoted); a batch with any other
# name falls back to sending maps and SET n = map.
#
# Relationship statements find both ends by elementId (a direct record lookup, where `{id: ...}` costs
# a uniqueness-index seek per end); the node statements hand back each node's elementId. The ids stay
# valid for the whole load: nodes are written first and nothing the loader deletes afterwards is matched
# again. The label is still checked on every match.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _columns(maps: Iterable[dict[str, Any]]) -> list[str] | None:
    """Sorted property names over `maps`, or None when one is not a plain identifier."""
    keys: set[str] = set()
    for props in maps:
        keys.update(props)
    if not all(_PLAIN_KEY.fullmatch(key) for key in keys):
        return None
    return sorted(keys)


def _literal(columns: Sequence[str], var: str, offset: int) -> str:
    """`{`k0`: var[offset], `k1`: var[offset + 1], ...}` (names checked by _columns)."""
    return "{" + ", ".join(f"`{key}`: {var}[{offset + i}]" for i, key in enumerate(columns)) + "}"


def _nodes_query(label: str, columns: Sequence[str] | None, create: bool) -> str:
    """Write a batch of `label` nodes; returns one row: [[id, elementId], ...]."""
    label = check_label(label)
    if columns is None:  # rows are property maps
        node = f"CREATE (n:{label}) SET n = row" if create else f"MERGE (n:{label} {{id: row.id}}) SET n = row"
        ident = "row.id"
    else:  # rows are lists in `columns` order
        ident = f"row[{columns.index('id')}]"
        props = _literal(columns, "row", 0)
        node = f"CREATE (n:{label} {props})" if create else f"MERGE (n:{label} {{id: {ident}}}) SET n = {props}"
    return f"UNWIND $rows AS row {node} RETURN collect([{ident}, elementId(n)]) AS ids"


@dataclass(frozen=True, slots=True)
class _RelGroup:
    """Relationships of one type from one source label to one target label, and their property columns."""

    rel_type: str
    target: str
    columns: list[str] | None  # None: items carry a property map (a name that is not a plain identifier)


def _rels_query(source: str, groups: Sequence[_RelGroup], create: bool) -> str:
    """One statement for every relationship leaving a batch of `source` nodes.

    A row is one source node: [elementId, items of group 0, items of group 1, ...], each group's items
    a list (null when empty: UNWIND null yields nothing) of [target elementId, property columns...].
    Grouping by source finds each source once however many relationships leave it.
    """
    parts = [f"UNWIND $rows AS row MATCH (a:{check_label(source)}) WHERE elementId(a) = row[0]"]
    for i, group in enumerate(groups):
        rel_type, target = check_relationship_type(group.rel_type), check_label(group.target)
        props = "x[1]" if group.columns is None else _literal(group.columns, "x", 1)
        if create and group.columns is None:
            write = f"CREATE (a)-[r:{rel_type}]->(b) SET r = {props}"
        elif create:  # CREATE: the database had none of these nodes, so there is no relationship to find
            write = f"CREATE (a)-[r:{rel_type}{' ' + props if group.columns else ''}]->(b)"
        else:  # SET r = ... also clears properties the graph no longer has
            write = f"MERGE (a)-[r:{rel_type}]->(b) SET r = {props}"
        parts.append(
            f"CALL (a, row) {{ UNWIND row[{i + 1}] AS x MATCH (b:{target}) WHERE elementId(b) = x[0] {write} }}"
        )
    return " ".join(parts)


def _delete_nodes_query(label: str) -> str:
    return f"UNWIND $rows AS id MATCH (n:{check_label(label)} {{id: id}}) DETACH DELETE n"


def _prune_rels_query(source: str, types: Sequence[str]) -> str:
    union = "|".join(check_relationship_type(t) for t in types)
    # Group parallel copies of one (type, target): keep the first if the graph has it, else none.
    return (
        f"UNWIND $rows AS row MATCH (a:{check_label(source)})-[r:{union}]->(b) WHERE elementId(a) = row.s "
        "WITH row, type(r) + ' ' + b.id AS key, collect(r) AS rels "
        "WITH CASE WHEN key IN row.keep THEN tail(rels) ELSE rels END AS doomed "
        "UNWIND doomed AS r DELETE r"
    )


def _schema_node_count_query() -> str:
    # One count-store lookup per label: constant time, whatever the database holds.
    counts = " UNION ALL ".join(f"MATCH (n:{check_label(label)}) RETURN count(n) AS c" for label in sorted(NODE_LABELS))
    return f"CALL () {{ {counts} }} RETURN sum(c) AS n"
