"""Name resolution at query time: the ladder from what a user types to entities and text forms.

Steps, each tried in order and recorded for `--explain`:
  1. key       exact alias or key: name_key folds case, plural, hyphens, Unicode and British
               spellings, so "Regularisation", "regularizations" and "regularization" are one key;
               abbreviations the corpus defines ("PINNs" / "physics-informed neural networks") are
               aliases of one entity, so they match here too
  2. head      the name without a generic head word ("dense retrieval models" -> "dense retrieval")
  3. as noun   a question led by a verb read as the task's noun phrase ("detecting anomalies" ->
               "anomaly detection", "classifying images" -> "image classification")
  4. contains  the longest sub-phrases naming entities ("regularisation of deep neural networks"
               -> "regularization"), weighted below a whole-name match, without their IS_A families,
               and counted only in papers that say what they leave out (with several parts: every
               specific word of the name, so no part drops another's modifier)
Whatever matched, its IS_A family comes along. Text forms (the name itself, its head-dropped form
and every alias of every family member) go to text evidence (kg.query.text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kg.query.access import Family
from kg.query.text import term, words
from kg.resolve import name_key
from kg.resolve.plural import singular_word
from kg.resolve.specific import GENERIC_NAMES, is_specific  # noqa: F401  (re-exported)
from kg.resolve.suffixes import GENERIC_WORDS
from kg.resolve.wordlists import FALLBACK_HEADS, FUNCTION_WORDS, WEAK_WORDS

DEPTH_PENALTY = 0.05  # per IS_A step between the entity matched and the family member
STEP_WEIGHT = {"key": 1.0, "head": 0.9, "as noun": 0.95, "contains": 0.7}
# `--explain` names this many family members and counts the rest
KNOWLEDGE_LINES = 3
IS_A_WORDS = {
    "task": "a subtask of",
    "method": "a member of",
    "dataset": "an edition or part of",
    "metric": "a variant of",
}
MAX_FORMS = 200  # text forms kept per name (a broad family has hundreds of aliases)


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One rung tried: what was looked up and what it found."""

    step: str
    key: str
    found: tuple[str, ...]  # entity ids matched (before IS_A expansion)


@dataclass
class ResolvedName:
    """What a name stands for: weighted entities (with IS_A families) and weighted text forms."""

    query: str
    steps: list[LadderStep] = field(default_factory=list)
    entities: dict[str, float] = field(default_factory=dict)  # entity id -> weight
    names: dict[str, str] = field(default_factory=dict)  # entity id -> display name
    forms: dict[str, float] = field(default_factory=dict)  # text form -> weight
    paper_counts: dict[str, int] = field(default_factory=dict)
    # terms of the name's specific words no matched sub-phrase covers (contains step only)
    residual: tuple[str, ...] = ()
    # family members below what matched: entity id -> (IS_A steps, where the entity comes from)
    below: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def explain(self) -> list[str]:
        """One line per rung tried."""
        lines = []
        for s in self.steps:
            found = ", ".join(self.names.get(e, e) for e in s.found) or "nothing"
            lines.append(f"{s.step}: {s.key!r} -> {found}")
        lines += self._knowledge_lines()
        if self.residual:
            lines.append(f"sub-phrase matches count only in papers that also say: {' '.join(self.residual)}")
        return lines

    def _knowledge_lines(self) -> list[str]:
        """What the IS_A family added, strongest first: "image denoising is a subtask of image restoration (vocabulary)"."""
        roots = [self.names.get(e, e) for s in self.steps for e in s.found]
        below = sorted(self.below.items(), key=lambda kv: (kv[1][0], -self.paper_counts.get(kv[0], 0), kv[0]))
        lines = []
        for entity, (depth, source) in below[:KNOWLEDGE_LINES]:
            relation = IS_A_WORDS.get(entity.split(":", 1)[0], "in the IS_A family of")
            steps = "" if depth == 1 else f" ({depth} steps)"
            origin = "vocabulary" if source == "vocabulary" else "corpus"
            lines.append(f"{self.names.get(entity, entity)} is {relation} {' / '.join(roots)}{steps} ({origin})")
        if len(below) > KNOWLEDGE_LINES:
            lines.append(f"IS_A family: {len(below) - KNOWLEDGE_LINES} more entities")
        return lines

    def own_forms(self) -> dict[str, float]:
        """The forms that need no residual words: the name as typed and its head-dropped form."""
        shorter = head_dropped(self.query)
        return {f: w for f, w in self.forms.items() if f in (self.query, shorter)}


