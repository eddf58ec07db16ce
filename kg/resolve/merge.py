"""Resolve every mention of the corpus to one canonical entity per (label, concept).

Two passes over the mentions: the first collects keys, suffix evidence and abbreviation
definitions; then canonical keys and merges are decided corpus-wide (union-find as connected
components); the second pass assigns each mention its entity and gathers names, aliases and counts.

The steps are public so that a corpus too large for one process resolves the same way, as a
map/reduce over name keys (kg.resolve.partitioned): every table a step returns (NameTable,
DefinitionCounts, EntityVotes) is keyed by names or entities and merges across disjoint sets of
papers by adding; resolve() below is the same steps over one partition, so the two cannot drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx

from kg.models import ENTITY_LABELS, Entity, Mention, PaperExtraction, Resolution
from kg.resolve.abbreviations import (
    Definition,
    DefinitionCounts,
    definition_counts,
    mention_pair,
    redirects,
    unions,
)
from kg.resolve.hierarchy import is_a_edges
from kg.resolve.normalize import clean_text, display_surface, name_key
from kg.resolve.suffixes import (
    GENERIC_SUFFIXES,
    GENERIC_WORDS,
    canonical_key,
    core_written_specific,
    strip_prefix,
    strip_surface_prefix,
    strip_surface_suffix,
    surface_names_specific,
)

Node = tuple[str, str]  # (label, key)

# Title Case in titles says nothing about names, so title mentions count less for the display form.
FIELD_WEIGHT = {"abstract": 1.0, "title": 0.5}
# A long form written out in a definition ("Vision Transformer (ViT)") is the authors' careful spelling.
DEFINITION_BONUS = 1.0
_WORD_SPLIT = re.compile(r"([\s\-_/]+)")
_MATH = re.compile(r"[\^_{}$=]|\b(?:varepsilon|mathcal|mathbb|sqrt|frac)\b")


@lru_cache(maxsize=1 << 20)
def _key(text: str) -> str:
    # Every mention needs an entity, even one that normalises to nothing ("()").
    return name_key(text) or " ".join(clean_text(text).casefold().split()) or "?"


def _title_case_counts(m: Mention, sentences: Sequence[str]) -> bool:
    # Capitals are informative only mid-sentence in the abstract.
    if m.field != "abstract":
        return False
    sentence = sentences[m.sentence] if m.sentence < len(sentences) else ""
    return not sentence.lstrip().startswith(m.text)


@dataclass(slots=True)
class _RawDefinition:
    paper: str
    label: str
    short_key: str
    long_key: str
    long_surface: str
    short_surface: str
    from_detector: bool  # long_form/short_form fields, as opposed to a "Long (SHORT)" mention text


@dataclass(slots=True)
class NameTable:
    """What the first pass learns about names, keyed by (label, name key); merges across partitions."""

    counts: dict[Node, int] = field(default_factory=dict)  # mentions per (label, name_key)
    specific: set[Node] = field(default_factory=set)  # suffix remainder written as a specific name
    core_specific: set[Node] = field(default_factory=set)  # core after leading modifiers written as a name

    def update(self, other: NameTable) -> None:
        """Add another partition's table into this one."""
        counts = self.counts
        for node, n in other.counts.items():
            counts[node] = counts.get(node, 0) + n
        self.specific |= other.specific
        self.core_specific |= other.core_specific


@dataclass(slots=True)
class _Corpus:
    """What the first pass learns. Mentions are interned as surface ids: one per (label, field, text)."""

    surfaces: list[tuple[str, str, str]] = field(default_factory=list)  # id -> (label, field, text)
    surface_node: list[Node] = field(default_factory=list)  # id -> (label, name_key)
    mention_surfaces: list[list[int]] = field(default_factory=list)  # aligned with extractions/mentions
    counts: dict[Node, int] = field(default_factory=dict)  # mentions per (label, name_key)
    specific: set[Node] = field(default_factory=set)  # suffix remainder written as a specific name
    core_specific: set[Node] = field(default_factory=set)  # core after leading modifiers written as a name
    definitions: list[_RawDefinition] = field(default_factory=list)

    def names(self) -> NameTable:
        """The mergeable part: counts and suffix evidence per name key."""
        return NameTable(self.counts, self.specific, self.core_specific)


