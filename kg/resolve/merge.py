"""Resolve every mention of the corpus to one canonical entity per (label, concept).

Two passes over the mentions: the first collects keys, suffix evidence and abbreviation
definitions; then canonical keys and merges are decided corpus-wide (union-find as connected
components); the second pass assigns each mention its entity and gathers names, aliases and counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx

from kg.models import Entity, Mention, PaperExtraction, Resolution
from kg.resolve.abbreviations import Definition, mention_pair, plan
from kg.resolve.hierarchy import is_a_edges
from kg.resolve.normalize import clean_text, display_surface, name_key
from kg.resolve.suffixes import GENERIC_SUFFIXES, canonical_key, strip_surface_suffix, surface_names_specific

Node = tuple[str, str]  # (label, key)

# Title Case in titles says nothing about names, so title mentions count less for the display form.
FIELD_WEIGHT = {"abstract": 1.0, "title": 0.5}
# A long form written out in a definition ("Vision Transformer (ViT)") is the authors' careful spelling.
DEFINITION_BONUS = 1.0
_WORD_SPLIT = re.compile(r"([\s\-_/]+)")


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
class _Corpus:
    """What the first pass learns about the corpus."""

    counts: dict[Node, int] = field(default_factory=dict)  # mentions per (label, name_key)
    specific: set[Node] = field(default_factory=set)  # suffix remainder written as a specific name
    mention_nodes: list[list[Node]] = field(default_factory=list)  # aligned with extractions/mentions
    definitions: list[_RawDefinition] = field(default_factory=list)


def _note_suffix_evidence(corpus: _Corpus, node: Node, text: str, m: Mention, sentences: Sequence[str]) -> None:
    label, key = node
    if node not in corpus.specific and key.rpartition(" ")[2] in GENERIC_SUFFIXES.get(label, ()):
        if surface_names_specific(label, text, _title_case_counts(m, sentences)):
            corpus.specific.add(node)


def _collect(extractions: Sequence[PaperExtraction]) -> _Corpus:
    corpus = _Corpus()
    counts = corpus.counts
    for ex in extractions:
        nodes: list[Node] = []
        for m in ex.mentions:
            node = (m.label, _key(m.text))
            counts[node] = counts.get(node, 0) + 1
            if " " in node[1]:
                _note_suffix_evidence(corpus, node, m.text, m, ex.sentences)
            nodes.append(node)
            if m.long_form or m.short_form or m.text.endswith((")", "]")):
                _collect_definition(corpus, ex, m)
        corpus.mention_nodes.append(nodes)
    return corpus


def _collect_definition(corpus: _Corpus, ex: PaperExtraction, m: Mention) -> None:
    pair = mention_pair(m)
    if pair is None:
        return
    long_surface, short_surface = pair
    long_key, short_key = name_key(long_surface), name_key(short_surface)
    if not long_key or not short_key or long_key == short_key:
        return
    for key in (long_key, short_key):
        corpus.counts.setdefault((m.label, key), 0)
    _note_suffix_evidence(corpus, (m.label, long_key), long_surface, m, ex.sentences)
    corpus.definitions.append(_RawDefinition(
        ex.paper_id, m.label, short_key, long_key, long_surface, short_surface,
        from_detector=bool(m.long_form or m.short_form),
    ))


def _components(
    counts: dict[Node, int], unions: list[tuple[Node, Node]]
) -> tuple[dict[Node, str], set[Node]]:
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
    return surface


def _recase(name: str, variants: dict[str, float]) -> str:
    """Keep acronym/CamelCase spellings ("resnet" -> "ResNet") seen for any word of the name."""
    best: dict[str, tuple[float, str]] = {}
    for variant, weight in variants.items():
        for word in _WORD_SPLIT.split(variant):
            if any(c.isupper() for c in word[1:]):
                low = word.casefold()
                if low not in best or weight > best[low][0]:
                    best[low] = (weight, word)
    if not best:
        return name
    return "".join(best.get(w.casefold(), (0.0, w))[1] for w in _WORD_SPLIT.split(name))


def choose_name(long_votes: dict[str, float], short_votes: dict[str, float]) -> str:
    """Display name: the best-supported long form (abbreviations only when no long form exists)."""
    votes = long_votes or short_votes
    # Ties go to the more capitalised spelling ("Vision Transformer" over "vision transformer").
    name = min(votes.items(), key=lambda kv: (-kv[1], -sum(c.isupper() for c in kv[0]), kv[0]))[0]
    return _recase(name, {**short_votes, **long_votes})


def resolve(extractions: Sequence[PaperExtraction]) -> Resolution:
    """One canonical entity per concept and label across the corpus, with aliases and IS_A."""
    corpus = _collect(extractions)
    seen = corpus.counts
    canon: dict[Node, Node] = {
        node: (node[0], canonical_key(node[0], node[1], node in corpus.specific, seen)) for node in seen
    }
    canonical_counts: dict[Node, int] = defaultdict(int)
    for node, n in seen.items():
        canonical_counts[canon[node]] += n
    definitions = [
        Definition(d.paper, d.label, canon[(d.label, d.short_key)][1], canon[(d.label, d.long_key)][1])
        for d in corpus.definitions
    ]
    unions, per_paper = plan(definitions)
    node_entity, shorts = _components(canonical_counts, unions)

    mention_entities: dict[str, list[str]] = {}
    papers: dict[str, set[str]] = defaultdict(set)
    # (entity, surface, canonical key, is abbreviation, field) -> mentions; names and aliases come
    # from these few distinct tuples rather than from every mention.
    occurrences: dict[tuple[str, str, str, bool, str], int] = defaultdict(int)
    for ex, nodes in zip(extractions, corpus.mention_nodes):
        redirect = per_paper.get(ex.paper_id, {})
        ids: list[str] = []
        for m, node in zip(ex.mentions, nodes):
            cnode = canon[node]
            is_short = cnode in shorts
            if cnode in redirect:  # this paper's own definition of the abbreviation decides
                cnode, is_short = redirect[cnode], True
            eid = node_entity[cnode]
            ids.append(eid)
            papers[eid].add(ex.paper_id)
            occurrences[(eid, m.text, cnode[1], is_short, m.field)] += 1
        mention_entities[ex.paper_id] = ids

    aliases: dict[str, set[str]] = defaultdict(set)
    long_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    short_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (eid, text, ckey, is_short, field_name), n in occurrences.items():
        aliases[eid].add(text)
        votes = short_votes if is_short else long_votes
        label = eid.partition(":")[0].upper()
        votes[eid][_display_candidate(label, text, ckey)] += n * FIELD_WEIGHT.get(field_name, 1.0)

    bonus_given: set[tuple[str, str, str, str]] = set()
    for d in corpus.definitions:
        long_node = canon[(d.label, d.long_key)]
        eid = node_entity[long_node]
        if eid not in papers:
            continue
        if d.from_detector:
            aliases[eid].update((d.long_surface, d.short_surface))
        marker = (d.paper, d.label, d.short_key, d.long_key)
        if marker not in bonus_given:
            bonus_given.add(marker)
            long_votes[eid][_display_candidate(d.label, d.long_surface, long_node[1])] += DEFINITION_BONUS

    entities: dict[str, Entity] = {}
    for eid in sorted(papers):
        label = eid.split(":", 1)[0].upper()
        entities[eid] = Entity(
            id=eid,
            label=label,
            name=choose_name(long_votes.get(eid, {}), short_votes.get(eid, {})),
            aliases=sorted(aliases[eid]),
            paper_count=len(papers[eid]),
        )
    # model_construct: the parts are built (and validated) above; re-validating millions of ids is slow.
    return Resolution.model_construct(
        entities=entities, mention_entities=mention_entities, is_a=is_a_edges(node_entity, entities)
    )
