"""Does a paper say it uses X for Y? One pure function over the paper's sentences and graph edges.

A paper supports X when an extracted edge reaches X's family or a sentence names one of X's text
forms, and neither only as a baseline ("outperforms X", "unlike X"). It supports Y the same way, or
when one sentence (weaker: the whole abstract) holds every content word of Y. A sentence that
supports both ranks the paper first. Scores: X support + Y support + SAME_SENTENCE_BONUS, each
support in [0, 1]; MIN_SCORE keeps pairs the text never joins out of the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.query.access import PaperLink
from kg.query.text import (
    BACKGROUND,
    NEUTRAL,
    Sentence,
    covers,
    find,
    is_baseline,
    make_sentence,
    name_variants,
    patterns,
    term_in,
)

SAME_SENTENCE_BONUS = 0.5
USED_FOR_BONUS = 0.5  # an extracted USED_FOR between the two families in this paper
BAG_WITH_WEAK = 0.8  # one sentence holds every content word of Y
BAG_STRONG = 0.7  # one sentence holds Y's specific words (not "training", "deep", ...)
BAG_PARTIAL = 0.4  # one sentence holds all but one of three or more specific words of Y
BAG_PAPER = 0.5  # the title + abstract hold Y's specific words, in different sentences
EDGE_FACTOR = 0.9  # an extracted edge counts a little below the sentence that names X
KNOWLEDGE_Y = 0.6  # Y never named, but the paper evaluates on a dataset the vocabulary says benchmarks Y
MIN_X = 0.5  # above a background mention (text.BACKGROUND), below a neutral one
MIN_SCORE = 1.4


SHORT_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,3}s?$")  # "DM", "AT", "SAM", "VAEs": letters lower-case text also has


def is_short_acronym(form: str) -> bool:
    """True for an all-capitals name of two to four characters (plural s allowed)."""
    return SHORT_ACRONYM.match(form.strip()) is not None


def _acronym_pattern(spelled: set[str]) -> re.Pattern[str]:
    """The acronyms as whole words in capitals, not inside a URL, a path or a formula."""
    stems = sorted({a[:-1] if a.endswith("s") and len(a) > 2 else a for a in spelled})
    body = "|".join(re.escape(a) for a in stems)
    return re.compile(rf"(?<![\w/.$^_{{\\-])(?:{body})s?(?![\w^_($}}/])")


@dataclass(frozen=True)
class Forms:
    """A name's text forms as term sequences, with weights."""

    variants: tuple[tuple[tuple[str, ...], float], ...]
    # variants that only a short acronym spells ("DM", "AT"): they count only where the sentence writes
    # the acronym itself, in capitals, as a word of its own (not "O(dm^2)", "available at", a URL)
    exact: dict[tuple[str, ...], re.Pattern[str]] = field(default_factory=dict)

    def present(self, paper_terms: frozenset[str]) -> Forms:
        """Only the variants whose terms all occur in the paper (the rest cannot match a sentence)."""
        return Forms(tuple((v, w) for v, w in self.variants if paper_terms.issuperset(v)), self.exact)

    def written(self, variant: tuple[str, ...], text: str) -> bool:
        """False when the variant is a short acronym the sentence does not write as one."""
        pattern = self.exact.get(variant)
        return pattern is None or pattern.search(text) is not None

    @classmethod
    def of(cls, forms: dict[str, float]) -> Forms:
        """Term-sequence variants of every form, keeping each variant's best weight."""
        best: dict[tuple[str, ...], float] = {}
        acronyms: dict[tuple[str, ...], set[str]] = {}
        loose: set[tuple[str, ...]] = set()
        for form, weight in forms.items():
            short = is_short_acronym(form)
            for v in name_variants(form):
                if weight > best.get(v, 0.0):
                    best[v] = weight
                if short:
                    acronyms.setdefault(v, set()).add(form.strip())
                else:
                    loose.add(v)
        exact = {v: _acronym_pattern(spelled) for v, spelled in acronyms.items() if v not in loose}
        return cls(tuple(sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))), exact)

    def groups(self) -> list[list[tuple[str, ...]]]:
        """Retrieval groups: a paper holding every term of one group may name the form."""
        return [[(t,) for t in sorted(set(v))] for v, _ in self.variants]