@lru_cache(maxsize=1 << 18)
def _prefixed(key: str) -> bool:
    return strip_prefix(key) is not None


def _coordination_written(key: str, text: str) -> bool:
    # "plug-and-play IR" keys as "plug and play ir": a hyphenated name, not a coordination of modifiers
    cut = strip_prefix(key)
    return cut is None or not cut[1] or any(w.casefold() in ("and", "or") for w in text.split())


def _has_generic_suffix(node: Node) -> bool:
    return node[1].rpartition(" ")[2] in GENERIC_SUFFIXES[node[0]]


def _note_suffix_evidence(corpus: _Corpus, node: Node, text: str, m: Mention, sentences: Sequence[str]) -> None:
    if node not in corpus.specific and surface_names_specific(node[0], text, _title_case_counts(m, sentences)):
        corpus.specific.add(node)


def collect(extractions: Sequence[PaperExtraction]) -> _Corpus:
    """First pass over one partition: surfaces, name counts, suffix evidence and definitions."""
    corpus = _Corpus()
    counts, surfaces, surface_node = corpus.counts, corpus.surfaces, corpus.surface_node
    # label -> field -> text -> surface id; nested so the hot loop builds no tuples
    ids: dict[str, dict[str, dict[str, int]]] = {label: {"abstract": {}, "title": {}} for label in ENTITY_LABELS}
    per_surface: list[int] = []
    suffixed: list[bool] = []
    bracketed: list[bool] = []  # "Vision Transformer (ViT)" may define an abbreviation
    for ex in extractions:
        sids: list[int] = []
        for m in ex.mentions:
            by_text = ids[m.label][m.field]
            sid = by_text.get(m.text)
            if sid is None:
                sid = by_text[m.text] = len(surfaces)
                node: Node = (m.label, _key(m.text))
                surfaces.append((m.label, m.field, m.text))
                surface_node.append(node)
                per_surface.append(0)
                suffixed.append(_has_generic_suffix(node))
                bracketed.append(m.text.rstrip().endswith((")", "]")))
                if (
                    _prefixed(node[1])
                    and core_written_specific(m.label, m.text)
                    and _coordination_written(node[1], m.text)
                ):
                    corpus.core_specific.add(node)
            per_surface[sid] += 1
            if suffixed[sid]:
                _note_suffix_evidence(corpus, surface_node[sid], m.text, m, ex.sentences)
            if m.long_form or m.short_form or bracketed[sid]:
                _collect_definition(corpus, ex, m)
            sids.append(sid)
        corpus.mention_surfaces.append(sids)
    for node, n in zip(surface_node, per_surface, strict=True):
        counts[node] = counts.get(node, 0) + n
    return corpus


def _collect_definition(corpus: _Corpus, ex: PaperExtraction, m: Mention) -> None:
    pair = mention_pair(m)
    if pair is None:
        return
    long_surface, short_surface = pair
    long_key, short_key = name_key(long_surface), name_key(short_surface)
    # "MoEs" defined as "models" is an extraction slip; a bare generic word is no long form.
    if not long_key or not short_key or long_key == short_key or long_key in GENERIC_WORDS:
        return
    if _MATH.search(long_surface) or long_surface.count("(") != long_surface.count(")"):
        return  # "(varepsilon,delta)-differential privacy (DP)": a formula cut by the detector, not a name
    for key in (long_key, short_key):
        corpus.counts.setdefault((m.label, key), 0)
    if _has_generic_suffix((m.label, long_key)):
        _note_suffix_evidence(corpus, (m.label, long_key), long_surface, m, ex.sentences)
    corpus.definitions.append(
        _RawDefinition(
            ex.paper_id,
            m.label,
            short_key,
            long_key,
            long_surface,
            short_surface,
            from_detector=bool(m.long_form or m.short_form),
        )
    )


