"""The query helpers: each composes GraphAccess primitives and ranks with pure functions.

Both backends share this module, so the embedded graph and Neo4j give the same answers in the same
order; only the primitives differ.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

import numpy as np

from kg.graph.schema import (
    MAX_EVIDENCE,
    OFFER_BAR,
    PAPER_ENTITY_TYPES,
    SOLE_BENCHMARK,
    TOP_PAPERS,
    USE_LABELS,
    USE_ROLES,
    USE_TYPES,
)
from kg.query.access import EntityRow, Family, GraphAccess, PaperLink
from kg.query.columns import AnchorColumns, LinkColumns, distinct, group_starts
from kg.query.names import DEPTH_PENALTY, ResolvedName, did_you_mean, fallback_key, ladder_keys, resolve_name
from kg.query.results import EntityResult, PaperAnswer, PaperResult
from kg.query.support import MIN_SCORE, Forms, Hits, Side, Support, TopicWords, judge, sentence_hits, topic_bags
from kg.query.text import Sentence, content_terms, expand, name_variants, paper_sentences
from kg.resolve import name_key

ALL_ENTITY_LABELS = ("Method", "Dataset", "Task", "Metric")
# Entities mentioned by more papers than this carry little signal for "related" and dominate cost.
RELATED_HUB_LIMIT = 2000
MAX_SUPPORTING_PAPERS = 10
STATS_TOP = 50  # most-mentioned offered entities per label in stats
MIN_BENCHMARK = 0.2  # a dataset's BENCHMARK_FOR weight below this says little about the paper's task
MIN_MEASURES = 0.2  # likewise a metric's MEASURES weight ("accuracy" measures too many tasks to agree)
# helper rankings (methods_for, datasets_for, tasks_for): a supporting paper's weight
SAME_SENTENCE = 1.0  # one sentence links the entity to the anchor
CO_MENTION = 0.5  # they only meet in the same paper
DATASET_CO_MENTION = 1.0  # a dataset in a paper addressing the task, not known to benchmark another task
TEXT_ANCHOR = 0.8  # the paper's text names the task where no edge links it
MIN_SUPPORT = 1.0  # one same-sentence paper or two co-mentions: a single co-mention is no answer
# support x (share of the entity's papers that are the anchor's) ** ASSOCIATION_POWER: an entity met
# everywhere is discounted, gently, so that the standard answers (CIFAR-100, BERT) stay on top
ASSOCIATION_POWER = 0.25


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
    lists: Mapping[str, tuple[Sequence[str], Sequence[float]]], depth: dict[str, int], limit: int
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
RANK_CHUNK = 200  # candidate entities scored (their rows read) at a time, best support first
EVIDENCE_BATCH = 16  # links whose evidence is read at once for an answer (Neo4j: one round trip)


def _rows_of_pairs(paper: np.ndarray, entity: np.ndarray, pairs: np.ndarray, n_entities: int) -> np.ndarray:
    """Per row (rows sorted by paper, then entity): its (paper, entity) is one of `pairs` ((n, 2) array).

    Two binary searches per pair into the sorted row keys, then a running count over the ranges found
    (np.isin would sort all the rows' keys again)."""
    key = paper.astype(np.int64) * n_entities + entity
    wanted = pairs[:, 0] * n_entities + pairs[:, 1]
    edges = np.zeros(len(key) + 1, dtype=np.int64)
    np.add.at(edges, np.searchsorted(key, wanted, side="left"), 1)
    np.add.at(edges, np.searchsorted(key, wanted, side="right"), -1)
    return np.cumsum(edges[:-1]) > 0


def _read_ahead(rows: np.ndarray, load: Callable[[np.ndarray], None]) -> Iterator[int]:
    """The rows in order, `load` called first on each batch of them (EVIDENCE_BATCH, then 4x larger each time)."""
    at, size = 0, EVIDENCE_BATCH
    if len(rows) <= size:  # loaded with the first batch of every answer
        yield from map(int, rows)
        return
    while at < len(rows):
        load(rows[at : at + size])
        yield from (int(r) for r in rows[at : at + size])
        at, size = at + size, 4 * size


def _is_broad(name: ResolvedName) -> bool:
    """True when the name's entities reach more papers than are worth reading edge by edge."""
    return sum(name.paper_counts.values()) > BROAD_FAMILY


def _names_dataset(name: ResolvedName) -> bool:
    """True when the entities the name matched itself (not its family) are mostly datasets."""
    matched = [e for step in name.steps for e in step.found]
    return bool(matched) and 2 * sum(e.startswith("dataset:") for e in matched) > len(matched)


NAME_CACHE = 32  # names whose resolution, forms and family links are kept between questions
READ_CACHE = 2000  # papers whose sentences' readings are kept per name (as SENTENCE_CACHE: ~100 per question)


class _Named:
    """What papers_using with a task derives from one of its names: the same on every question naming it
    (a broad family's hundreds of forms and thousands of links took most of a question to derive)."""

    __slots__ = (
        "resolved",
        "forms",
        "own_forms",
        "groups",
        "links",
        "known",
        "known_by_words",
        "verified",
        "named_in",
        "said_in",
        "_hits",
        "_bags",
    )

    def __init__(self, resolved: ResolvedName, links: dict[str, list[PaperLink]] | None) -> None:
        self.resolved = resolved
        self.forms, self.own_forms = Forms.of(resolved.forms), Forms.of(resolved.own_forms())
        self.groups = self.forms.groups()
        self.links = links  # the narrow family's paper links by paper; None: broad (read per candidate)
        self.known: dict[str, PaperLink] | None = None  # QueryEngine._benchmark_support, once asked for
        self.known_by_words: set[str] = set()  # of those, the papers Y's sole benchmark alone vouches for
        self.verified: dict[str, list[PaperLink]] = {}  # a broad family's links of the papers verified so far
        # papers whose text names one of its forms (text_search(groups)), and (the name as a task) those whose
        # text names it or holds its words: each question's searches are intersections of these
        self.named_in: set[str] | None = None
        self.said_in: set[str] | None = None
        # per paper, how its sentences read for this name: the forms' hits, and (the name as a task) its words
        self._hits: dict[tuple[str, bool], Hits] = {}
        self._bags: dict[str, tuple[tuple[float, ...], bool]] = {}

    def side(self, dataset: bool = False) -> Side:
        """The name as the judge sees it."""
        r = self.resolved
        return Side(self.forms, self.own_forms, r.entities, r.residual, dataset)

    def family_links(self) -> dict[str, list[PaperLink]]:
        """Paper links by paper: the narrow family's (shared: read only), a fresh dict for a broad one."""
        return self.links if self.links is not None else {}

    def hits(
        self, paper: str, side: Side, sentences: Sequence[Sentence], terms: frozenset[str], baselines: bool
    ) -> Hits:
        """support.sentence_hits of this name's side in the paper (kept: a broad name has hundreds of forms)."""
        found = self._hits.get((paper, baselines))
        if found is None:
            if len(self._hits) >= READ_CACHE:
                self._hits.clear()
            found = self._hits[paper, baselines] = sentence_hits(side, sentences, terms, baselines)
        return found

    def bags(
        self, paper: str, topic: Callable[[], TopicWords], sentences: Sequence[Sentence], terms: frozenset[str]
    ) -> tuple[tuple[float, ...], bool]:
        """support.topic_bags of this name's words (as the task of a question) in the paper (topic() is
        asked for only when they are not kept: it expands the words over the candidates' terms)."""
        found = self._bags.get(paper)
        if found is None:
            if len(self._bags) >= READ_CACHE:
                self._bags.clear()
            found = self._bags[paper] = topic_bags(topic(), sentences, terms)
        return found


def _likeliest(
    candidates: set[str],
    edges: tuple[Collection[str], Collection[str], Collection[str]],
    texts: tuple[set[str], set[str]],
) -> list[str]:
    """The MAX_VERIFIED candidates with most signals, then by id: what the edges (an extracted USED_FOR
    counts two, a link to X's or Y's family one) and the index (the text names X and Y's words; it names
    Y) already say, so a broad pair verifies its likeliest papers.

    Only the candidates with an edge are scored one by one: the others (thousands for a broad pair) fall
    into three classes by their text signals (both, one, none), of which only the MAX_VERIFIED smallest
    ids can rank, and a class is not even formed once MAX_VERIFIED candidates have more signals than it.
    """
    used_for, x_linked, y_linked = edges
    in_text, names_y = texts  # both within the candidates

    def key(p: str) -> tuple[int, str]:
        signals = 2 * (p in used_for) + (p in x_linked) + (p in y_linked) + (p in in_text) + (p in names_y)
        return -signals, p

    marked = candidates & set().union(used_for, x_linked, y_linked)
    scored = [key(p) for p in marked]
    classes = (
        (2, lambda: (in_text & names_y) - marked),
        (1, lambda: (in_text ^ names_y) - marked),
        (0, lambda: candidates - in_text - names_y - marked),
    )
    for signals, group in classes:
        if sum(-negative > signals for negative, _ in scored) >= MAX_VERIFIED:
            break  # this class and those below it cannot rank
        scored += [(-signals, p) for p in heapq.nsmallest(MAX_VERIFIED, group())]
    return [p for _, p in heapq.nsmallest(MAX_VERIFIED, scored)]


class UnknownPaperError(ValueError):
    """A paper id the graph does not hold (a ValueError, so `kg` shows it as one error line)."""


class QueryEngine:
    """Query helpers over any GraphAccess."""

    def __init__(self, access: GraphAccess) -> None:
        self.access = access
        self._sentences: dict[str, list[Sentence]] = {}
        self._paper_terms: dict[str, frozenset[str]] = {}  # every term of the cached papers' sentences
        # papers_using with a task: per (name, asked as the task?), most recent last
        self._named: dict[tuple[str, bool], _Named] = {}

    # -- name resolution -------------------------------------------------------------------------
    def _family(self, name: str, labels: Sequence[str]) -> Family:
        """Entities matching `name` (through aliases, case, plural) plus their IS_A descendants."""
        key = name_key(name)
        family = self.access.family(key, labels) if key else Family((), {})
        if not family.matched and (shorter := fallback_key(key)):
            family = self.access.family(shorter, labels)
        return family

    def family(self, name: str, labels: Sequence[str]) -> Family:
        """The entities `name` resolves to, with their IS_A descendants (what trends count)."""
        return self._family(name, labels)

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
                entity_id=r.id,
                name=r.name,
                label=r.label,
                aliases=list(r.aliases),
                paper_count=r.paper_count,
                score=float(r.paper_count),
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
                # start over, keeping none: the papers asked for that were cached must be read again too
                # (they were dropped from the answer before, which made it depend on earlier questions)
                self._sentences.clear()
                self._paper_terms.clear()
                missing = list(dict.fromkeys(paper_ids))
            for pid, (title, abstract, stored) in self.access.paper_sentences(missing).items():
                self._sentences[pid] = paper_sentences(title, abstract, stored)
                self._paper_terms[pid] = frozenset().union(*(s.term_set for s in self._sentences[pid]))
        return {p: self._sentences[p] for p in paper_ids if p in self._sentences}

    def _names(self, x: str, task: str) -> list[_Named]:
        """_Named of X and of the task: kept from an earlier question, else resolved (in one call each way).

        The task is resolved over tasks first: "stochastic optimization" is the task, not also the method
        collection of that name, whose members (SGD, Adam) would then state it; over every label only when
        no task matches (the NER often gives a task the label of a method)."""
        keys = [(x, False), (task, True)]
        missing = [k for k in dict.fromkeys(keys) if k not in self._named]
        if missing:
            found: dict[tuple[str, bool], ResolvedName] = {}
            as_task = [k for k in missing if k[1]]
            if as_task:
                for key, r in zip(as_task, self.resolve_all([n for n, _ in as_task], ("Task",)), strict=True):
                    if r.entities:
                        found[key] = r
            rest = [k for k in missing if k not in found]  # X, and a task no task entity matched
            if rest:
                found.update(zip(rest, self.resolve_all([name for name, _ in rest], ALL_ENTITY_LABELS), strict=True))
            resolved = [found[k] for k in missing]
            for key, r, links in zip(missing, resolved, self._family_links(*resolved), strict=True):
                self._named[key] = _Named(r, None if _is_broad(r) else links)
        out = []
        for key in keys:
            named = self._named.pop(key)
            self._named[key] = named  # most recent last
            out.append(named)
        while len(self._named) > NAME_CACHE:
            del self._named[next(iter(self._named))]
        return out

    def answer_papers_using(self, x: str, task: str, *, limit: int = 20) -> PaperAnswer:
        """Papers whose text or edges say they use X for Y, best first, with explanation and ladder trace."""
        x_kept, y_kept = self._names(x, task)
        x_name, y_name = x_kept.resolved, y_kept.resolved
        x_judged, y_judged = x_kept.side(_names_dataset(x_name)), y_kept.side()
        strong, weak = content_terms(task)
        topic = TopicWords(tuple(strong), tuple(weak))
        # A broad family (thousands of papers) is reached through the text index, which holds all its
        # aliases; its edges are read only for the papers verified below.
        x_links, y_links = x_kept.family_links(), y_kept.family_links()
        x_groups, y_named_groups = x_kept.groups, y_kept.groups
        y_groups = y_named_groups + topic.groups()
        # Papers naming X, naming Y or holding its words, naming Y: searched once per name (on Neo4j a broad
        # name's hundreds of forms are several full-text queries), then intersected on every question.
        if x_kept.named_in is None:
            x_kept.named_in = self.access.text_search(x_groups)
        if y_kept.said_in is None:
            y_kept.said_in = self.access.text_search(y_groups)
        x_in, y_in = x_kept.named_in, y_kept.said_in
        # candidates: X by text or edge, and Y by text or edge
        x_text = x_in & y_in
        if y_links:
            x_text |= x_in & y_links.keys()
        x_side = x_text | (x_links.keys() & y_links.keys())
        if x_links:
            x_side |= y_in & x_links.keys()
        # what the vocabulary knows: papers with X that evaluate on a dataset benchmarking Y
        if y_kept.known is None:
            y_kept.known, y_kept.known_by_words = self._benchmark_support(y_name)
        known = y_kept.known
        if known:
            x_side |= known.keys() & (x_links.keys() | (x_in & known.keys()))
        resolution = {"x": x_name.explain(), "y": y_name.explain()}
        if not x_side:
            return PaperAnswer(
                explain=self._why_empty(x, task, x_name, y_name, x_groups, y_groups, 0), resolution=resolution
            )
        used_for = self._used_for_papers(x_name, y_name)
        y_named: set[str] = set()
        if len(x_side) > MAX_VERIFIED:
            if y_kept.named_in is None:
                y_kept.named_in = self.access.text_search(y_named_groups)
            y_named = y_kept.named_in & x_side
        ordered = _likeliest(x_side, (used_for, x_links.keys(), y_links.keys()), (x_text, y_named))
        broad = [(named, links) for named, links in ((x_kept, x_links), (y_kept, y_links)) if named.links is None]
        if broad:
            self._verify_links(broad, ordered)
        sentences = self._paper_sentences(ordered)

        words: list[TopicWords] = []

        def expanded() -> TopicWords:
            # Y's words matched over the candidates' terms once (when a paper's reading is not kept), rather
            # than word by word in every sentence
            if not words:
                vocabulary = frozenset().union(*(self._paper_terms[p] for p in sentences))
                words.append(TopicWords(topic.strong, topic.weak, expand((*topic.strong, *topic.weak), vocabulary)))
            return words[0]

        judged: list[tuple[Support, str]] = []
        for pid in ordered:
            paper_terms, x_paper, y_paper = self._paper_terms.get(pid), x_links.get(pid, []), y_links.get(pid, [])
            read = None
            if pid in sentences and paper_terms is not None:
                said = sentences[pid]
                read = (
                    x_kept.hits(pid, x_judged, said, paper_terms, not x_judged.dataset),
                    y_kept.hits(pid, y_judged, said, paper_terms, True),
                    *y_kept.bags(pid, expanded, said, paper_terms),
                )
            support = judge(
                sentences.get(pid, []),
                x_judged,
                y_judged,
                topic,
                x_paper,
                y_paper,
                used_for=pid in used_for,
                y_known=known.get(pid),
                y_known_needs_words=pid in y_kept.known_by_words,
                paper_terms=paper_terms,
                read=read,
            )
            if support.score >= MIN_SCORE:
                judged.append((support, pid))
        judged.sort(key=lambda t: (-t[0].score, t[1]))
        names = {**x_name.names, **y_name.names}
        scored = [(s.score, pid, s.evidence, s.matched) for s, pid in judged[:limit]]
        results = self._paper_results(scored, limit, names)
        # the knowledge step, when an answer owes Y to a benchmark of Y (names read for the answers only)
        vouching = sorted(
            {known[pid].entity_id for s, pid in judged[:limit] if pid in known and known[pid].entity_id in s.matched}
        )
        if vouching:
            rows = self.access.entities(vouching)
            listed = ", ".join(rows[e].name for e in vouching if e in rows)
            resolution["y"] = [*resolution["y"], f"benchmark of it (vocabulary): papers evaluating on {listed}"]
        explain = None if results else self._why_empty(x, task, x_name, y_name, x_groups, y_groups, len(x_side))
        return PaperAnswer(results=results, explain=explain, resolution=resolution)

    def _verify_links(self, broad: list[tuple[_Named, dict[str, list[PaperLink]]]], papers: Sequence[str]) -> None:
        """Fill each broad name's links dict with its family's links of `papers` (kept per name once read)."""
        for named, _ in broad:
            if len(named.verified) + len(papers) > READ_CACHE:
                named.verified.clear()
        missing = [p for p in papers if any(p not in named.verified for named, _ in broad)]
        if missing:
            targets = sorted({e for named, _ in broad for e in named.resolved.entities})
            read = _by_paper(self.access.paper_links_of(missing, PAPER_ENTITY_TYPES, to=targets))
            for named, _ in broad:
                entities = named.resolved.entities
                for p in missing:
                    named.verified[p] = [l for l in read.get(p, ()) if l.entity_id in entities]
        for named, links in broad:
            links.update((p, named.verified[p]) for p in papers if named.verified.get(p))

    def _benchmark_support(self, y_name: ResolvedName) -> tuple[dict[str, PaperLink], set[str]]:
        """Papers the vocabulary says do Y without their text naming it, with the link that says so, and
        those of them that only a sole benchmark vouches for (the judge wants one of Y's words in them).

        A paper counts when it evaluates on a dataset that benchmarks Y (BENCHMARK_FOR weight at least
        MIN_BENCHMARK) and reports a metric that MEASURES Y (weight at least MIN_MEASURES): "evaluated on
        CelebA-HQ with FID" is image generation; "evaluated on ImageNet" alone is not (ImageNet serves
        many tasks), nor is "accuracy on ImageNet" (accuracy measures too many tasks to say which). A
        dataset that is Y's sole benchmark (weight at least SOLE_BENCHMARK: DTU for 3D reconstruction)
        needs no metric where the paper says one of Y's words ("reconstruction"; kg.query.support.judge):
        GRIN evaluates on HumanEval among other benchmarks but says nothing of code generation.
        """
        tasks = [e for e in y_name.entities if e.startswith("task:")]
        if not tasks:
            return {}, set()
        weights: dict[str, float] = {}
        for edge in self.access.entity_links("BENCHMARK_FOR", targets=tasks):
            if edge.confidence >= MIN_BENCHMARK:
                weights[edge.source] = max(weights.get(edge.source, 0.0), edge.confidence)
        if not weights:
            return {}, set()
        metrics = {
            e.source for e in self.access.entity_links("MEASURES", targets=tasks) if e.confidence >= MIN_MEASURES
        }
        links = self.access.paper_links(sorted(weights.keys() | metrics), ("EVALUATES_ON", "REPORTS"))
        reports = {l.paper_id for l in links if l.entity_id in metrics}
        out: dict[str, PaperLink] = {}
        for link in links:
            sole = weights.get(link.entity_id, 0.0) >= SOLE_BENCHMARK
            if link.entity_id in weights and (sole or link.paper_id in reports):
                if link.paper_id not in out or link.confidence > out[link.paper_id].confidence:
                    out[link.paper_id] = link
        return out, set(out) - reports

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
                suggestions = list(
                    dict.fromkeys(
                        row.name for k in keys for row in self.access.match_entities(k, ALL_ENTITY_LABELS)[:1]
                    )
                )
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
        cites, cited_by = self.access.citations(paper_id)
        cited = set(cites) | set(cited_by)
        # every paper sharing a weighted entity, scored as columns (rare entities still reach thousands)
        cols = self.access.link_columns(PAPER_ENTITY_TYPES, entity_ids=sorted(weights))
        rows = np.flatnonzero(cols.paper != cols.paper_at.get(paper_id, -1))
        starts = group_starts(cols.paper[rows], cols.entity[rows])  # one per (paper, entity) shared
        weight_of = np.zeros(len(cols.entity_ids))
        weight_of[list(cols.entity_at[e] for e in weights if e in cols.entity_at)] = [
            weights[e] for e in weights if e in cols.entity_at
        ]
        shared_papers = cols.paper[rows[starts]]
        # sums in entity order within a paper, as a Python sum over its sorted shared entities
        totals = np.bincount(shared_papers, weights=weight_of[cols.entity[rows[starts]]], minlength=len(cols.paper_ids))
        candidates = distinct(shared_papers, len(cols.paper_ids))
        sums = {
            cols.paper_ids[p]: float(totals[p]) for p in self._top_candidates(candidates, totals, cols, cited, limit)
        }
        scores = {pid: round(total + (1.0 if pid in cited else 0.0), 4) for pid, total in sums.items()}
        scores.update({pid: round(0 + 1.0, 4) for pid in cited - {cols.paper_ids[p] for p in candidates}})
        top = sorted(scores, key=lambda pid: (-scores[pid], pid))[:limit]
        links = _by_paper(self.access.paper_links_of(top, PAPER_ENTITY_TYPES, to=list(weights)))
        scored = []
        for pid in top:
            shared = sorted({l.entity_id for l in links.get(pid, [])})
            strongest = sorted(links.get(pid, []), key=lambda l: (-weights[l.entity_id], l.entity_id, l.type))
            scored.append((scores[pid], pid, _dedupe(s for l in strongest for s in l.evidence), shared))
        return self._paper_results(scored, limit)

    @staticmethod
    def _top_candidates(
        candidates: np.ndarray, totals: np.ndarray, cols: LinkColumns, cited: set[str], limit: int
    ) -> np.ndarray:
        """The candidate papers that may rank in the top `limit` once rounded: those within 1e-4 of the
        limit-th best unrounded score (a citation adds 1; rounding to 4 places moves a score by 5e-5)."""
        if len(candidates) <= limit:
            return candidates
        unrounded = totals[candidates] + np.isin(candidates, cols.paper_index(cited))
        best = np.partition(unrounded, len(unrounded) - limit)[len(unrounded) - limit]
        return candidates[unrounded >= best - 1e-4]

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
                paper_id=pid,
                title=rows[pid].title if pid in rows else "",
                year=rows[pid].year if pid in rows else None,
                evidence=evidence,
                score=score,
                matched=[names[e] for e in matched if e in names],
            )
            for score, pid, evidence, matched in top
        ]

    # -- entities --------------------------------------------------------------------------------
    def methods_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Methods that papers addressing a task (or its subtasks) propose or use, best supported first."""
        return self._ranked_entities(task, "Task", ("USES", "PROPOSES"), "Method", "USED_FOR", limit)

    def datasets_for(self, task: str, *, limit: int = 20) -> list[EntityResult]:
        """Datasets that papers addressing a task (or its subtasks) evaluate on or introduce."""
        return self._ranked_entities(task, "Task", ("EVALUATES_ON", "PROPOSES"), "Dataset", None, limit)

    def tasks_for(self, method: str, *, limit: int = 20) -> list[EntityResult]:
        """Tasks that papers proposing or using a method (or a member of its family) address."""
        return self._ranked_entities(method, "Method", ("ADDRESSES",), "Task", "USED_FOR", limit)

    def _anchor_papers(
        self, resolved: ResolvedName, anchor_label: str, other_types: Sequence[str]
    ) -> tuple[AnchorColumns, list[str]]:
        """The links of the papers working with the anchor's family, and those of them only naming it in their text.

        A paper works with the family where it links to it, for a method anchor only where it proposes or
        uses it (not as a baseline or background); a task anchor also counts in papers whose text names it
        where the NER did not link it (weight TEXT_ANCHOR), not for a method, which text names as a
        baseline as often as in use. Of the other entities, only links of `other_types` the paper proposes
        or uses count.
        """
        text: list[str] = []
        if anchor_label == "Task" and not _is_broad(resolved):
            # the names of the tasks matched (the node's name_terms, which the saved Cypher searches too)
            matched = {e for step in resolved.steps for e in step.found}
            groups = [[(t,) for t in sorted(set(v))] for e in sorted(matched) for v in name_variants(resolved.names[e])]
            text = sorted(self.access.text_search(groups))[:MAX_TEXT_ANCHORS]
        cols = self.access.anchor_columns(
            sorted(resolved.entities),
            other_types,
            anchor_roles=USE_ROLES if anchor_label == "Method" else None,
            other_roles=USE_ROLES,
            also=text,
        )
        return cols, text

    def _ranked_entities(
        self,
        name: str,
        anchor_label: str,
        other_types: Sequence[str],
        other_label: str,
        sentence_rel: str | None,
        limit: int,
    ) -> list[EntityResult]:
        """Entities of other_label that the anchor's papers work with, ranked by support and association.

        A paper supports an entity with its anchor weight (1 for the name matched, less per IS_A step)
        times SAME_SENTENCE (one sentence links the two: an extracted USED_FOR edge, a shared evidence
        sentence, or for a dataset the vocabulary's BENCHMARK_FOR the anchor task) or CO_MENTION (they
        meet in the paper; for a dataset the vocabulary does not place under other tasks,
        DATASET_CO_MENTION). A dataset the vocabulary places under other tasks only stays at CO_MENTION
        even where a sentence names both: such sentences list several tasks' datasets. Only entities the
        paper proposes or uses count (not baselines, not background), only offered ones (confidence >=
        OFFER_BAR: kg.vocab.link), never the anchor's own family.
        An entity needs MIN_SUPPORT in all; the score is its support discounted by the share of its
        papers that are the anchor's (ASSOCIATION_POWER); ties go to the stronger evidence.

        The anchor papers' links are grouped as columns (kg.query.columns): a broad task's papers hold
        hundreds of thousands of links, too many to read as Python rows on every question.
        """
        resolved = self.resolve_all([name], (anchor_label,))[0]
        if not resolved.entities:  # the NER often gives a task the label of a method, and the reverse
            resolved = self.resolve(name)
        if not resolved.entities:
            return []
        family = resolved.entities
        # an entity of another label under the matched name ("image classification" tagged Method) is no answer
        anchor_names = {resolved.names[e].casefold() for step in resolved.steps for e in step.found}
        cols, text = self._anchor_papers(resolved, anchor_label, other_types)
        n_entities, n_papers = len(cols.entity_ids), len(cols.paper_ids)
        weight_of = np.zeros(n_entities)
        family_at = cols.entity_index(list(family))
        weight_of[family_at] = [family[cols.entity_ids[i]] for i in family_at]
        # per paper: its best anchor weight (text-only anchor papers: TEXT_ANCHOR)
        anchor_rows = np.flatnonzero(cols.anchor)
        paper_weight = np.zeros(n_papers)
        np.maximum.at(paper_weight, cols.paper[anchor_rows], weight_of[cols.entity[anchor_rows]])
        text_at = cols.paper_index(text)
        paper_weight[text_at] = np.where(paper_weight[text_at] > 0, paper_weight[text_at], TEXT_ANCHOR)
        # the other entities' links in the anchor papers (the backend kept only the roles and types that count)
        other = np.flatnonzero(~cols.anchor)
        # Every figure below is per entity, so they are computed for all the candidates and the entity rows
        # (label, confidence: is it offered?) read only for those with enough support (thousands fewer).
        candidates = {cols.entity_ids[i] for i in distinct(cols.entity[other], n_entities)}
        # (paper, entity) where one sentence links it to the anchor (a USED_FOR edge's papers)
        together_papers: list[str] = []
        together_entities: list[int] = []
        evidence: dict[str, list[str]] = defaultdict(list)
        if sentence_rel is not None:
            if anchor_label == "Task":
                pairs = [(e.source, e) for e in self.access.entity_links(sentence_rel, targets=list(family))]
            else:
                pairs = [(e.target, e) for e in self.access.entity_links(sentence_rel, sources=list(family))]
            for other_id, edge in sorted(pairs, key=lambda p: (p[0], -p[1].confidence)):
                if other_id in candidates:
                    together_papers.extend(edge.papers)
                    together_entities.extend([cols.entity_at[other_id]] * len(edge.papers))
                    evidence[other_id].extend(edge.evidence)
        benchmarks: set[str] = set()  # datasets the vocabulary says benchmark the anchor's family
        co_mention = np.full(n_entities, CO_MENTION)
        elsewhere_at = np.zeros(n_entities, dtype=bool)
        if other_label == "Dataset" and candidates:
            known = self.access.entity_links("BENCHMARK_FOR", sources=sorted(candidates))
            benchmarks = {e.source for e in known if e.target in family}
            # a paper's datasets serve its task unless the vocabulary says they benchmark other tasks
            elsewhere = {e.source for e in known} - benchmarks
            co_mention[cols.entity_index([e for e in candidates if e not in elsewhere])] = DATASET_CO_MENTION
            if any(e.startswith("task:") for e in family):  # (asked with a method, every dataset is "elsewhere")
                elsewhere_at[cols.entity_index(sorted(elsewhere))] = True
        paper, entity = cols.paper[other], cols.entity[other]
        # linked by one sentence: evidence shared with an anchor link, a USED_FOR edge's paper, a benchmark;
        # not a shared sentence for a dataset the vocabulary places under other tasks only ("classification
        # on CIFAR-10 and segmentation on GlaS and CVC": the sentence names both tasks)
        shares = cols.shares[other] & ~elsewhere_at[entity]
        # (a USED_FOR edge's papers outside the anchor's have no rows here, so they match nothing)
        together = np.array(
            [[cols.paper_at.get(p, -1) for p in together_papers], together_entities], dtype=np.int64
        ).T.reshape(-1, 2)
        together = together[together[:, 0] >= 0]
        in_benchmark = np.zeros(n_entities, dtype=bool)
        in_benchmark[cols.entity_index(list(benchmarks))] = True
        linked_by_sentence = shares | _rows_of_pairs(paper, entity, together, n_entities) | in_benchmark[entity]
        raw = np.where(linked_by_sentence, SAME_SENTENCE, co_mention[entity])
        # a paper supports an entity once, with its strongest link (the anchor weight is the paper's)
        starts = group_starts(paper, entity)
        group_entity, group_paper = entity[starts], paper[starts]
        group_raw = np.maximum.reduceat(raw, starts) if len(starts) else raw[:0]
        # bincount adds in row order (papers ascending), as a Python sum over the papers would
        total = np.bincount(group_entity, weights=paper_weight[group_paper] * group_raw, minlength=n_entities)
        raw_total = np.bincount(group_entity, weights=group_raw, minlength=n_entities)
        supporters = np.bincount(group_entity, minlength=n_entities)
        strength = np.bincount(entity, weights=cols.confidence[other], minlength=n_entities)
        supported = np.flatnonzero((supporters > 0) & (raw_total >= MIN_SUPPORT))
        # Best support first: a score is at most its support (the association factor is <= 1), so once the
        # next support is below the limit-th score found (less rounding's 5e-5), no later entity can rank.
        supported = supported[np.argsort(-total[supported], kind="stable")]
        rows: dict[str, EntityRow] = {}
        ranked: list[tuple[float, float, str, str, int]] = []
        for start in range(0, len(supported), RANK_CHUNK):
            if len(ranked) >= limit and total[supported[start]] + 1e-4 < -heapq.nsmallest(limit, ranked)[-1][0]:
                break
            chunk = supported[start : start + RANK_CHUNK]
            rows.update(self.access.entities([cols.entity_ids[i] for i in chunk]))
            for i in chunk:
                entity_id, count = cols.entity_ids[i], int(supporters[i])
                row = rows.get(entity_id)
                if (
                    row is None
                    or row.label != other_label
                    or row.confidence < OFFER_BAR
                    or row.name.casefold() in anchor_names
                ):
                    continue  # not offered
                score = round(float(total[i]) * (count / max(row.paper_count, count)) ** ASSOCIATION_POWER, 4)
                ranked.append((-score, -round(float(strength[i]), 4), row.name.casefold(), entity_id, int(i)))
        shown = heapq.nsmallest(limit, ranked)

        # the shown entities' rows, grouped by entity in one stable sort (each entity's rows stay in paper order)
        shown_at = np.array(sorted(i for *_, i in shown), dtype=np.int64)
        wanted = np.zeros(n_entities, dtype=bool)
        wanted[shown_at] = True
        own_rows = other[wanted[entity]]
        own_rows = own_rows[np.argsort(cols.entity[own_rows], kind="stable")]
        lo = np.searchsorted(cols.entity[own_rows], shown_at)
        hi = np.searchsorted(cols.entity[own_rows], shown_at, side="right")
        own_of = {int(i): own_rows[a:b] for i, a, b in zip(shown_at, lo, hi, strict=True)}
        anchor_papers = cols.paper[anchor_rows]  # ascending: rows are in paper order

        def anchors_of(r: int) -> np.ndarray:
            lo, hi = np.searchsorted(anchor_papers, [cols.paper[r], cols.paper[r] + 1])
            return anchor_rows[lo:hi]

        shared_with: dict[int, set[str]] = {}  # paper -> its anchor links' sentences

        def anchor_sentences(r: int) -> set[str]:
            p = int(cols.paper[r])
            if p not in shared_with:
                shared_with[p] = {s for a in anchors_of(r) for s in cols.evidence(int(a))}
            return shared_with[p]

        def preload(rows: np.ndarray, anchors: bool) -> None:
            """Read the rows' evidence (and, with `anchors`, that of the anchor links of the papers where they
            share a sentence) in one go: one round trip on Neo4j; the embedded graph has it at hand."""
            if cols.preload is not None:
                wanted = [int(r) for r in rows]
                cols.preload(wanted + [int(a) for r in wanted if anchors and cols.shares[r] for a in anchors_of(r)])

        # The evidence each answer starts with, for every shown entity at once; the rest is read as it is
        # reached, in growing batches (many links repeat a sentence, which an answer shows once).
        firsts = [(own[cols.shares[own]][:EVIDENCE_BATCH], own[:EVIDENCE_BATCH]) for own in own_of.values()]
        preload(np.array([r for shared, _ in firsts for r in shared], dtype=np.int64), True)
        preload(np.array([r for _, own in firsts for r in own], dtype=np.int64), False)

        def sentences(i: int) -> Iterable[str]:
            """An answer's evidence in order: USED_FOR edges, sentences shared with the anchor, then its links'."""
            own = own_of[i]
            yield from evidence.get(cols.entity_ids[i], [])
            for r in _read_ahead(own[cols.shares[own]], lambda rows: preload(rows, True)):
                anchor = anchor_sentences(r)
                yield from (s for s in cols.evidence(r) if s in anchor)
            for r in _read_ahead(own, lambda rows: preload(rows, False)):
                yield from cols.evidence(r)

        # answers (and their evidence) only for the entities shown: a broad task supports thousands
        return [
            EntityResult(
                entity_id=entity_id,
                name=rows[entity_id].name,
                label=rows[entity_id].label,
                aliases=list(rows[entity_id].aliases),
                paper_count=int(supporters[i]),
                papers=[cols.paper_ids[p] for p in group_paper[group_entity == i][:MAX_SUPPORTING_PAPERS]],
                evidence=_dedupe(sentences(i)),
                score=-negative,
            )
            for negative, _, _, entity_id, i in shown
        ]

    def stats(self, *, top: int = STATS_TOP) -> dict:
        """Graph counts, extraction coverage, and per entity label the offered entities and the `top` most
        mentioned of them (entities below OFFER_BAR stay on their papers but are not offered here)."""
        stats = self.access.stats()
        stats["offered"], stats["top"] = {}, {}
        for label in ALL_ENTITY_LABELS:
            count, rows = self.access.top_entities(label, top, OFFER_BAR)
            stats["offered"][label] = count
            stats["top"][label] = [{"id": r.id, "name": r.name, "papers": r.paper_count} for r in rows]
        with_abstract = stats.get("papers_with_abstract", 0)
        stats["share_with_method_and_task"] = (
            round(stats.get("papers_with_method_and_task", 0) / with_abstract, 4) if with_abstract else 0.0
        )
        return stats
