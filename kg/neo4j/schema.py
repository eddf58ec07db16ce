"""Neo4j constraints and indexes for the graph schema, created idempotently before every load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j

from kg.graph.schema import ENTITY_NODE_LABELS, NODE_LABELS, check_label

ENTITY_LABELS: tuple[str, ...] = tuple(ENTITY_NODE_LABELS.values())
# Full-text index for people in Browser: tokenised, case-folded search over display names and aliases.
NAME_INDEX = "entity_names"
# Exact alias-key lookup for match_entities: the keyword analyzer indexes each `keys` element as one
# untokenised term, so a quoted phrase query is an exact term lookup. Neo4j cannot range-index list
# membership; this index answers "which entity has this key" without scanning.
KEY_INDEX = "entity_keys"
# Text index for questions: each Paper's `terms` (kg.resolve.terms.index_terms of title + abstract,
# space-separated, computed at graph assembly) split on whitespace only, so Lucene holds exactly the
# terms the embedded index holds and both backends retrieve the same candidates.
TERMS_INDEX = "paper_terms"
# Stored on every Paper by the loader (not a graph attribute): kg.graph.counts.paper_coverage, so that
# `stats` counts the papers with an abstract, and with a method and a task, from one small property
# instead of reading every abstract and expanding every paper's links (~0.5 s at 100k papers).
COVERAGE = "coverage"
INDEX_WAIT_SECONDS = 300
# Lucene's limit on one indexed term (UTF-8 bytes). A longer alias key reaching the keyword index
# fails the commit *after* the transaction log write and takes the database down, so the loader
# rejects such graphs up front.
MAX_TERM_BYTES = 32766
# Session settings for the loader and the query backend: a graph without, say, REPORTS edges makes
# every query naming that type draw an "unknown relationship type" warning, which is expected here.
QUIET_SESSION: dict[str, Any] = {
    "notifications_disabled_classifications": [neo4j.NotificationDisabledClassification.UNRECOGNIZED],
}


@dataclass(frozen=True, slots=True)
class SchemaItem:
    """One constraint or index: its name and the DDL that creates it if missing."""

    name: str
    cypher: str


def constraint_name(label: str) -> str:
    """Name of the uniqueness constraint on `label`.id."""
    return f"{check_label(label).lower()}_id_unique"


def schema_items() -> list[SchemaItem]:
    """Every constraint and index the loader and the query backend rely on, in creation order."""
    items = [
        SchemaItem(
            constraint_name(label),
            # Label and name come from the whitelist (check_label), never from input.
            f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
            f"FOR (n:{check_label(label)}) REQUIRE n.id IS UNIQUE",
        )
        for label in sorted(NODE_LABELS)
    ]
    entity_union = "|".join(check_label(label) for label in ENTITY_LABELS)
    items.append(
        SchemaItem(
            NAME_INDEX,
            f"CREATE FULLTEXT INDEX {NAME_INDEX} IF NOT EXISTS FOR (n:{entity_union}) ON EACH [n.name, n.aliases]",
        )
    )
    items.append(
        SchemaItem(
            KEY_INDEX,
            f"CREATE FULLTEXT INDEX {KEY_INDEX} IF NOT EXISTS FOR (n:{entity_union}) ON EACH [n.keys] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword', `fulltext.eventually_consistent`: false}}",
        )
    )
    items.append(
        SchemaItem(
            TERMS_INDEX,
            f"CREATE FULLTEXT INDEX {TERMS_INDEX} IF NOT EXISTS FOR (n:{check_label('Paper')}) ON EACH [n.terms] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}",
        )
    )
    return items


def ensure_schema(driver: neo4j.Driver, *, database: str = "neo4j", wait: bool = True) -> list[str]:
    """Create missing constraints and indexes; returns the names of those that were created."""
    _drop_failed_indexes(driver, database)
    existing = _existing_names(driver, database)
    created = []
    for item in schema_items():
        if item.name not in existing:
            driver.execute_query(item.cypher, database_=database)
            created.append(item.name)
    if wait:
        await_indexes(driver, database=database)
    return created


def await_indexes(driver: neo4j.Driver, *, database: str = "neo4j", seconds: int = INDEX_WAIT_SECONDS) -> None:
    """Block until every index is online (full-text population runs in the background)."""
    driver.execute_query("CALL db.awaitIndexes($seconds)", seconds=seconds, database_=database)


def _drop_failed_indexes(driver: neo4j.Driver, database: str) -> None:
    """Drop our own indexes left FAILED (e.g. by an immense key written before the length check)."""
    ours = {item.name for item in schema_items()}
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, state WHERE state = 'FAILED' RETURN name", database_=database
    )
    for record in records:
        if record["name"] in ours:
            # The name is one of ours (schema_items), not input, so it may be spliced in.
            driver.execute_query(f"DROP INDEX {record['name']} IF EXISTS", database_=database)


def _existing_names(driver: neo4j.Driver, database: str) -> set[str]:
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name", database_=database)
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name", database_=database)
    return {r["name"] for r in constraints} | {r["name"] for r in indexes}


def lucene_term(value: str) -> str:
    """A Lucene query matching exactly `value` as one keyword term (quoted, with \\ and \" escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