@dataclass(frozen=True)
class TopicWords:
    """Y's content terms: specific (required) and weak (required only when nothing is specific)."""

    strong: tuple[str, ...]
    weak: tuple[str, ...]
    # term -> the candidate papers' terms it matches (text.expand); empty: match through text.term_in
    expanded: dict[str, frozenset[str]] = field(default_factory=dict)

    def has(self, t: str, have: frozenset[str]) -> bool:
        """True when question term `t` matches one of `have`."""
        hits = self.expanded.get(t)
        return not have.isdisjoint(hits) if hits is not None else term_in(t, have)

    @property
    def required(self) -> tuple[str, ...]:
        """Terms a sentence must hold to state Y without naming it."""
        return self.strong or self.weak

    def groups(self) -> list[list[tuple[str, ...]]]:
        """Retrieval groups for papers that may state Y without naming it."""
        if self.strong:
            return [[patterns(t) for t in self.strong]]
        return [[patterns(t)] for t in self.weak]


@dataclass
class Support:
    """How one paper supports X for Y."""

    score: float
    x: float
    y: float
    evidence: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # entity ids of edges used


def _hit(forms: Forms, sentence: Sentence, baselines: bool = True) -> tuple[float, bool]:
    """(best weight of a form used in the sentence, whether a form occurs only as a baseline)."""
    best, baseline = 0.0, False
    for variant, weight in forms.variants:
        if weight <= best:
            break
        if variant[0] not in sentence.term_set:
            continue
        for pos in find(sentence.terms, variant):
            if not forms.written(variant, sentence.text):
                continue
            if baselines and is_baseline(sentence.terms, pos):
                baseline = True
            else:
                best = max(best, weight)
                break
    return best, baseline and best == 0.0


@dataclass(frozen=True)
class Side:
    """One name of the question as the judge sees it: its forms, entity weights and residual words."""

    forms: Forms
    own_forms: Forms  # the forms valid without the residual words
    weights: dict[str, float]
    residual: tuple[str, ...] = ()
    # a dataset is used wherever it is named: no baseline or background reading ("outperforms all on X")
    dataset: bool = False

    def in_paper(self, paper_terms: frozenset[str]) -> Side:
        """The side for one paper: without entities and sub-phrase forms when the residual words are missing."""
        if not self.residual or covers(paper_terms, self.residual):
            return self
        return Side(self.own_forms, self.own_forms, {}, (), self.dataset)


def _role(evidence: Sequence[str], by_text: dict[str, Sentence]) -> float:
    """The best role among an edge's evidence sentences (an edge without evidence counts as neutral)."""
    roles = [by_text[e].role if e in by_text else make_sentence(e).role for e in evidence]
    return max(roles, default=NEUTRAL)


Hits = tuple[tuple[float, bool], ...]  # per sentence: (best weight of a name's forms, named only as a baseline)


def sentence_hits(side: Side, sentences: Sequence[Sentence], paper_terms: frozenset[str], baselines: bool) -> Hits:
    """Per sentence, (best weight of the side's forms in it, named only as a baseline): what judge reads
    of one name in one paper, the same on every question naming it (the engine keeps it per name)."""
    forms = side.in_paper(paper_terms).forms.present(paper_terms)
    return tuple(_hit(forms, s, baselines) for s in sentences)


def topic_bags(
    topic: TopicWords, sentences: Sequence[Sentence], paper_terms: frozenset[str]
) -> tuple[tuple[float, ...], bool]:
    """(per sentence, what Y's words alone give it: BAG_WITH_WEAK, BAG_STRONG, BAG_PARTIAL or 0; whether
    the whole paper holds Y's specific words, or, Y being only weak words, any of them: BAG_PAPER)."""
    in_paper = (
        all(topic.has(t, paper_terms) for t in topic.strong)
        if topic.strong
        else any(topic.has(t, paper_terms) for t in topic.weak)
    )
    if not topic.required:
        return (0.0,) * len(sentences), in_paper
    out = []
    for s in sentences:
        strong = sum(topic.has(t, s.term_set) for t in topic.strong)
        if strong == len(topic.strong) and all(topic.has(t, s.term_set) for t in topic.weak):
            out.append(BAG_WITH_WEAK)
        elif topic.strong and strong == len(topic.strong):
            out.append(BAG_STRONG)
        elif len(topic.strong) >= 3 and strong >= len(topic.strong) - 1:
            out.append(BAG_PARTIAL)
        else:
            out.append(0.0)
    return tuple(out), in_paper