def fallback_key(key: str) -> str | None:
    """The key without a generic head word, when something specific remains."""
    words = key.split(" ")
    if len(words) < 2 or words[-1] not in FALLBACK_HEADS or all(w in GENERIC_WORDS for w in words[:-1]):
        return None
    return " ".join(words[:-1])


def head_dropped(name: str) -> str | None:
    """The name without a generic head word, when something specific remains."""
    ws = name.split()
    return " ".join(ws[:-1]) if len(ws) > 1 and fallback_key(name_key(name)) is not None else None


def _sub_phrases(name: str) -> list[str]:
    """Contiguous word runs of the name, longest first, that are not only function or generic words."""
    ws = name.split()
    out = []
    for n in range(len(ws) - 1, 0, -1):
        for i in range(len(ws) - n + 1):
            run = ws[i : i + n]
            lowered = [w.casefold() for w in run]
            if lowered[0] in FUNCTION_WORDS or lowered[-1] in FUNCTION_WORDS:
                continue
            if all(w in GENERIC_WORDS or w in WEAK_WORDS or w in FUNCTION_WORDS for w in lowered):
                continue
            out.append(" ".join(run))
    return out


def _nouns_of(verb: str) -> list[str]:
    """The nouns an -ing verb may be nominalised to: detecting -> detection, classifying -> classification,
    segmenting -> segmentation, recognizing -> recognition, defending -> defense, retrieving -> retrieval,
    analysing -> analysis, inferring -> inference (forms that name nothing are simply not found)."""
    stem = verb[:-3]
    stems = [stem, stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [stem]  # "inferr", "infer"
    out = [verb]
    for s in stems:
        out += [s + "ion", s + "ation", s + "ment", s + "al", s + "ance", s + "ence", s + "is", s + "e"]
        out += [s[:-1] + "ication", s[:-1] + "tion", s[:-1] + "se", s[:-1] + "s"]
    return list(dict.fromkeys(out))


def noun_readings(name: str) -> list[str]:
    """A question led by an -ing verb read as a task's name: its object (up to a preposition), then the
    verb's noun ("detecting anomalies" -> "anomaly detection", "predicting clinical outcomes from genetic
    data" -> "clinical outcome prediction", "defending against adversarial attacks" -> "adversarial attack
    defense"). Empty for any other name."""
    ws = name.split()
    verb = ws[0].casefold() if ws else ""
    if len(ws) < 2 or not verb.endswith("ing") or len(verb) < 6 or not verb.isalpha():
        return []
    rest = ws[1:]
    while rest and rest[0].casefold() in FUNCTION_WORDS:
        rest = rest[1:]
    objects: list[str] = []
    for w in rest:
        if w.casefold() in FUNCTION_WORDS:
            break
        objects.append(w)
    if not objects:
        return []
    phrase = " ".join(singular_word(w) for w in objects)
    return [f"{phrase} {noun}" for noun in _nouns_of(verb)]


def ladder_keys(name: str) -> list[str]:
    """Every key the ladder may look up for `name`, so a backend can fetch them in one call."""
    keys = [name_key(name)]
    if (shorter := head_dropped(name)) is not None:
        keys.append(name_key(shorter))
    keys += [name_key(r) for r in noun_readings(name)]
    keys += [name_key(p) for p in _sub_phrases(name)]
    return [k for k in dict.fromkeys(keys) if k]


def resolve_name(name: str, family: Callable[[str, Sequence[str]], Family], labels: Sequence[str]) -> ResolvedName:
    """Walk the ladder for `name` over entities of `labels` (family(key, labels) is the backend's lookup)."""
    resolved = ResolvedName(name)
    resolved.forms[name] = 1.0

    def take(step: str, key: str, fam: Family) -> bool:
        resolved.steps.append(LadderStep(step, key, tuple(r.id for r in fam.matched)))
        weight = STEP_WEIGHT[step]
        for member in fam.members.values():
            if member.depth > 0 and step != "contains":
                resolved.below[member.id] = (member.depth, member.source)
            w = round(weight - DEPTH_PENALTY * member.depth, 4)
            if w > resolved.entities.get(member.id, 0.0):
                resolved.entities[member.id] = w
            resolved.names[member.id] = member.name
            resolved.paper_counts[member.id] = member.paper_count
        for row in fam.matched:
            resolved.names[row.id] = row.name
            for alias in (row.name, *row.aliases):
                if len(resolved.forms) < MAX_FORMS and weight > resolved.forms.get(alias, 0.0):
                    resolved.forms[alias] = weight
        for member in fam.members.values():
            if len(resolved.forms) < MAX_FORMS and member.name not in resolved.forms:
                resolved.forms[member.name] = round(weight - DEPTH_PENALTY * member.depth, 4)
        return bool(fam.matched)

    # Abstracts often drop the head a user types ("the Weisfeiler-Lehman hierarchy"): a text form always.
    shorter = head_dropped(name)
    if shorter:
        resolved.forms.setdefault(shorter, STEP_WEIGHT["head"])
    key = name_key(name)
    if key and take("key", key, family(key, labels)):
        return resolved
    if shorter and take("head", name_key(shorter), family(name_key(shorter), labels)):
        return resolved
    for reading in noun_readings(name):
        noun_key = name_key(reading)
        fam = family(noun_key, labels)
        if fam.matched and take("as noun", noun_key, fam):
            return resolved
    # The longest sub-phrases that name entities, each word covered once.
    covered: set[str] = set()
    found: list[tuple[str, Family]] = []
    for phrase in _sub_phrases(name):
        ws = set(words(phrase))
        if ws <= covered:
            continue
        fam = family(name_key(phrase), labels)
        if fam.matched:
            covered |= ws
            found.append((name_key(phrase), fam))
    specific = [
        w
        for w in words(name)
        if w not in FUNCTION_WORDS and w not in WEAK_WORDS and w not in GENERIC_WORDS and w not in FALLBACK_HEADS
    ]
    for key, fam in found:
        # a part of the name brings itself, not its IS_A family: "generation" stands in for "music
        # generation", "image generation" below it does not
        take("contains", key, Family(fam.matched, {e: m for e, m in fam.members.items() if m.depth == 0}))
    # A part of the name stands for the whole only in a paper that says what the part leaves out:
    # "generation" for "music generation" where the paper also says "music". When several parts
    # were needed ("self-supervised" + "action recognition"), each counts only where the paper says
    # every specific word, so no part drops the others' modifiers.
    needed = specific if len(found) > 1 else [w for w in specific if w not in covered]
    resolved.residual = tuple(dict.fromkeys(term(w) for w in needed))
    return resolved


MAX_EDITS = 2  # Lucene's fuzzy-query reach, so both backends' candidates agree
SUGGESTIONS = 3


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """kg.resolve.distance.edit_distance, imported on first use: only a did-you-mean needs rapidfuzz."""
    from kg.resolve.distance import edit_distance as distance

    return distance(a, b, limit)


def did_you_mean(key: str, candidates: Sequence[str]) -> list[str]:
    """The candidate keys within MAX_EDITS of `key`, closest first."""
    near = [(edit_distance(key, c), c) for c in dict.fromkeys(candidates) if c != key]
    return [c for d, c in sorted(near) if d <= MAX_EDITS][:SUGGESTIONS]
