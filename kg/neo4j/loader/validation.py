"""Checks a graph against the schema whitelist and turns it into rows (no database access)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.graph.counts import paper_coverage
from kg.graph.schema import (
    PAPER,
    RELATIONSHIP_TYPES,
    check_label,
    check_relationship_type,
)
from kg.neo4j.schema import COVERAGE, MAX_TERM_BYTES

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Graph attributes that become the node label / relationship type rather than a property.
NODE_META = ("label",)
EDGE_META = ("type",)


# Validation runs over every property of every node and edge (millions of values for a large graph),
# so the common shapes -- plain str/float/int/bool values, lists of str or float -- take exact-type fast
# paths; anything else (subclasses such as numpy scalars, mixed lists) goes through the general checks.
class _BadValue(ValueError):
    """A property value Neo4j cannot store; the caller says where it was."""


def _check_text(text: str) -> None:
    # Bolt sends UTF-8: a lone surrogate would fail half-way through a load, so refuse it up front.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise _BadValue("text is not valid Unicode (lone surrogate)") from None


def _scalar_kind(value: Any) -> type:
    """The Neo4j-storable kind of one value (str, bool, int, float); _BadValue otherwise."""
    kind = type(value)
    if kind is str:
        _check_text(value)
        return str
    if kind is float or kind is bool:
        return kind
    if kind is int or (isinstance(value, int) and not isinstance(value, bool)):
        if not INT64_MIN <= value <= INT64_MAX:
            raise _BadValue(f"integer {value} does not fit Neo4j's 64-bit integers")
        return int
    if isinstance(value, str):
        _check_text(value)
        return str
    if isinstance(value, bool):
        return bool
    if isinstance(value, float):
        return float
    raise _BadValue(f"a value of type {type(value).__name__} cannot be stored in Neo4j")


def _clean_value(value: Any) -> Any:
    """A property value Neo4j can store, or None to drop it; _BadValue for anything else."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        _scalar_kind(value)
        return value
    if not value:
        return None
    kinds = {_scalar_kind(v) for v in value}
    if kinds == {int, float}:
        return [float(v) for v in value]  # Neo4j lists are homogeneous: widen like neo4j-admin does
    if len(kinds) > 1:
        raise _BadValue(f"a list property must hold values of one kind, got {sorted(k.__name__ for k in kinds)}")
    return list(value)


def _props(attrs: dict[str, Any], meta: Sequence[str]) -> dict[str, Any]:
    """Storable properties of one node or edge (meta keys, None and empty lists dropped)."""
    props = {}
    for key, value in attrs.items():
        if key in meta:
            continue
        kind = type(value)
        # Fast paths, inlined (this loop sees every value of the graph); _clean_value decides the rest.
        if kind is float or kind is bool:
            pass
        elif kind is str:
            if not value.isascii():
                _check_text_at(value, key)
        elif (kind is tuple or kind is list) and value and (joined := _joined_text(value)) is not None:
            if not joined.isascii():
                _check_text_at(joined, key)  # a lone surrogate stays one after joining
            value = list(value)
        elif (
            (kind is tuple or kind is list)
            and value
            and type(value[0]) is float
            and all(type(v) is float for v in value)
        ):
            value = list(value)
        else:
            try:
                value = _clean_value(value)
            except _BadValue as exc:
                raise _BadValue(f"property {key!r}: {exc}") from None
            if value is None:
                continue
        props[key if type(key) is str else str(key)] = value
    return props


def _joined_text(values: Sequence[Any]) -> str | None:
    """All items joined when every one is a str (one C call), else None."""
    if type(values[0]) is not str:
        return None
    try:
        return "".join(values)  # TypeError unless every item is a str
    except TypeError:
        return None


def _check_text_at(text: str, key: Any) -> None:
    try:
        _check_text(text)
    except _BadValue as exc:
        raise _BadValue(f"property {key!r}: {exc}") from None


# (source id, target id, properties) of one relationship
RelRow = tuple[str, str, dict[str, Any]]


@dataclass(slots=True)
class LoadPlan:
    """The graph cut into whitelisted, parameter-ready rows."""

    # label -> property maps, each holding the node's `id`
    node_rows: dict[str, list[dict[str, Any]]]
    # (type, source label, target label) -> (source id, target id, properties)
    rel_rows: dict[tuple[str, str, str], list[RelRow]]


def plan_load(graph: nx.MultiDiGraph) -> LoadPlan:
    """Validate the whole graph against the schema and build the rows; ValueError on any violation."""
    labels: dict[Any, str] = {}
    node_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if not isinstance(node, str) or not node:
            raise ValueError(f"node id {node!r} must be a non-empty string")
        label = attrs.get("label")
        label = check_label(label if type(label) is str else str(label))
        if attrs.get("id", node) != node:
            raise ValueError(f"node {node!r} has a different id attribute {attrs.get('id')!r}")
        try:
            _check_text(node)
            props = _props(attrs, NODE_META)
        except _BadValue as exc:
            raise ValueError(f"node {node!r} {exc}") from None
        _check_keys(node, props.get("keys"))
        props["id"] = node
        if label == PAPER:
            props[COVERAGE] = paper_coverage(graph, node)
        labels[node] = label
        node_rows[label].append(props)
    rel_rows: dict[tuple[str, str, str], list[RelRow]] = {}
    # adjacency() hands out the graph's own dicts: no view object per edge (millions of them).
    for source, targets in graph.adjacency():
        source_label = labels[source]
        for target, edges in targets.items():
            for key, attrs in edges.items():
                rel_type = check_relationship_type(key if type(key) is str else str(key))
                if attrs.get("type", rel_type) != rel_type:  # the key is the type; a leftover attribute must agree
                    raise ValueError(f"edge {source!r}->{target!r} has key {key!r} but type {attrs.get('type')!r}")
                group = (rel_type, source_label, labels[target])
                rows = rel_rows.get(group)
                if rows is None:
                    if group[1:] not in RELATIONSHIP_TYPES[rel_type]:
                        raise ValueError(
                            f"({group[1]})-[:{rel_type}]->({group[2]}) is not allowed by the schema "
                            f"({source!r}->{target!r})"
                        )
                    rows = rel_rows[group] = []
                try:
                    props = _props(attrs, EDGE_META) if attrs else {}
                except _BadValue as exc:
                    raise ValueError(f"edge {source!r}-[{rel_type}]->{target!r} {exc}") from None
                rows.append((source, target, props))
    return LoadPlan(dict(node_rows), rel_rows)


def _check_keys(node: str, keys: Any) -> None:
    """Alias keys go into a keyword full-text index: strings within Lucene's term limit only."""
    if keys is None:
        return
    for key in keys if isinstance(keys, list) else [keys]:
        if not isinstance(key, str):
            raise ValueError(f"node {node!r}: alias keys must be strings, got {type(key).__name__}")
        if len(key) * 4 > MAX_TERM_BYTES and len(key.encode("utf-8", "surrogatepass")) > MAX_TERM_BYTES:
            raise ValueError(f"node {node!r}: an alias key is longer than {MAX_TERM_BYTES} bytes (Lucene's term limit)")


def _source_labels() -> dict[str, list[str]]:
    """Source label -> the relationship types that may leave it (from the whitelist)."""
    out: dict[str, list[str]] = defaultdict(list)
    for rel_type, pairs in RELATIONSHIP_TYPES.items():
        for source, _ in pairs:
            if rel_type not in out[source]:
                out[source].append(rel_type)
    return {label: sorted(types) for label, types in out.items()}
