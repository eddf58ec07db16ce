"""Graph schema: the only node labels and relationship types the graph (and Neo4j) may hold."""

from __future__ import annotations

from pathlib import Path

PAPER = "Paper"
AUTHOR = "Author"
ENTITY_NODE_LABELS: dict[str, str] = {
    "METHOD": "Method",
    "DATASET": "Dataset",
    "TASK": "Task",
    "METRIC": "Metric",
}
NODE_LABELS: frozenset[str] = frozenset({PAPER, AUTHOR, *ENTITY_NODE_LABELS.values()})

# Relationship type -> allowed (source label, target label) pairs.
RELATIONSHIP_TYPES: dict[str, frozenset[tuple[str, str]]] = {
    "PROPOSES": frozenset({(PAPER, "Method"), (PAPER, "Dataset")}),
    "USES": frozenset({(PAPER, "Method")}),
    "EVALUATES_ON": frozenset({(PAPER, "Dataset")}),
    "ADDRESSES": frozenset({(PAPER, "Task")}),
    "REPORTS": frozenset({(PAPER, "Metric")}),
    "USED_FOR": frozenset({("Method", "Task")}),
    "EVALUATED_ON": frozenset({("Method", "Dataset")}),
    "IS_A": frozenset({("Method", "Method"), ("Task", "Task"), ("Dataset", "Dataset"), ("Metric", "Metric")}),
    "BENCHMARK_FOR": frozenset({("Dataset", "Task")}),
    "MEASURES": frozenset({("Metric", "Task")}),
    "CITES": frozenset({(PAPER, PAPER)}),
    "WROTE": frozenset({(AUTHOR, PAPER)}),
}
PAPER_ENTITY_TYPES: tuple[str, ...] = ("PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS")
AGGREGATED_TYPES: tuple[str, ...] = ("USED_FOR", "EVALUATED_ON")
KNOWLEDGE_TYPES: tuple[str, ...] = ("BENCHMARK_FOR", "MEASURES")  # from the vocabulary, with a weight
# The paper-entity type for an entity of each label, when linking changed the label the extraction saw.
DEFAULT_PAPER_TYPE: dict[str, str] = {
    "Method": "USES",
    "Dataset": "EVALUATES_ON",
    "Task": "ADDRESSES",
    "Metric": "REPORTS",
}
# Paper -> X edges that count as "the paper works with X" in papers_using; REPORTS lets a metric
# (e.g. "sliced Wasserstein distance", often tagged Metric) be asked about like a method.
USE_TYPES: tuple[str, ...] = ("PROPOSES", "USES", "EVALUATES_ON", "REPORTS")
USE_LABELS: tuple[str, ...] = ("Method", "Dataset", "Metric")
MAX_EVIDENCE = 3  # sentences kept per edge
# Entities below this corpus-level confidence stay on their papers but helpers and stats do not offer
# them (kg.vocab.link.corpus_confidence says how it is computed; linked entities have 1.0).
OFFER_BAR = 0.6
# A BENCHMARK_FOR weight at least this: the dataset's leaderboard papers (nearly) all do that one task, so
# a paper evaluating on it does too, named or not (kg.query.engine reads it; kg.vocab.link brings a dataset's
# main tasks into the graph from a lower bar, MAIN_BENCHMARK).
SOLE_BENCHMARK = 0.9
# Paper-entity edge roles that say the paper works with the entity (None: a graph built before roles).
USE_ROLES: tuple[str | None, ...] = ("proposes", "own use", None)
# Strongest papers stored on each entity node (top_papers / top_conf): the most answers a
# papers_using call can rank from those lists alone.
TOP_PAPERS = 50


def check_label(label: str) -> str:
    """Return label if it is in the schema, else raise ValueError (guards every Cypher label)."""
    if label not in NODE_LABELS:
        raise ValueError(f"unknown node label {label!r}; expected one of {sorted(NODE_LABELS)}")
    return label


def check_relationship_type(rel_type: str) -> str:
    """Return rel_type if it is in the schema, else raise ValueError (guards every Cypher type)."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}; expected one of {sorted(RELATIONSHIP_TYPES)}")
    return rel_type


# Where the CLI reads and writes a graph by default, and the formats `kg export` writes (here, not in
# store/export, so the CLI can name them without importing networkx).
DEFAULT_GRAPH_PATH = Path("graph.json.gz")
EXPORT_FORMATS = ("graphml", "json", "neo4j-import")

# Which rules of kg.resolve.terms made the text terms a graph file stores (paper `terms` and `sentences`,
# entity `name_terms`): a file of another scheme has them recomputed when loaded
# (kg.graph.build.refresh_text_terms). 1: Snowball + the agent-noun rule; 2: + activity gerunds.
TERMS_SCHEME = 2
