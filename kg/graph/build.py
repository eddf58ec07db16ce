"""Assemble the one in-memory model: papers, extractions and resolution -> networkx MultiDiGraph."""

from __future__ import annotations

import hashlib
import heapq
import unicodedata
from collections.abc import Iterable

import networkx as nx

from kg.graph.roles import edge_role
from kg.graph.schema import (
    AUTHOR,
    DEFAULT_PAPER_TYPE,
    ENTITY_NODE_LABELS,
    MAX_EVIDENCE,
    PAPER,
    PAPER_ENTITY_TYPES,
    RELATIONSHIP_TYPES,
    TOP_PAPERS,
)
from kg.graph.sentences import encode, sentence_rows
from kg.graph.store import Interner
from kg.models import Paper, PaperExtraction, Resolution
from kg.resolve import name_key
from kg.resolve.terms import index_terms, name_variants

ENTITY_LABELS = frozenset(ENTITY_NODE_LABELS.values())
PAPER_PROPERTIES = ("title", "abstract", "year", "date", "arxiv_id", "doi", "url", "venue", "source")


def author_id(name: str) -> str:
    """Stable Author node id from a display name (case, accents and spacing ignored)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    key = " ".join(folded.replace(".", " ").split())
    return "author:" + (key or hashlib.sha1(name.encode()).hexdigest()[:16])


def _add_evidence(attrs: dict, sentence: str, confidence: float, limit: int = MAX_EVIDENCE) -> None:
    """Merge one supporting sentence into an edge's evidence list and confidence."""
    evidence: list[str] = attrs.setdefault("evidence", [])
    if sentence and sentence not in evidence and len(evidence) < limit:
        evidence.append(sentence)
    attrs["confidence"] = round(max(attrs.get("confidence", 0.0), confidence), 4)


def _allowed(rel_type: str, source_label: str, target_label: str) -> bool:
    return (source_label, target_label) in RELATIONSHIP_TYPES[rel_type]


def paper_text(attrs: dict) -> str:
    """What the text index reads of a paper: title and abstract."""
    return f"{attrs.get('title', '')} {attrs.get('abstract', '')}"


def text_properties(title: str, abstract: str) -> tuple[str, str]:
    """(terms, sentences) of a paper: its distinct terms for the text index, its sentences' terms and roles."""
    rows = sentence_rows(title, abstract)
    if "\\" in title or "\\" in abstract:
        # a LaTeX accent may join words across a sentence end ("\. A"): index the text as one piece
        distinct = index_terms(f"{title} {abstract}")
    else:  # the same terms, without folding the text a second time
        distinct = sorted({t for ts, _ in rows for t in ts})
    return " ".join(distinct), encode(rows)


def refresh_text_terms(graph: nx.MultiDiGraph) -> int:
    """Recompute every paper's `terms` and `sentences` and every entity's `name_terms` in place (a graph
    file of an older kg.graph.schema.TERMS_SCHEME); returns the number of papers."""
    papers = 0
    for _, attrs in graph.nodes(data=True):
        if attrs.get("label") == PAPER:
            attrs["terms"], attrs["sentences"] = text_properties(attrs.get("title", ""), attrs.get("abstract", ""))
            papers += 1
        elif "name_terms" in attrs:
            attrs["name_terms"] = tuple(" ".join(v) for v in name_variants(attrs.get("name", "")))
    return papers


def add_papers(graph: nx.MultiDiGraph, papers: Iterable[Paper]) -> None:
    """Add Paper and Author nodes and WROTE edges; each paper carries its text `terms` for the text index
    and its `sentences` (kg.graph.sentences) for the question judge."""
    for paper in papers:
        props = {k: v for k in PAPER_PROPERTIES if (v := getattr(paper, k)) not in (None, "")}
        props.setdefault("abstract", "")
        props["terms"], props["sentences"] = text_properties(props.get("title", ""), props["abstract"])
        graph.add_node(paper.id, id=paper.id, label=PAPER, **props)
        for name in paper.authors:
            aid = author_id(name)
            if aid not in graph:
                graph.add_node(aid, id=aid, label=AUTHOR, name=name)
            graph.add_edge(aid, paper.id, key="WROTE")