def judge(
    sentences: Sequence[Sentence],
    x_side: Side,
    y_side: Side,
    topic: TopicWords,
    x_links: Sequence[PaperLink],
    y_links: Sequence[PaperLink],
    used_for: bool = False,
    y_known: PaperLink | None = None,
    y_known_needs_words: bool = False,
    paper_terms: frozenset[str] | None = None,
    read: tuple[Hits, Hits, tuple[float, ...], bool] | None = None,
) -> Support:
    """Score one paper for "uses X for Y" from its sentences and its edges to both families.

    `y_known` is the paper's link to a dataset the vocabulary says benchmarks Y (QueryEngine.
    _benchmark_support): it supports Y at KNOWLEDGE_Y when nothing in the text does better, and with
    `y_known_needs_words` (a sole benchmark, no metric of Y) only where the paper says one of Y's words.
    `read`: the sentences' sentence_hits of X and of Y and their topic_bags, when kept from before.
    """
    if paper_terms is None:  # every term of the paper (the engine passes the set it keeps per paper)
        paper_terms = frozenset().union(*(s.term_set for s in sentences))
    if read is None:
        read = (
            sentence_hits(x_side, sentences, paper_terms, not x_side.dataset),
            sentence_hits(y_side, sentences, paper_terms, True),
            *topic_bags(topic, sentences, paper_terms),
        )
    x_hits, y_hits, bags, y_in_paper = read
    x_side, y_side = x_side.in_paper(paper_terms), y_side.in_paper(paper_terms)
    x_weights, y_weights = x_side.weights, y_side.weights
    x_best = y_best = 0.0
    x_sentence = y_sentence = both_sentence = None
    baseline_only: set[str] = set()
    both_best = 0.0
    by_text = {s.text: s for s in sentences}
    for s, (x, x_baseline), (y, _), bag in zip(sentences, x_hits, y_hits, bags, strict=True):
        x *= max(s.role, NEUTRAL) if x_side.dataset else s.role
        if x_baseline:
            baseline_only.add(s.text)
        y = max(y, bag)
        if x > x_best:
            x_best, x_sentence = x, s.text
        if y > y_best:
            y_best, y_sentence = y, s.text
        if x and y and s.role > BACKGROUND and x + y > both_best:
            both_best, both_sentence = x + y, s.text
    if y_best < BAG_PAPER and y_in_paper:
        y_best = BAG_PAPER  # all of Y's specific words, or (Y being only weak words) any of them
    matched: list[str] = []
    for link in x_links:
        if link.entity_id not in x_weights:
            continue
        if link.evidence and all(ev in baseline_only for ev in link.evidence):
            continue  # the extraction's only evidence names X as a baseline
        role = NEUTRAL if x_side.dataset else _role(link.evidence, by_text)
        w = EDGE_FACTOR * x_weights[link.entity_id] * max(role, NEUTRAL if x_side.dataset else 0.0)
        matched.append(link.entity_id)
        if w > x_best:
            x_best, x_sentence = w, (link.evidence[0] if link.evidence else x_sentence)
    for link in y_links:
        if link.entity_id not in y_weights:
            continue
        w = EDGE_FACTOR * y_weights[link.entity_id]
        matched.append(link.entity_id)
        if w > y_best:
            y_best, y_sentence = w, (link.evidence[0] if link.evidence else y_sentence)
    agrees = not y_known_needs_words or any(topic.has(t, paper_terms) for t in topic.required)
    # a benchmark vouches for Y's entities, which a paper missing the sub-phrase's other words does not reach
    # ("self-supervised image classification" matched as image classification: the paper must say the rest)
    if y_known is not None and y_weights and y_best < KNOWLEDGE_Y and agrees:
        y_best, y_sentence = KNOWLEDGE_Y, (y_known.evidence[0] if y_known.evidence else y_sentence)
        matched.append(y_known.entity_id)
    bonus = SAME_SENTENCE_BONUS if both_sentence else 0.0
    if used_for:
        bonus = max(bonus, USED_FOR_BONUS)
    # X named only in sentences about other work is background, not use: no answer however strong Y is.
    score = round(x_best + y_best + bonus, 4) if x_best >= MIN_X and y_best else 0.0
    evidence = [s for s in dict.fromkeys((both_sentence, x_sentence, y_sentence)) if s]
    return Support(score, x_best, y_best, evidence, sorted(set(matched)))
