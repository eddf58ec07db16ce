"""The query helpers: each composes GraphAccess primitives and ranks with pure functions.

Both backends share this module, so the embedded graph and Neo4j give the same answers in the same
order; only the primitives differ.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from kg.graph.schema import MAX_EVIDENCE, PAPER_ENTITY_TYPES, TOP_PAPERS, USE_LABELS, USE_TYPES
from kg.query.access import EntityLink, EntityRow, Family, GraphAccess, PaperLink
from kg.query.names import DEPTH_PENALTY, ResolvedName, did_you_mean, fallback_key, is_specific, ladder_keys, resolve_name
from kg.query.results import EntityResult, PaperAnswer, PaperResult
from kg.query.support import MIN_SCORE, Forms, Side, Support, TopicWords, judge
from kg.query.text import Sentence, content_terms, expand, paper_sentences
from kg.resolve import name_key

ALL_ENTITY_LABELS = ("Method", "Dataset", "Task", "Metric")
# Entities mentioned by more papers than this carry little signal for "related" and dominate cost.
RELATED_HUB_LIMIT = 2000
MAX_SUPPORTING_PAPERS = 10


def _rank_key(item: tuple[float, str]) -> tuple[float, str]:
    """Best score first, then the smaller paper id (deterministic on ties)."""
    return (-item[0], item[1])


def link_strength(confidence: float, depth: int) -> float:
    """One edge's strength: 0.5 x confidence less 0.05 per IS_A step (the one formula both rankings use)."""
    return 0.5 * confidence - DEPTH_PENALTY * depth


def use_score(links: Iterable[PaperLink], depth: dict[str, int]) -> float:
    """A paper's strength for an entity family: its best link, 0.5 x confidence less 0.05 per IS_A step."""
    return max(link_strength(l.confidence, depth[l.entity_id]) for l in links)


def rank_users(links: Iterable[PaperLink], depth: dict[str, int], limit: int) -> list[tuple[float, str]]:
    """(score, paper) of the `limit` best papers among all their links (the full-scan ranking)."""
    grouped = _by_paper(l for l in links if l.entity_id in depth)
    best = heapq.nsmallest(limit, ((use_score(ls, depth), pid) for pid, ls in grouped.items()), key=_rank_key)
    return [(round(score, 4), pid) for score, pid in best]


def merge_top_lists(
    lists: dict[str, tuple[Sequence[str], Sequence[float]]], depth: dict[str, int], limit: int
) -> list[tuple[float, str]]:
    """The `limit` best papers from per-entity strongest-first lists; equals rank_users while limit <= list size.

    Each list is sorted by (-confidence, paper id) and the depth is constant within a list, so
    a k-way merge over the list heads meets every paper first at its best score.
    """
    heads = []
    for entity, (papers, confs) in lists.items():
        if entity in depth and papers:
            level = depth[entity]
            heads.append((-link_strength(confs[0], level), papers[0], 0, level, papers, confs))
    heapq.heapify(heads)
    out: list[tuple[float, str]] = []
    seen: set[str] = set()
    while heads and len(out) < limit:
        negative, pid, i, level, papers, confs = heads[0]
        if pid not in seen:
            seen.add(pid)
            out.append((round(-negative, 4), pid))
        if i + 1 < len(papers):
            heapq.heapreplace(heads, (-link_strength(confs[i + 1], level), papers[i + 1], i + 1, level, papers, confs))
        else:
            heapq.heappop(heads)
    return out


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


# papers_using with a task: candidates verified sentence by sentence, at most this many per question
# (ranked first by what the graph and the index say of them) so a broad pair stays fast.
MAX_VERIFIED = 100
SENTENCE_CACHE = 2000  # papers whose split, stemmed sentences are kept between questions (~25 kB each)
BROAD_FAMILY = 2000  # papers linked to a name's entities above which its edges are read per candidate
MAX_TEXT_ANCHORS = 2000  # papers the text index may add to an entity question's anchor


def _is_broad(name: ResolvedName) -> bool:
    """True when the name's entities reach more papers than are worth reading edge by edge."""
    return sum(name.paper_counts.values()) > BROAD_FAMILY


class UnknownPaperError(ValueError):
    """A paper id the graph does not hold (a ValueError, so `kg` shows it as one error line)."""


