"""The query helpers: each composes GraphAccess primitives and ranks with pure functions.

Both backends share this module, so the embedded graph and Neo4j give the same answers in the same
order; only the primitives differ.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from kg.graph.schema import MAX_EVIDENCE, PAPER_ENTITY_TYPES, USE_LABELS, USE_TYPES
from kg.query.access import EntityLink, EntityRow, GraphAccess, PaperLink
from kg.query.results import EntityResult, PaperResult
from kg.resolve import name_key
from kg.resolve.suffixes import ALL_SUFFIXES, GENERIC_WORDS

ALL_ENTITY_LABELS = ("Method", "Dataset", "Task", "Metric")
# Entities mentioned by more papers than this carry little signal for "related" and dominate cost.
RELATED_HUB_LIMIT = 2000
MAX_SUPPORTING_PAPERS = 10
# Head words a question may add to a name the graph stores without them ("sliced Wasserstein
# distances" -> "sliced Wasserstein"); tried only when the full name matches nothing.
FALLBACK_HEADS = ALL_SUFFIXES | {"distance", "loss", "function", "measure", "estimator"}


def fallback_key(key: str) -> str | None:
    """The key without a generic head word, when something specific remains."""
    words = key.split(" ")
    if len(words) < 2 or words[-1] not in FALLBACK_HEADS or all(w in GENERIC_WORDS for w in words[:-1]):
        return None
    return " ".join(words[:-1])


def _dedupe(sentences: Iterable[str], limit: int = MAX_EVIDENCE) -> list[str]:
    out: list[str] = []
    for s in sentences:
        if s and s not in out:
            out.append(s)
            if len(out) == limit:
                break
    return out


def _by_paper(links: Iterable[PaperLink]) -> dict[str, list[PaperLink]]:
    grouped: dict[str, list[PaperLink]] = defaultdict(list)
    for link in links:
        grouped[link.paper_id].append(link)
    return grouped


def _evidence(links: Sequence[PaperLink]) -> list[str]:
    """Evidence sentences of several edges, strongest edge first."""
    ordered = sorted(links, key=lambda l: (-l.confidence, l.entity_id, l.type))
    return [s for link in ordered for s in link.evidence]


class QueryEngine:
    """Query helpers over any GraphAccess."""

    def __init__(self, access: GraphAccess) -> None:
        self.access = access

    # -- name resolution -------------------------------------------------------------------------
    def _expand(self, name: str, labels: Sequence[str]) -> tuple[dict[str, int], list[EntityRow]]:
        """Entities matching `name` (through aliases, case, plural) plus their IS_A descendants."""
        key = name_key(name)
        matched = self.access.match_entities(key, labels) if key else []
        if not matched and (shorter := fallback_key(key)):
            matched = self.access.match_entities(shorter, labels)
        return self.access.descendants([row.id for row in matched]), matched

    def lookup(self, name: str, label: str | None = None) -> list[EntityResult]:
        """Entities known by `name` through any alias, most-mentioned first."""
        labels = (label,) if label else ALL_ENTITY_LABELS
        rows = self.access.match_entities(name_key(name), labels) if name_key(name) else []
        rows = sorted(rows, key=lambda r: (-r.paper_count, r.id))
        return [
            EntityResult(
                entity_id=r.id, name=r.name, label=r.label, aliases=list(r.aliases),
                paper_count=r.paper_count, score=float(r.paper_count),
            )
            for r in rows
        ]

    # -- papers ----------------------------------------------------------------------------------
    def papers_using(self, x: str, task: str | None = None, *, limit: int = 20) -> list[PaperResult]:
        """Papers that propose, use or evaluate on X (or anything that IS_A X), optionally for task Y."""
        x_depth, _ = self._expand(x, USE_LABELS)
        if not x_depth:
            return []
        uses = _by_paper(self.access.paper_links(list(x_depth), USE_TYPES))
        addresses: dict[str, list[PaperLink]] = {}
        if task is not None:
            y_depth, _ = self._expand(task, ("Task",))
            if not y_depth:
                return []
            addresses = _by_paper(self.access.paper_links(list(y_depth), ("ADDRESSES",)))
            candidates = sorted(set(uses) & set(addresses))
        else:
            candidates = sorted(uses)
        def linked_sentences(pid: str) -> list[str]:
            task_ev = {s for link in addresses.get(pid, ()) for s in link.evidence}
            return [s for link in uses[pid] for s in link.evidence if s in task_ev]

        # Score every candidate cheaply; build evidence only for the answers returned (hub entities
        # such as "neural network" have tens of thousands of candidate papers at 100k).
        ranked = []
        for pid in candidates:
            score = 0.5 * max(l.confidence for l in uses[pid]) - 0.05 * min(x_depth[l.entity_id] for l in uses[pid])
            if task is not None:
                linked = 1.0 if linked_sentences(pid) else 0.0
                score += 0.5 * max(l.confidence for l in addresses[pid]) + linked
            ranked.append((round(score, 4), pid))
        scored = []
        for score, pid in heapq.nsmallest(limit, ranked, key=lambda t: (-t[0], t[1])):
            use_ev = _evidence(uses[pid])
            task_ev = _evidence(addresses.get(pid, []))
            linked = [s for s in use_ev if s in task_ev]
            evidence = _dedupe([*linked, *use_ev, *task_ev])
            matched = sorted({l.entity_id for l in uses[pid]} | {l.entity_id for l in addresses.get(pid, [])})
            scored.append((score, pid, evidence, matched))
        return self._paper_results(scored, limit)

    def papers_proposing(self, x: str, *, limit: int = 20) -> list[PaperResult]:
        """Papers that introduce X (or something that IS_A X)."""
        x_depth, _ = self._expand(x, ("Method", "Dataset"))
        if not x_depth:
            return []
        scored = []
        for pid, links in sorted(_by_paper(self.access.paper_links(list(x_depth), ("PROPOSES",))).items()):
            depth = min(x_depth[l.entity_id] for l in links)
            score = max(l.confidence for l in links) - 0.05 * depth
            scored.append((round(score, 4), pid, _dedupe(_evidence(links)), sorted({l.entity_id for l in links})))
        return self._paper_results(scored, limit)

    def related_papers(self, paper_id: str, *, limit: int = 10) -> list[PaperResult]:
        """Papers sharing (rare) entities with the given paper, boosted by citation links."""
        own = self.access.paper_links_of([paper_id], PAPER_ENTITY_TYPES)
        entity_rows = self.access.entities({l.entity_id for l in own})
        weights = {
            e: 1.0 / math.log2(1 + max(row.paper_count, 1))
            for e, row in entity_rows.items()
            if row.paper_count <= RELATED_HUB_LIMIT
        }
        others = _by_paper(l for l in self.access.paper_links(sorted(weights), PAPER_ENTITY_TYPES) if l.paper_id != paper_id)
        cites, cited_by = self.access.citations(paper_id)
        cited = set(cites) | set(cited_by)
        scored = []
        for pid in sorted(set(others) | cited):
            links = others.get(pid, [])
            shared = sorted({l.entity_id for l in links})
            score = sum(weights[e] for e in shared) + (1.0 if pid in cited else 0.0)
            strongest = sorted(links, key=lambda l: (-weights[l.entity_id], l.entity_id, l.type))
            scored.append((round(score, 4), pid, _dedupe(s for l in strongest for s in l.evidence), shared))
        return self._paper_results(scored, limit)

    def _paper_results(self, scored: list[tuple[float, str, list[str], list[str]]], limit: int) -> list[PaperResult]:
        top = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
        rows = self.access.papers([pid for _, pid, _, _ in top])
        names = self.access.entities({e for *_, matched in top for e in matched})
        return [
            PaperResult(
                paper_id=pid, title=rows[pid].title if pid in rows else "", year=rows[pid].year if pid in rows else None,
                evidence=evidence, score=score, matched=[names[e].name for e in matched if e in names],
            )
            for score, pid, evidence, matched in top
        ]

    # -- entities --------------------------------------------------------------------------------
    def methods_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Methods used for a task (or its sub-tasks), by supporting papers."""
        return self._cooccurring(task, "Task", ("ADDRESSES",), ("USES", "PROPOSES"), "Method", "USED_FOR", limit)

    def datasets_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Datasets that papers addressing a task evaluate on (or introduce)."""
        return self._cooccurring(task, "Task", ("ADDRESSES",), ("EVALUATES_ON", "PROPOSES"), "Dataset", None, limit)

    def tasks_for(self, method: str, *, limit: int = 20) -> list[EntityResult]:
        """Tasks a method (or its variants) is used for."""
        return self._cooccurring(method, "Method", USE_TYPES, ("ADDRESSES",), "Task", "USED_FOR", limit)

    def _cooccurring(
        self,
        name: str,
        anchor_label: str,
        anchor_types: Sequence[str],
        other_types: Sequence[str],
        other_label: str,
        sentence_rel: str | None,
        limit: int,
    ) -> list[EntityResult]:
        """Entities of other_label linked to the anchor entity in the same papers.

        A paper counts 1.0 for an entity when one sentence links the two (an extracted USED_FOR edge or
        a shared evidence sentence) and 0.5 when they only meet in the same paper.
        """
        anchor_depth, _ = self._expand(name, (anchor_label,))
        if not anchor_depth:
            return []
        anchor_links = _by_paper(self.access.paper_links(list(anchor_depth), anchor_types))
        other_links = self.access.paper_links_of(sorted(anchor_links), other_types)
        other_rows = self.access.entities({l.entity_id for l in other_links})
        sentence_papers: dict[str, set[str]] = defaultdict(set)
        sentence_evidence: dict[str, list[str]] = defaultdict(list)
        if sentence_rel is not None:
            if anchor_label == "Task":
                edges: list[EntityLink] = self.access.entity_links(sentence_rel, targets=list(anchor_depth))
                pairs = [(e.source, e) for e in edges]
            else:
                edges = self.access.entity_links(sentence_rel, sources=list(anchor_depth))
                pairs = [(e.target, e) for e in edges]
            for other, edge in sorted(pairs, key=lambda p: (p[0], -p[1].confidence)):
                sentence_papers[other].update(edge.papers)
                sentence_evidence[other].extend(edge.evidence)
        per_entity: dict[str, dict[str, float]] = defaultdict(dict)
        paper_evidence: dict[str, list[str]] = defaultdict(list)
        fallback_evidence: dict[str, list[str]] = defaultdict(list)
        for link in other_links:
            row = other_rows.get(link.entity_id)
            if row is None or row.label != other_label or link.entity_id in anchor_depth:
                continue
            anchor_ev = _evidence(anchor_links[link.paper_id])
            linked = [s for s in link.evidence if s in anchor_ev]
            weight = 1.0 if linked or link.paper_id in sentence_papers[link.entity_id] else 0.5
            per_entity[link.entity_id][link.paper_id] = max(weight, per_entity[link.entity_id].get(link.paper_id, 0.0))
            paper_evidence[link.entity_id].extend(linked)
            fallback_evidence[link.entity_id].extend(link.evidence)
        for other, papers in sentence_papers.items():
            if other in anchor_depth:
                continue
            for pid in papers:
                per_entity[other][pid] = 1.0
        rows = {**other_rows, **self.access.entities([e for e in per_entity if e not in other_rows])}
        results = []
        for entity_id, papers in per_entity.items():
            row = rows.get(entity_id)
            if row is None or row.label != other_label:
                continue
            results.append(
                EntityResult(
                    entity_id=entity_id, name=row.name, label=row.label, aliases=list(row.aliases),
                    paper_count=len(papers), papers=sorted(papers)[:MAX_SUPPORTING_PAPERS],
                    evidence=_dedupe(
                        [
                            *sentence_evidence.get(entity_id, []),
                            *paper_evidence.get(entity_id, []),
                            *fallback_evidence.get(entity_id, []),
                        ]
                    ),
                    score=round(sum(papers.values()), 4),
                )
            )
        return sorted(results, key=lambda r: (-r.score, r.entity_id))[:limit]

    def stats(self) -> dict:
        """Graph counts and extraction coverage."""
        stats = self.access.stats()
        with_abstract = stats.get("papers_with_abstract", 0)
        stats["share_with_method_and_task"] = (
            round(stats.get("papers_with_method_and_task", 0) / with_abstract, 4) if with_abstract else 0.0
        )
        return stats