def _components(counts: dict[Node, int], unions: list[tuple[Node, Node]]) -> tuple[dict[Node, str], set[Node]]:
    """Entity id of every canonical node, and the nodes merged in as abbreviations."""
    shorts = {short for short, _ in unions}
    node_entity = {node: f"{node[0].lower()}:{node[1]}" for node in counts}
    graph = nx.Graph(unions)
    for component in nx.connected_components(graph):
        # Named after a long form, the most mentioned one.
        longs = [n for n in component if n not in shorts] or list(component)
        rep = min(longs, key=lambda n: (-counts.get(n, 0), n[1]))
        for n in component:
            node_entity[n] = f"{rep[0].lower()}:{rep[1]}"
    return node_entity, shorts


@lru_cache(maxsize=1 << 18)
def _display_candidate(label: str, text: str, canonical: str) -> str:
    surface = display_surface(text)
    if _key(surface) != canonical:
        surface = strip_surface_suffix(label, surface, canonical, _key)
    if _key(surface) != canonical:  # a core under leading modifiers: name it by the core
        core = strip_surface_prefix(surface, canonical, _key)
        if core == surface:
            core = strip_surface_prefix(strip_surface_suffix(label, surface, "", _key), canonical, _key)
        surface = core if _key(core) == canonical else surface
    return surface


def _recase(name: str, variants: dict[str, float]) -> str:
    """Restore acronym/CamelCase spellings of lower-case words ("resnet" -> "ResNet", "bert" -> "BERT")."""
    weight = variants.get(name, 0.0)
    best: dict[str, tuple[float, str]] = {}
    for variant, w in variants.items():
        if variant[1:] == variant[1:].lower():
            continue
        for word in _WORD_SPLIT.split(variant):
            if word[1:] == word[1:].lower():
                continue
            # An acronym is trusted outright; odd casing ("TransfORmer") only when it is common.
            if (word.isupper() or 2 * w >= weight) and w > best.get(word.casefold(), (0.0, ""))[0]:
                best[word.casefold()] = (w, word)
    if not best:
        return name
    return "".join(best[w][1] if w.islower() and w in best else w for w in _WORD_SPLIT.split(name))


def choose_name(long_votes: dict[str, float], short_votes: dict[str, float]) -> str:
    """Display name: the best-supported long form (abbreviations only when no long form exists)."""
    votes = long_votes or short_votes
    top = max(votes.values())
    # Ties go to the more capitalised spelling ("Vision Transformer" over "vision transformer").
    tied = [s for s, w in votes.items() if w == top]
    name = tied[0] if len(tied) == 1 else min(tied, key=lambda s: (-sum(c.isupper() for c in s), s))
    return _recase(name, {**short_votes, **long_votes})


@dataclass(slots=True)
class Merge:
    """Corpus-wide decisions: canonical node of each name_key node, entity of each canonical node."""

    canon: dict[Node, Node]
    node_entity: dict[Node, str]
    shorts: set[Node]  # canonical nodes merged into an entity as an abbreviation
    per_paper: dict[str, dict[Node, Node]]  # paper -> its own abbreviation -> long form (of the papers at hand)


def canonical_nodes(names: NameTable) -> dict[Node, Node]:
    """The canonical (label, key) of every name node, decided over the whole corpus's table."""
    seen = names.counts
    return {
        node: (node[0], canonical_key(node[0], node[1], node in names.specific, seen, node in names.core_specific))
        for node in seen
    }


def _definitions(raw: Sequence[_RawDefinition], canon: dict[Node, Node]) -> list[Definition]:
    return [
        Definition(d.paper, d.label, canon[(d.label, d.short_key)][1], canon[(d.label, d.long_key)][1]) for d in raw
    ]


def partition_definitions(corpus: _Corpus, canon: dict[Node, Node]) -> DefinitionCounts:
    """Papers per (abbreviation, long form) in one partition, in canonical keys (mergeable by adding)."""
    return definition_counts(_definitions(corpus.definitions, canon))


def decide(names: NameTable, canon: dict[Node, Node], definitions: DefinitionCounts) -> Merge:
    """Entities of the corpus from its merged tables (per_paper left empty: see with_redirects)."""
    canonical_counts: dict[Node, int] = defaultdict(int)
    for node, n in names.counts.items():
        canonical_counts[canon[node]] += n
    node_entity, shorts = _components(canonical_counts, unions(definitions))
    return Merge(canon, node_entity, shorts, {})