class QueryEngine:
    """Query helpers over any GraphAccess."""

    def __init__(self, access: GraphAccess) -> None:
        self.access = access
        self._sentences: dict[str, list[Sentence]] = {}

    # -- name resolution -------------------------------------------------------------------------
    def _family(self, name: str, labels: Sequence[str]) -> Family:
        """Entities matching `name` (through aliases, case, plural) plus their IS_A descendants."""
        key = name_key(name)
        family = self.access.family(key, labels) if key else Family((), {})
        if not family.matched and (shorter := fallback_key(key)):
            family = self.access.family(shorter, labels)
        return family

    def _expand(self, name: str, labels: Sequence[str]) -> tuple[dict[str, int], list[EntityRow]]:
        """(IS_A depth per entity, matched rows) for `name`."""
        family = self._family(name, labels)
        return family.depth, list(family.matched)

    def lookup(self, name: str, label: str | None = None) -> list[EntityResult]:
        """Entities known by `name` through any alias, most-mentioned first."""
        labels = (label,) if label else ALL_ENTITY_LABELS
        family = self.access.family(name_key(name), labels) if name_key(name) else Family((), {})
        rows = sorted(family.matched, key=lambda r: (-r.paper_count, r.id))
        return [
            EntityResult(
                entity_id=r.id, name=r.name, label=r.label, aliases=list(r.aliases),
                paper_count=r.paper_count, score=float(r.paper_count),
                # its strongest papers, as stored on the node (graphs built before the lists: none)
                papers=list((family.members[r.id].top_papers or ())[:MAX_SUPPORTING_PAPERS]),
            )
            for r in rows
        ]

    # -- papers ----------------------------------------------------------------------------------
    def papers_using(self, x: str, task: str | None = None, *, limit: int = 20) -> list[PaperResult]:
        """Papers that propose, use or evaluate on X (or anything that IS_A X), optionally for task Y.

        Without a task, a paper scores its strongest link to the X family (see use_score). With a task,
        the answer is read from what the papers say (answer_papers_using).
        """
        if task is not None:
            return self.answer_papers_using(x, task, limit=limit).results
        x_family = self._family(x, USE_LABELS)
        x_depth = x_family.depth
        if not x_depth:
            return []
        names = {e: m.name for e, m in x_family.members.items()}
        ranked = self._ranked_from_top_lists(x_family, limit)
        if ranked is None:
            ranked = rank_users(self.access.paper_links(list(x_depth), USE_TYPES), x_depth, limit)
        # Evidence only for the answers returned: a frequent X has tens of thousands of candidates.
        uses = _by_paper(self.access.paper_links_of([pid for _, pid in ranked], USE_TYPES, to=list(x_depth)))
        scored = [
            (score, pid, _dedupe(_evidence(uses.get(pid, []))), sorted({l.entity_id for l in uses.get(pid, [])}))
            for score, pid in ranked
        ]
        return self._paper_results(scored, limit, names)

    # -- papers using X for Y: the ladder, text evidence and judgment -------------------------------
    def resolve(self, name: str) -> ResolvedName:
        """The name-resolution ladder over entities of every label."""
        return self.resolve_all([name], ALL_ENTITY_LABELS)[0]

    def resolve_all(self, names: Sequence[str], labels: Sequence[str]) -> list[ResolvedName]:
        """The ladder for several names, every key they may need fetched in one call."""
        found = self.access.families([k for n in names for k in ladder_keys(n)], labels)
        empty = Family((), {})
        return [resolve_name(n, lambda key, _labels: found.get(key, empty), labels) for n in names]

    def _paper_sentences(self, paper_ids: Sequence[str]) -> dict[str, list[Sentence]]:
        missing = [p for p in paper_ids if p not in self._sentences]
        if missing:
            if len(self._sentences) + len(missing) > SENTENCE_CACHE:
                self._sentences.clear()
            for pid, (title, abstract) in self.access.paper_texts(missing).items():
                self._sentences[pid] = paper_sentences(title, abstract)
        return {p: self._sentences[p] for p in paper_ids if p in self._sentences}

    def answer_papers_using(self, x: str, task: str, *, limit: int = 20) -> PaperAnswer:
        """Papers whose text or edges say they use X for Y, best first, with explanation and ladder trace."""
        x_name, y_name = self.resolve_all([x, task], ALL_ENTITY_LABELS)
        x_forms, y_forms = Forms.of(x_name.forms), Forms.of(y_name.forms)
        x_judged = Side(x_forms, Forms.of(x_name.own_forms()), x_name.entities, x_name.residual)
        y_judged = Side(y_forms, Forms.of(y_name.own_forms()), y_name.entities, y_name.residual)
        strong, weak = content_terms(task)
        topic = TopicWords(tuple(strong), tuple(weak))
        # A broad family (thousands of papers) is reached through the text index, which holds all its
        # aliases; its edges are read only for the papers verified below.
        x_links, y_links = self._family_links(x_name, y_name)
        x_groups, y_named_groups = x_forms.groups(), y_forms.groups()
        y_groups = y_named_groups + topic.groups()
        # candidates: X by text or edge, and Y by text or edge (the index intersects the text sides)
        x_text = self.access.text_search(x_groups, also=y_groups)
        if y_links:
            x_text |= self.access.text_search(x_groups, within=y_links.keys())
        x_side = x_text | (x_links.keys() & y_links.keys())
        if x_links:
            x_side |= self.access.text_search(y_groups, within=x_links.keys())
        resolution = {"x": x_name.explain(), "y": y_name.explain()}
        if not x_side:
            return PaperAnswer(explain=self._why_empty(x, task, x_name, y_name, x_groups, y_groups, 0), resolution=resolution)
        used_for = self._used_for_papers(x_name, y_name)
        y_named = self.access.text_search(y_named_groups, within=x_side) if len(x_side) > MAX_VERIFIED else set()

        def likelihood(p: str) -> tuple[int, str]:
            # what the index and the edges already say, so a broad pair verifies its likeliest papers
            signals = 2 * (p in used_for) + (p in x_links) + (p in y_links) + (p in x_text) + (p in y_named)
            return -signals, p

        ordered = heapq.nsmallest(MAX_VERIFIED, x_side, key=likelihood)
        broad = [(name, links) for name, links in ((x_name, x_links), (y_name, y_links)) if _is_broad(name)]
        if broad:
            targets = sorted({e for name, _ in broad for e in name.entities})
            verified_links = self.access.paper_links_of(ordered, PAPER_ENTITY_TYPES, to=targets)
            for name, links in broad:
                links.update(_by_paper(l for l in verified_links if l.entity_id in name.entities))
        sentences = self._paper_sentences(ordered)
        vocabulary = frozenset().union(*(s.term_set for ss in sentences.values() for s in ss))
        topic = TopicWords(topic.strong, topic.weak, expand((*topic.strong, *topic.weak), vocabulary))
        judged: list[tuple[Support, str]] = []
        for pid in ordered:
            support = judge(
                sentences.get(pid, []), x_judged, y_judged, topic, x_links.get(pid, []), y_links.get(pid, []),
                used_for=pid in used_for,
            )
            if support.score >= MIN_SCORE:
                judged.append((support, pid))
        judged.sort(key=lambda t: (-t[0].score, t[1]))
        names = {**x_name.names, **y_name.names}
        scored = [(s.score, pid, s.evidence, s.matched) for s, pid in judged[:limit]]
        results = self._paper_results(scored, limit, names)
        explain = None if results else self._why_empty(x, task, x_name, y_name, x_groups, y_groups, len(x_side))
        return PaperAnswer(results=results, explain=explain, resolution=resolution)

    def _family_links(self, *names: ResolvedName) -> list[dict[str, list[PaperLink]]]:
        """Paper links to each name's entities, by paper, in one read ({} for a broad family: read per paper later)."""
        narrow = [n for n in names if n.entities and not _is_broad(n)]
        ids = sorted({e for n in narrow for e in n.entities})
        links = self.access.paper_links(ids, PAPER_ENTITY_TYPES) if ids else []
        return [_by_paper(l for l in links if l.entity_id in n.entities) if n in narrow else {} for n in names]

    def _used_for_papers(self, x_name: ResolvedName, y_name: ResolvedName) -> set[str]:
        """Papers with an extracted USED_FOR sentence from X's family to Y's."""
        if not x_name.entities or not y_name.entities:
            return set()
        edges = self.access.entity_links("USED_FOR", sources=list(x_name.entities), targets=list(y_name.entities))
        return {p for e in edges for p in e.papers}

    def _why_empty(
        self,
        x: str,
        task: str,
        x_name: ResolvedName,
        y_name: ResolvedName,
        x_groups: list,
        y_groups: list,
        together: int,
    ) -> str:
        """One sentence on why no paper answers."""
        for label, name, resolved, groups in (("X", x, x_name, x_groups), ("Y", task, y_name, y_groups)):
            if not together and not resolved.entities and not self.access.text_search(groups):
                keys = did_you_mean(name_key(name), self.access.similar_keys(name_key(name), limit=10))
                suggestions = list(dict.fromkeys(
                    row.name for k in keys for row in self.access.match_entities(k, ALL_ENTITY_LABELS)[:1]
                ))
                hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
                return f"{label} {name!r} is neither an entity nor a phrase in any paper{hint}"
        if not together:
            return f"no paper mentions both {x!r} and {task!r}"
        return f"{together} papers mention both {x!r} and {task!r}, but none says {x!r} is used for {task!r}"

    def _ranked_from_top_lists(self, x_family: Family, limit: int) -> list[tuple[float, str]] | None:
        """Top papers from the entities' stored strongest-paper lists; None when those cannot decide."""
        if limit > TOP_PAPERS or any(m.top_papers is None for m in x_family.members.values()):
            return None  # more answers than the lists hold, or a graph built before the lists existed
        lists = {e: (m.top_papers or (), m.top_conf) for e, m in x_family.members.items()}
        return merge_top_lists(lists, x_family.depth, limit)

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
        """Papers sharing (rare) entities with the given paper, boosted by citation links.

        UnknownPaperError when the graph has no paper with that id (an empty answer would hide a typo).
        """
        if not self.access.papers([paper_id]):
            raise UnknownPaperError(
                f"paper {paper_id!r} is not in the graph (ids look like arxiv:2309.08349, doi:10.1/x or "
                "title:<16 hex>; `--json` answers of the other queries show them)"
            )
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

    def _paper_results(
        self, scored: list[tuple[float, str, list[str], list[str]]], limit: int, names: dict[str, str] | None = None
    ) -> list[PaperResult]:
        top = sorted(scored, key=lambda t: (-t[0], t[1]))[:limit]
        rows = self.access.papers([pid for _, pid, _, _ in top])
        wanted = {e for *_, matched in top for e in matched}
        if names is None or not wanted <= names.keys():
            names = {e: row.name for e, row in self.access.entities(wanted).items()}
        return [
            PaperResult(
                paper_id=pid, title=rows[pid].title if pid in rows else "", year=rows[pid].year if pid in rows else None,
                evidence=evidence, score=score, matched=[names[e] for e in matched if e in names],
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
        resolved = self.resolve_all([name], (anchor_label,))[0]
        if not resolved.entities:  # the NER often gives a task the label of a method, and the reverse
            resolved = self.resolve(name)
        anchor_depth = {e: 0 for e in resolved.entities}
        if not anchor_depth:
            return []
        anchor_keys = {name_key(n) for n in resolved.names.values()} | {name_key(name)}
        anchor_links = _by_paper(self.access.paper_links(list(anchor_depth), PAPER_ENTITY_TYPES))
        if anchor_label == "Task" and not _is_broad(resolved):
            # papers whose text names the task where the NER did not link it (co-mentions, weight 0.5);
            # not for a method anchor, which text names as a baseline as often as in use
            for pid in sorted(self.access.text_search(Forms.of(resolved.own_forms()).groups()))[:MAX_TEXT_ANCHORS]:
                anchor_links.setdefault(pid, [])
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
            if row is None or row.label != other_label or name_key(row.name) in anchor_keys:
                continue
            if not is_specific(row.name):
                continue  # "neural network", "algorithmic framework", "L_{1": no answer to "which methods"
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
                    # association, not frequency: an entity met in every paper says little of this one
                    score=round(sum(papers.values()) * math.sqrt(len(papers) / max(row.paper_count, len(papers))), 4),
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
