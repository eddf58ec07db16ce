"""The graph's counts (`kg query stats`): nodes per label, edges per type, extraction coverage.

Counting walks every edge (1.7M at 100k papers, seconds in Python), and the counts only change when
the graph is rebuilt, so save_graph stores them in the file's counts line and loading hands them to
the embedded backend (kg.graph.store.Stored); a graph made in memory counts on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.graph.schema import AUTHOR, ENTITY_NODE_LABELS, PAPER, RELATIONSHIP_TYPES

if TYPE_CHECKING:  # the Neo4j backend reads the coverage constants without networkx
    import networkx as nx

    from kg.graph.snapshot import GraphDicts

STATS_KEY = "stats"  # in the file's "G" line


# A paper's extraction coverage, as `kg query stats` counts it (and the Neo4j loader stores on each paper)
NO_ABSTRACT, HAS_ABSTRACT, HAS_METHOD_AND_TASK = 0, 1, 2


def paper_coverage(graph: nx.MultiDiGraph | GraphDicts, paper: str) -> int:
    """NO_ABSTRACT, HAS_ABSTRACT, or HAS_METHOD_AND_TASK: it has an abstract and links to a method and a task."""
    node_attrs, succ = graph._node, graph._succ
    if not node_attrs[paper].get("abstract"):
        return NO_ABSTRACT
    kinds = {node_attrs[t].get("label") for t, keydict in succ[paper].items() if any(k != "CITES" for k in keydict)}
    return HAS_METHOD_AND_TASK if "Method" in kinds and "Task" in kinds else HAS_ABSTRACT


def graph_stats(graph: nx.MultiDiGraph | GraphDicts) -> dict[str, Any]:
    """Counts of nodes per label, edges per type, papers with an abstract and with both a method and a task."""
    nodes: dict[Any, int] = {label: 0 for label in (PAPER, *ENTITY_NODE_LABELS.values(), AUTHOR)}
    edges: dict[str, int] = {t: 0 for t in RELATIONSHIP_TYPES}
    node_attrs = graph._node  # the adjacency dicts, read directly as networkx's own algorithms do
    succ = graph._succ
    with_abstract = with_method_and_task = 0
    for node, attrs in node_attrs.items():
        label = attrs.get("label")
        nodes[label] = nodes.get(label, 0) + 1
        for keydict in succ[node].values():
            for key in keydict:  # a type outside the schema is counted too: saving must not fail on it
                edges[key] = edges.get(key, 0) + 1
        if label == PAPER:
            coverage = paper_coverage(graph, node)
            with_abstract += coverage >= HAS_ABSTRACT
            with_method_and_task += coverage == HAS_METHOD_AND_TASK
    return {
        "nodes": nodes,
        "relationships": edges,
        "papers_with_abstract": with_abstract,
        "papers_with_method_and_task": with_method_and_task,
    }


def stored_stats(stats: dict[str, Any] | None, graph: nx.MultiDiGraph | GraphDicts) -> dict[str, Any] | None:
    """A copy of the counts stored with the loaded graph, None when there are none or its node count differs."""
    if not isinstance(stats, dict) or sum(stats.get("nodes", {}).values()) != len(graph):
        return None
    return {k: dict(v) if isinstance(v, dict) else v for k, v in stats.items()}


def storable(stats: dict[str, Any]) -> bool:
    """True when the counts survive JSON unchanged (every label and type a string)."""
    return all(isinstance(k, str) for k in (*stats["nodes"], *stats["relationships"]))