def with_redirects(merge: Merge, corpus: _Corpus) -> Merge:
    """The corpus-wide merge plus the partition's own per-paper abbreviation redirects."""
    return Merge(merge.canon, merge.node_entity, merge.shorts, redirects(_definitions(corpus.definitions, merge.canon)))


# (entity, canonical key, is abbreviation, field, text) -> number of mentions
Occurrences = dict[tuple[str, str, bool, str, str], int]


def assign(
    extractions: Sequence[PaperExtraction], corpus: _Corpus, merge: Merge
) -> tuple[dict[str, list[str]], dict[str, set[str]], Occurrences]:
    """Second pass over one partition: entity of every mention, papers per entity, surfaces per entity."""
    node_entity = merge.node_entity
    # surface id -> (entity, canonical key, is abbreviation), so most papers need no dict work per mention
    target = [(node_entity[c], c[1], c in merge.shorts) for c in (merge.canon[node] for node in corpus.surface_node)]
    entity_of = [t[0] for t in target]
    canon_of = [merge.canon[node] for node in corpus.surface_node]
    redirectable = {short for redirect in merge.per_paper.values() for short in redirect}
    may_redirect = [c in redirectable for c in canon_of]
    per_surface = [0] * len(target)
    occurrences: Occurrences = defaultdict(int)
    mention_entities: dict[str, list[str]] = {}
    papers: dict[str, set[str]] = defaultdict(set)
    for ex, sids in zip(extractions, corpus.mention_surfaces, strict=True):
        pid = ex.paper_id
        ids = [entity_of[sid] for sid in sids]
        for sid in sids:
            per_surface[sid] += 1
        redirect = merge.per_paper.get(pid)
        if redirect is not None:
            for i, sid in enumerate(sids):
                if may_redirect[sid] and (long := redirect.get(canon_of[sid])) is not None:
                    # the paper's own definition of the abbreviation decides
                    ids[i] = node_entity[long]
                    per_surface[sid] -= 1
                    _, fld, text = corpus.surfaces[sid]
                    occurrences[(ids[i], long[1], True, fld, text)] += 1
        for eid in set(ids):
            papers[eid].add(pid)
        mention_entities[pid] = ids
    for sid, n in enumerate(per_surface):
        if n:
            eid, ckey, is_short = target[sid]
            _, fld, text = corpus.surfaces[sid]
            occurrences[(eid, ckey, is_short, fld, text)] += n
    return mention_entities, papers, occurrences


# The extraction cues (kg.extract.components.relations) that say a name is a dataset by how the sentence uses
# it: evaluated, trained or tested on it, listed among datasets, introduced as one, or called one ("X datasets").
# Not "default" (no cue), "title_name" ("InfoBatch: Lossless Training ...") or "we_propose" (of anything).
DATASET_CUES = frozenset(
    {"evaluate_on", "on", "trained_on", "dataset_list", "dataset_head", "new_dataset", "appositive_new"}
)


def dataset_cued(extractions: Iterable[PaperExtraction], mention_entities: Mapping[str, list[str]]) -> set[str]:
    """Entities that some paper's relation with a dataset cue (DATASET_CUES) points at."""
    cued: set[str] = set()
    for ex in extractions:
        ids = mention_entities.get(ex.paper_id, [])
        cued.update(ids[r.tail] for r in ex.relations if r.head is None and r.cue in DATASET_CUES and r.tail < len(ids))
    return cued