def add_citations(graph: nx.MultiDiGraph, papers: Iterable[Paper]) -> None:
    """Add CITES edges between papers that are both in the input; others are dropped by design."""
    by_external: dict[str, str] = {}
    for paper in papers:
        for ext in (paper.id, *paper.external_ids):
            by_external.setdefault(ext, paper.id)
    for paper in papers:
        for ref in paper.references:
            cited = by_external.get(ref)
            if cited and cited != paper.id:
                graph.add_edge(paper.id, cited, key="CITES")
        for ref in paper.cited_by:
            citing = by_external.get(ref)
            if citing and citing != paper.id:
                graph.add_edge(citing, paper.id, key="CITES")


def add_entities(graph: nx.MultiDiGraph, resolution: Resolution) -> None:
    """Add one node per canonical entity and the IS_A hierarchy."""
    for entity in resolution.entities.values():
        keys = sorted({name_key(a) for a in (entity.name, *entity.aliases)} - {""})
        graph.add_node(
            entity.id,
            id=entity.id,
            label=ENTITY_NODE_LABELS[entity.label],
            name=entity.name,
            aliases=tuple(sorted(entity.aliases)),
            keys=tuple(keys),
            paper_count=entity.paper_count,
            source=entity.source,
            confidence=entity.confidence,
            # the name as term sequences (kg.resolve.terms.name_variants): papers whose text holds one of
            # them name the entity; both backends and the saved Cypher search the text index with these
            name_terms=tuple(" ".join(v) for v in name_variants(entity.name)),
            **({"vocab_id": entity.vocab_id} if entity.vocab_id else {}),
        )
    for child, parent in resolution.is_a:
        if child in graph and parent in graph and child != parent:
            graph.add_edge(child, parent, key="IS_A")
    for source, target, rel_type, weight in resolution.knowledge:
        if (
            source in graph
            and target in graph
            and _allowed(rel_type, graph.nodes[source]["label"], graph.nodes[target]["label"])
        ):
            graph.add_edge(source, target, key=rel_type, weight=weight)


def fit_type(rel_type: str, target_label: str) -> str:
    """The paper-entity type for the entity's label (linking may have changed the label extraction saw)."""
    if rel_type == "PROPOSES" and target_label in ("Method", "Dataset"):
        return rel_type
    return rel_type if _allowed(rel_type, PAPER, target_label) else DEFAULT_PAPER_TYPE[target_label]


def add_extracted_relations(
    graph: nx.MultiDiGraph, extractions: Iterable[PaperExtraction], resolution: Resolution
) -> None:
    """Add paper->entity edges and aggregated entity->entity edges, each with evidence and confidence."""
    aggregated: dict[tuple[str, str, str], dict] = {}
    # Sentences repeat across the edges of a paper (and across papers in synthetic corpora): one copy each.
    shared = Interner()
    for extraction in extractions:
        pid = extraction.paper_id
        entity_of = resolution.mention_entities.get(pid, [])
        if pid not in graph or not entity_of:
            continue
        cues: dict[tuple[str, str], list[str]] = {}
        title = graph.nodes[pid].get("title", "")
        for rel in extraction.relations:
            target = entity_of[rel.tail]
            if target not in graph or (rel.head is not None and entity_of[rel.head] not in graph):
                continue  # a mention linking dropped (kg.vocab.link.NO_ENTITY)
            target_label = graph.nodes[target]["label"]
            if rel.head is None:
                source = pid
                rel_type = fit_type(rel.type, target_label)
            else:
                source = entity_of[rel.head]
                rel_type = rel.type
                if source == target:
                    continue
            if not _allowed(rel_type, graph.nodes[source]["label"], target_label):
                continue
            if rel.head is None:
                if not graph.has_edge(source, target, key=rel_type):
                    graph.add_edge(source, target, key=rel_type)
                attrs = graph.edges[source, target, rel_type]
                _add_evidence(attrs, shared(rel.evidence), rel.confidence, limit=MAX_EVIDENCE + 2)
                cues.setdefault((target, rel_type), []).append(rel.cue or "")
            else:
                attrs = aggregated.setdefault((source, target, rel.type), {"papers": set(), "count": 0})
                attrs["papers"].add(pid)
                attrs["count"] += 1
                _add_evidence(attrs, shared(rel.evidence), rel.confidence)
        for (target, rel_type), edge_cues in cues.items():
            attrs = graph.edges[pid, target, rel_type]
            evidence = attrs.get("evidence", ())
            attrs["role"] = edge_role(
                rel_type,
                graph.nodes[target]["label"],
                [c for c in edge_cues if c],
                evidence,
                [sentence == title for sentence in evidence],
            )
    for (source, target, rel_type), attrs in aggregated.items():
        graph.add_edge(
            source,
            target,
            key=rel_type,
            papers=tuple(sorted(attrs["papers"])),
            count=attrs["count"],
            evidence=tuple(attrs["evidence"]),
            confidence=attrs["confidence"],
        )
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        if key in PAPER_ENTITY_TYPES:
            attrs["evidence"] = tuple(attrs.get("evidence", ()))