@dataclass(slots=True)
class EntityVotes:
    """Per entity: papers, surfaces seen and definition bonuses; adds up across disjoint sets of papers."""

    paper_counts: dict[str, int] = field(default_factory=dict)
    occurrences: Occurrences = field(default_factory=dict)
    definition_aliases: dict[str, set[str]] = field(default_factory=dict)  # strings the detector read
    definition_bonus: dict[str, dict[str, float]] = field(default_factory=dict)  # entity -> candidate -> bonus
    dataset_cued: set[str] = field(default_factory=set)  # entities some paper uses with a dataset cue

    def update(self, other: EntityVotes) -> None:
        """Add another partition's votes into these."""
        self.dataset_cued |= other.dataset_cued
        for eid, n in other.paper_counts.items():
            self.paper_counts[eid] = self.paper_counts.get(eid, 0) + n
        for key, n in other.occurrences.items():
            self.occurrences[key] = self.occurrences.get(key, 0) + n
        for eid, names in other.definition_aliases.items():
            self.definition_aliases.setdefault(eid, set()).update(names)
        for eid, candidates in other.definition_bonus.items():
            into = self.definition_bonus.setdefault(eid, {})
            for candidate, bonus in candidates.items():
                into[candidate] = into.get(candidate, 0.0) + bonus


def entity_votes(
    papers: dict[str, set[str]],
    occurrences: Occurrences,
    corpus: _Corpus,
    merge: Merge,
    cued: set[str] | None = None,
) -> EntityVotes:
    """One partition's votes: its papers per entity, its surfaces, and its definitions' aliases and bonuses."""
    aliases: dict[str, set[str]] = defaultdict(set)
    bonus: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    bonus_given: set[tuple[str, str, str, str]] = set()
    for d in corpus.definitions:
        long_node = merge.canon[(d.label, d.long_key)]
        eid = merge.node_entity[long_node]
        if d.from_detector:  # strings the detector read in the abstract
            aliases[eid].update((d.long_surface, d.short_surface))
        marker = (d.paper, d.label, d.short_key, d.long_key)
        if marker not in bonus_given:
            bonus_given.add(marker)
            bonus[eid][_display_candidate(d.label, d.long_surface, long_node[1])] += DEFINITION_BONUS
    return EntityVotes(
        {eid: len(pids) for eid, pids in papers.items()},
        dict(occurrences),
        dict(aliases),
        {eid: dict(c) for eid, c in bonus.items()},
        set(cued or ()),
    )


def entities_from_votes(votes: EntityVotes) -> dict[str, Entity]:
    """Entity records: display name by weighted votes, aliases, paper counts."""
    papers = votes.paper_counts
    aliases: dict[str, set[str]] = defaultdict(set)
    long_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    short_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (eid, ckey, is_short, field_name, text), n in votes.occurrences.items():
        aliases[eid].add(text)
        votes_of = short_votes if is_short else long_votes
        label = eid.partition(":")[0].upper()
        votes_of[eid][_display_candidate(label, text, ckey)] += n * FIELD_WEIGHT.get(field_name, 1.0)
    # only entities some mention was assigned to: a definition alone makes no entity
    for eid, names in votes.definition_aliases.items():
        if eid in papers:
            aliases[eid].update(names)
    for eid, candidates in votes.definition_bonus.items():
        if eid in papers:
            for candidate, bonus in candidates.items():
                long_votes[eid][candidate] += bonus

    # model_construct: every field is built well-formed here, and validation costs at corpus scale.
    return {
        eid: Entity.model_construct(
            id=eid,
            label=eid.partition(":")[0].upper(),
            name=choose_name(long_votes.get(eid, {}), short_votes.get(eid, {})),
            aliases=sorted(aliases[eid]),
            paper_count=papers[eid],
            dataset_cue=eid in votes.dataset_cued,
        )
        for eid in sorted(papers)
    }


def resolve(extractions: Sequence[PaperExtraction]) -> Resolution:
    """One canonical entity per concept and label across the corpus, with aliases and IS_A."""
    corpus = collect(extractions)
    canon = canonical_nodes(corpus.names())
    merge = with_redirects(decide(corpus.names(), canon, partition_definitions(corpus, canon)), corpus)
    mention_entities, papers, occurrences = assign(extractions, corpus, merge)
    cued = dataset_cued(extractions, mention_entities)
    entities = entities_from_votes(entity_votes(papers, occurrences, corpus, merge, cued))
    return Resolution.model_construct(
        entities=entities,
        mention_entities=mention_entities,
        is_a=is_a_edges(merge.node_entity, entities, merge.shorts),
    )