# A dataset the vocabulary does not vouch for is offered only if some paper says it evaluates or trains
# on it (an extraction cue of at least this confidence: "experiments on X", "datasets such as X"), not
# where it is merely named ("code is available on GitHub").
DATASET_USE_BAR = 0.7
UNUSED_DATASET_FACTOR = 0.5


def discounted_confidence(confidence: float, best_use: float) -> float:
    """A dataset's confidence given the most confident edge into it (see discount_unused_datasets)."""
    if confidence >= 1.0 or best_use >= DATASET_USE_BAR:
        return confidence
    return round(confidence * UNUSED_DATASET_FACTOR, 4)


def best_in_confidence(graph: nx.MultiDiGraph, node: str) -> float:
    """The highest confidence of any edge into `node` (0 without one)."""
    return max((c or 0.0 for _, _, c in graph.in_edges(node, data="confidence")), default=0.0)


def discount_unused_datasets(graph: nx.MultiDiGraph) -> None:
    """Lower the confidence of datasets below full confidence that no paper evaluates on by a clear cue."""
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != "Dataset" or attrs.get("confidence", 1.0) >= 1.0:
            continue
        attrs["confidence"] = discounted_confidence(attrs["confidence"], best_in_confidence(graph, node))


def paper_strengths(graph: nx.MultiDiGraph, node: str) -> dict[str, float]:
    """Per paper with an edge to the entity `node`: its most confident such edge."""
    best: dict[str, float] = {}
    for source, _, key, conf in graph.in_edges(node, keys=True, data="confidence"):
        if key in PAPER_ENTITY_TYPES and (conf or 0.0) > best.get(source, -1.0):
            best[source] = conf or 0.0
    return best


def top_papers(best: dict[str, float], limit: int = TOP_PAPERS) -> list[tuple[str, float]]:
    """The `limit` strongest (paper, strength) pairs, best first, ties to the smaller id (mergeable: top of tops)."""
    return heapq.nsmallest(limit, best.items(), key=lambda item: (-item[1], item[0]))


def add_top_papers(graph: nx.MultiDiGraph, limit: int = TOP_PAPERS) -> None:
    """Give every entity its `limit` strongest papers, best first: `top_papers` ids and `top_conf`.

    A paper's strength for an entity is its most confident edge to it; ties go to the smaller id. With
    these lists a query over a frequent entity (and its IS_A family) merges a few short lists instead
    of reading tens of thousands of edges; the ranking is exact for up to `limit` answers.
    """
    for node, label in graph.nodes(data="label"):
        if label not in ENTITY_LABELS:
            continue
        top = top_papers(paper_strengths(graph, node), limit)
        attrs = graph.nodes[node]
        attrs["top_papers"] = tuple(pid for pid, _ in top)
        attrs["top_conf"] = tuple(conf for _, conf in top)


def build_graph(
    papers: Iterable[Paper], extractions: Iterable[PaperExtraction], resolution: Resolution
) -> nx.MultiDiGraph:
    """Build the knowledge graph from papers, their extractions and the corpus resolution (papers are read twice)."""
    graph = nx.MultiDiGraph()
    add_papers(graph, papers)
    add_citations(graph, papers)
    add_entities(graph, resolution)
    add_extracted_relations(graph, extractions, resolution)
    discount_unused_datasets(graph)
    add_top_papers(graph)
    return graph
