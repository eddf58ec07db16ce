"""Linking: the corpus's resolved entities -> entries of the vocabulary, and the knowledge they bring.

    index = vocab_index(load_vocabulary())
    resolution = link(resolution, index)

An entity links to a vocabulary entry when one of its names (display name, any alias written in the
corpus, either part of "Long Form (ABBR)") has the entry's normalised key (kg.resolve.name_key over the
entry's name, aliases and full name; mined paraphrases only where no curated name claims the key). A
near miss ("Cityscape" for Cityscapes) links through a blocked fuzzy step: only keys of the same label
sharing the first three characters are compared, within one edit (two for keys of 12+ characters), only
where the difference looks like a misspelling (the same numbers, a word's first four letters kept:
plausible_typo), and only when one entry is nearest. The vocabulary's label wins over the NER's, except for
entries marked ambiguous (ordinary words, very short names), which link only under their own label.

Linked entities merge by entry and take the entry's id and display name; the corpus's spellings stay
aliases beside the entry's. Entities the corpus does not link keep their id and get a corpus-level
confidence (CORPUS_* below); below OFFER_BAR they stay on their papers but helpers and stats skip them.
Knowledge comes along only for what the corpus touches: each linked entry's ancestors (IS_A), a
dataset's BENCHMARK_FOR tasks and a metric's MEASURES tasks when those tasks are in the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.graph.schema import OFFER_BAR  # noqa: F401  (the bar the confidences below are made for)
from kg.models import Entity, Resolution
from kg.resolve import name_key
from kg.resolve.distance import edit_distance
from kg.resolve.specific import is_specific
from kg.resolve.suffixes import GENERIC_SUFFIXES, GENERIC_WORDS
from kg.resolve.wordlists import ACTIVITY_HEADS, CONCEPT_HEADS, DATA_HEADS
from kg.vocab.names import fold_dataset_name
from kg.vocab.records import VocabEntry, WeightedTask

UPPER = {"Method": "METHOD", "Dataset": "DATASET", "Task": "TASK", "Metric": "METRIC"}
FUZZY_BLOCK = 3  # characters a near-miss key shares with the entry's key (the block)
FUZZY_MIN_KEY = 6  # shorter keys never link fuzzily ("GAN" / "GNN")
TYPO_PREFIX = 4  # letters of a word a misspelling leaves alone (plausible_typo)
_NUMBERS = re.compile(r"\d+")
# Corpus confidence: papers mentioning it (1, 2, 3+), times the share of its key's mentions under this
# label, plus a bonus for a written name (capitals or digits: "Rank-DETR", "HAM10000") or a defined
# abbreviation; generic names ("neural network") keep a fraction. OFFER_BAR: what helpers and stats offer.
CORPUS_BY_PAPERS = (0.5, 0.7, 0.85)
NAMED_BONUS = 0.15
GENERIC_FACTOR = 0.3
MAIN_BENCHMARK_PAPERS = 2  # leaderboard papers behind a main benchmark's weight, for its task to come unnamed
# a dataset's task with at least this share of its leaderboard papers comes into the graph with it, named or not,
# so a helper knows the dataset belongs to that task ("MMLU" is no dataset of image classification); the
# engine's no-metric reading of a benchmark keeps the stricter SOLE_BENCHMARK
MAIN_BENCHMARK = 0.5
# as the vocabulary build keeps a dataset's links (kg.vocab.build MIN_LINK_WEIGHT / MAX_LINKS)
MIN_BENCHMARK_WEIGHT = 0.02
MAX_BENCHMARKS = 15
# A dataset the vocabulary does not know is offered only when written as a name: "real-world data",
# "benchmark datasets" and "synthetic images" are not datasets a user looks up.
UNNAMED_DATASET_FACTOR = 0.5
# The id a dropped mention maps to: the NER's dataset that is no named dataset ("noisy training data",
# "ultrasound image"); relation builders skip it. The annotation guidelines count named datasets only.
NO_ENTITY = ""
_NAMED = re.compile(r"[A-Z0-9]")
_INNER_NAMED = re.compile(r"[0-9]|\w[A-Z]")  # a digit, or a capital inside a word ("ImageNet", "COCO")
# The last words that make a name a method's ("unified sampling framework (USF)", "large language model"):
# such an entity is a method whatever label the NER gave it, and no dataset or task entry is it.
METHOD_HEADS: frozenset[str] = GENERIC_SUFFIXES["METHOD"] - GENERIC_SUFFIXES["TASK"]
# How alike (rapidfuzz ratio, 0-100) an entity's long form and an entry's must be for a short form to link.
LONG_FORM_AGREEMENT = 80
_PAREN = re.compile(r"^(?P<long>[^()]+?)\s*\((?P<short>[^()]+)\)\s*$")
# A last word naming a size, version or release: "ResNet-34", "BERT-large", "GPT-4", "Llama 2 7B", "YOLOv5".
_VARIANT_TAIL = re.compile(
    r"^(?:\d+(?:x|times)\d+|v?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)?[bmk]|base|large|small|tiny|mini|xl|xxl|huge|medium|lite|plus)$"
)


@dataclass(frozen=True)
class VocabIndex:
    """The vocabulary by id and by normalised key."""

    entries: Mapping[str, VocabEntry]
    by_key: Mapping[str, tuple[str, ...]]  # curated names, aliases and full names
    by_paraphrase: Mapping[str, tuple[str, ...]]  # mined paraphrases whose key no curated name holds
    # (label, key prefix) -> keys, for near misses (a typo leaves a name's first letters alone: plausible_typo)
    blocks: Mapping[tuple[str, str], tuple[str, ...]]
    # keys only names in capitals give ("NEURON", "OCCLUSION"): a corpus name links to them only when it
    # is written in capitals too ("a single neuron" is no dataset)
    caps_keys: frozenset[str] = frozenset()
    # last words of many task names ("classification", "detection", "retrieval"): after a dataset's name
    # they say what it was used for ("ImageNet classification", "PASCAL VOC detection")
    task_heads: frozenset[str] = frozenset()
    # task heads that almost only tasks end with ("classification", "segmentation"; not "search", "matching",
    # which end method names too): a method named with one is a task ("ViT-style image classification")
    task_only_heads: frozenset[str] = frozenset()
    # entries with FIELD_DESCENDANTS or more entries below them: fields ("natural language processing"), no answer
    fields: frozenset[str] = frozenset()
    # last words that end metric names almost only ("accuracy", "error", "rate", "score"): a task or method
    # named with one is a metric ("Click-Through-Rate", "top-1 accuracy")
    metric_only_heads: frozenset[str] = frozenset()
    # a dataset root's BENCHMARK_FOR links and leaderboard papers with those of the editions folded into it
    # (dataset_root): PASCAL VOC's own 5 papers say graph matching, its 2012 edition's 79 semantic segmentation
    root_benchmarks: Mapping[str, tuple[tuple[WeightedTask, ...], int]] = field(default_factory=dict)

    def ids(self, key: str) -> tuple[str, ...]:
        """Entries whose curated name or, failing that, mined paraphrase has this key."""
        return self.by_key.get(key) or self.by_paraphrase.get(key, ())


def vocab_index(entries: Mapping[str, VocabEntry]) -> VocabIndex:
    """Index a loaded vocabulary (load_vocabulary) by normalised key."""
    by_key: dict[str, set[str]] = defaultdict(set)
    by_paraphrase: dict[str, set[str]] = defaultdict(set)
    caps: set[str] = set()
    other: set[str] = set()
    # name_key drops a bracket ("Vision Transformer (ViT)"); a name whose bracket qualifies another entry's
    # name ("reinforcement learning (Atari games)") is indexed with the bracket's words, not under that name
    plain = {name_key(n) for e in entries.values() for n in (e.name, *e.aliases) if "(" not in n}
    for entry in entries.values():
        for name in (entry.name, *entry.aliases, *([entry.full_name] if entry.full_name else [])):
            key = name_key(name)
            if "(" in name and key in plain:
                key = name_key(name.replace("(", " ").replace(")", " "))
            if key:
                by_key[key].add(entry.id)
                (caps if name.isupper() and len(name) > 3 else other).add(key)
        for paraphrase in entry.paraphrases:
            if key := name_key(paraphrase.text):
                by_paraphrase[key].add(entry.id)
    blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, ids in by_key.items():
        if len(key) >= FUZZY_MIN_KEY - 1:  # one letter short of a key that may link: "CrowdPose" for "CrowPose"
            for entry_id in ids:
                blocks[(entries[entry_id].label, key[:FUZZY_BLOCK])].add(key)
    return VocabIndex(
        entries,
        {k: tuple(sorted(v)) for k, v in by_key.items()},
        {k: tuple(sorted(v)) for k, v in by_paraphrase.items() if k not in by_key},
        {k: tuple(sorted(v)) for k, v in blocks.items()},
        frozenset(caps - other),
        heads := _task_heads(entries),
        _task_only(heads, counts := _head_counts(entries)),
        _fields(entries),
        _metric_only(counts),
        _root_benchmarks(entries),
    )


def _root_of(entries: Mapping[str, VocabEntry], entry_id: str) -> str:
    """dataset_root over the entries alone (vocab_index needs it before the index exists)."""
    seen = {entry_id}
    entry = entries[entry_id]
    while entry.label == "Dataset":
        parents = [p for p in entry.parents if p in entries and entries[p].label == "Dataset" and p not in seen]
        if not parents:
            break
        entry = entries[parents[0]]
        seen.add(entry.id)
    return entry.id


def _root_benchmarks(entries: Mapping[str, VocabEntry]) -> dict[str, tuple[tuple[WeightedTask, ...], int]]:
    """For each dataset root with editions, its and its editions' BENCHMARK_FOR weights pooled by leaderboard
    papers (an entry with links but no paper counts as one), and their papers."""
    members: dict[str, list[VocabEntry]] = defaultdict(list)
    for entry in entries.values():
        if entry.label == "Dataset" and (root := _root_of(entries, entry.id)) != entry.id:
            members[root].append(entry)
    out = {}
    for root, editions in members.items():
        pooled: dict[str, float] = defaultdict(float)
        total = 0
        for entry in [entries[root], *editions]:
            weight = max(entry.papers, 1 if entry.benchmarks else 0)
            total += weight
            for link in entry.benchmarks:
                pooled[link.task] += weight * link.weight
        ranked = sorted(((round(w / total, 4), t) for t, w in pooled.items()), key=lambda x: (-x[0], x[1]))
        links = tuple(WeightedTask(task=t, weight=w) for w, t in ranked[:MAX_BENCHMARKS] if w >= MIN_BENCHMARK_WEIGHT)
        out[root] = (links, sum(e.papers for e in [entries[root], *editions]))
    return out


def benchmarks_of(index: VocabIndex, entry_id: str) -> tuple[tuple[WeightedTask, ...], int]:
    """A dataset entry's BENCHMARK_FOR links and leaderboard papers, its editions' pooled in (root_benchmarks)."""
    entry = index.entries[entry_id]
    return index.root_benchmarks.get(entry_id, (tuple(entry.benchmarks), entry.papers))


TASK_HEAD_NAMES = 10  # task names a last word must end to count as a task head


def _task_heads(entries: Mapping[str, VocabEntry]) -> frozenset[str]:
    """Last words ending at least TASK_HEAD_NAMES task names of the vocabulary."""
    counts: dict[str, int] = defaultdict(int)
    for entry in entries.values():
        if entry.label == "Task" and len(words := name_key(entry.name).split()) > 1:
            counts[words[-1]] += 1
    return frozenset(w for w, n in counts.items() if n >= TASK_HEAD_NAMES and len(w) > 3 and w not in GENERIC_WORDS)


TASK_ONLY_RATIO = 25  # task names per method name ending in a head word, for the head to say "task" (not
# "estimation": 103 tasks, but "maximum likelihood estimation" and four other methods)
FIELD_DESCENDANTS = 100


def _head_counts(entries: Mapping[str, VocabEntry]) -> dict[str, dict[str, int]]:
    """Last word -> label -> how many names and aliases of several words end with it."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in entries.values():
        for name in {entry.name, *entry.aliases}:
            if len(words := name_key(name).split()) > 1:
                counts[words[-1]][entry.label] += 1
    return counts


def _task_only(heads: frozenset[str], counts: Mapping[str, Mapping[str, int]]) -> frozenset[str]:
    """Task heads that end at least TASK_ONLY_RATIO task names per method name."""
    return frozenset(
        h
        for h in heads
        if counts.get(h, {}).get("Task", 0) >= TASK_ONLY_RATIO * max(1, counts.get(h, {}).get("Method", 0))
    )


METRIC_HEAD_NAMES = 15  # metric names a last word must end to count as a metric head
METRIC_ONLY_RATIO = 10  # ... and per task or method name ending with it ("loss" ends 33 methods: no metric head)


def _metric_only(counts: Mapping[str, Mapping[str, int]]) -> frozenset[str]:
    """Last words ending at least METRIC_HEAD_NAMES metric names and METRIC_ONLY_RATIO per other name."""
    return frozenset(
        head
        for head, by_label in counts.items()
        if by_label["Metric"] >= METRIC_HEAD_NAMES
        and by_label["Metric"] >= METRIC_ONLY_RATIO * max(1, by_label["Task"] + by_label["Method"])
        and head.isalpha()
    )


def _fields(entries: Mapping[str, VocabEntry]) -> frozenset[str]:
    """Entries with at least FIELD_DESCENDANTS descendants of their label."""
    children: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        for parent in entry.parents:
            children[parent].add(entry.id)
    fields = set()
    for entry_id in children:
        seen: set[str] = set()
        stack = [entry_id]
        while stack and len(seen) < FIELD_DESCENDANTS:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        if len(seen) >= FIELD_DESCENDANTS:
            fields.add(entry_id)
    return frozenset(fields)


def entity_names(entity: Entity) -> list[str]:
    """The names an entity is written with: display name, aliases, and both parts of "Long (SHORT)"."""
    names = [entity.name, *entity.aliases]
    for alias in list(names):
        if match := _PAREN.match(alias):
            names += [match["long"], match["short"]]
    return list(dict.fromkeys(names))


def _best(
    index: VocabIndex, ids: Iterable[str], label: str, refuse: frozenset[str] = frozenset(), written: str = ""
) -> str | None:
    """The entry for an entity of `label` among entries sharing a key (none of a `refuse`d label): own label
    first, then the best known. `written` is the name as the corpus wrote it, when that is how it matched."""
    usable = []
    for entry_id in ids:
        entry = index.entries[entry_id]
        if entry.label in refuse:
            continue
        same = UPPER[entry.label] == label
        # an ordinary word under another label is not this entity, unless written as the entry writes it in
        # capitals ("GLUE", not "glue"): the vocabulary's label wins then
        shouted = len(written) >= 3 and written.isupper() and written == entry.name
        if entry.ambiguous and not same and not shouted:
            continue
        usable.append((not same, -entry.papers, -len(entry.sources), entry_id))
    return min(usable)[3] if usable else None


def plausible_typo(key: str, candidate: str, written: str = "") -> bool:
    """Whether `key` may be a misspelling of `candidate` (both normalised keys within edit reach): the same
    numbers, and the first difference at least TYPO_PREFIX letters into its word, or, where the name as
    `written` joins words in CamelCase, into its part. Names that differ in a number ("L2" / "L1
    regularization", "WMT 2014" / 2018), a short word ("face" / "false detection", "mean" / "max pooling") or a
    word's or part's start ("VGGNet" / "VSGNet", "SPLADE" / "SPADE", "MobileNet" / "MobileDet",
    "decompression") are other things; "DistillBERT", "pooling operator" are slips of "DistilBERT", "operation"."""
    if _NUMBERS.findall(key) != _NUMBERS.findall(candidate):
        return False
    if key.replace(" ", "") == candidate.replace(" ", ""):
        return True
    first = next(
        (i for i, (a, b) in enumerate(zip(key, candidate, strict=False)) if a != b), min(len(key), len(candidate))
    )
    start = key.rfind(" ", 0, first) + 1
    # the parts of a written CamelCase word ("Mobile|Net"), where the written letters are the key's
    letters = [c for c in written if c.isalpha()]
    if "".join(letters).lower() == key[start:].replace(" ", "")[: len(letters)] and letters:
        humps = [i for i in range(1, len(letters)) if letters[i].isupper() and letters[i - 1].islower()]
        start += max([h for h in humps if h <= first - start], default=0)
    return first - start >= TYPO_PREFIX


def _near_miss(index: VocabIndex, key: str, label: str, written: str = "") -> str | None:
    """The one entry of `label` within reach of `key` (blocked by prefix) that `key` may misspell, or None."""
    if len(key) < FUZZY_MIN_KEY:
        return None
    vocab_label = next(k for k, v in UPPER.items() if v == label)
    reach = 2 if len(key) >= 12 else 1
    scored = sorted(
        (edit_distance(key, candidate, reach), candidate)
        for candidate in index.blocks.get((vocab_label, key[:FUZZY_BLOCK]), ())
        if abs(len(candidate) - len(key)) <= reach
    )
    scored = [(d, c) for d, c in scored if plausible_typo(key, c, written)]
    near = [c for d, c in scored if d <= reach]
    if not near or (len(near) > 1 and scored[0][0] == scored[1][0]):
        return None
    ids = [i for i in index.by_key[near[0]] if index.entries[i].label == vocab_label and not index.entries[i].ambiguous]
    return ids[0] if len(ids) == 1 else None


def _without_generic_tail(key: str) -> str | None:
    """The key without trailing generic words ("cifar 10 data" -> "cifar 10"), when something specific is left."""
    words = key.split(" ")
    while len(words) > 1 and words[-1] in GENERIC_WORDS:
        words.pop()
    rest = " ".join(words)
    return rest if rest != key and not all(w in GENERIC_WORDS for w in words) else None


_NAME_PIECES = re.compile(r"[\s\-_/]+")


def _variant_bases(name: str) -> list[str]:
    """Shorter names an entity may be a member of: without trailing size/version words ("ResNet-34",
    "CelebA-HQ-256", "YOLOv5"), then without leading modifiers when a distinctive name (capitals or
    digits, three characters or more) is left ("unconditional CIFAR10"; not "graph transformer")."""
    pieces = [p for p in _NAME_PIECES.split(name.strip()) if p]
    out = []
    tail = list(pieces)
    while len(tail) > 1 and _VARIANT_TAIL.match(tail[-1].casefold()):
        tail.pop()
    if len(tail) == 1 and (m := re.match(r"^([A-Za-z]{3,}?)v?\d+$", tail[0])):
        tail = [m.group(1)]  # "YOLOv5" -> "YOLO"
    if tail != pieces:
        out.append(" ".join(tail))
    # in Title Case a capital says nothing of one word ("Electronic Health Record" is no member of ReCoRD,
    # "Normal Form Game" none of FORM): a digit or a capital inside the word must then mark it
    title_case = all(p[0].isupper() for p in pieces if p[0].isalpha())
    for i in range(1, len(pieces)):
        rest = " ".join(pieces[i:])
        one_word = i == len(pieces) - 1
        named = _INNER_NAMED.search(rest) if title_case and one_word else _NAMED.search(rest)
        if len(rest) >= 3 and named and any(c.isalpha() for c in rest):
            out.append(rest)
    return out


def dataset_root(index: VocabIndex, entry_id: str) -> str:
    """A dataset edition's base ("PASCAL VOC 2012" -> PASCAL VOC, "CIFAR-10 Image" -> CIFAR-10): splits and
    editions are one dataset for users (the spelling stays an alias); other labels are left as they are."""
    return _root_of(index.entries, entry_id)


def is_abbreviation(name: str) -> bool:
    """A short form, with any generic tail: "VAR", "GANs", "VAR models", "ViT-based model"."""
    words = name.split()
    while len(words) > 1 and name_key(words[-1]) in GENERIC_WORDS:
        words.pop()
    return len(words) == 1 and sum(c.isupper() for c in words[0]) >= 2 and len(words[0]) <= 10


def _entry_long_keys(entry: VocabEntry) -> list[str]:
    """The keys of an entry's names that are no short forms."""
    return [name_key(n) for n in (entry.name, *entry.aliases, entry.full_name or "") if n and not is_abbreviation(n)]


def long_forms_agree(entry: VocabEntry, long_keys: list[str]) -> bool:
    """Whether an entity's long forms spell the entry's (a near match will do: "probability" for
    "probabilistic"); an entry with no long form of its own cannot disagree."""
    entry_keys = _entry_long_keys(entry)
    if not entry_keys or not long_keys:
        return True
    return any(fuzz.ratio(a, b) >= LONG_FORM_AGREEMENT for a in long_keys for b in entry_keys)


def _spelled_as_dataset(long_form: str) -> bool:
    """A defined long form that reads as a dataset's name: "... Dataset", or capitals or digits, a dataset
    may be named after its task ("TV show Retrieval"); in Title Case ("Self-Supervised Learning") only a
    digit or a capital inside a word counts ("Lip Reading Sentences 2")."""
    words = long_form.split()
    if words and words[-1].casefold() in DATA_HEADS:
        return True
    if all(w[0].isupper() for w in words if w[0].isalpha() and len(w) > 3):
        return _INNER_NAMED.search(long_form) is not None
    return written_as_dataset(long_form)


def _short_form_disagrees(name: str, label: str, entry: VocabEntry, longs: list[str]) -> bool:
    """`name` is a short form and the entity's long forms are not the entry's ("VAR" / vector autoregression),
    or the entry is a dataset with no long form to agree with, the entity is not tagged one, and its long
    form is not written as a dataset's name: "multi-modality speech recognition (MSR)" is not the MSR
    dataset; "Lip Reading Sentences 2 (LRS2)", tagged a method, is the dataset LRS2."""
    if not is_abbreviation(name):
        return False
    if longs and entry.label == "Dataset" != label.title() and not _entry_long_keys(entry):
        return not any(_spelled_as_dataset(n) for n in longs)
    return not long_forms_agree(entry, [name_key(n) for n in longs])


def long_forms_defined(entities: Iterable[Entity]) -> dict[str, list[str]]:
    """Short form -> the long forms the corpus's entities spell it with ("NER" -> named entity recognition),
    for entities that only ever write the short form (kg.resolve keeps abbreviations apart across labels)."""
    out: dict[str, list[str]] = defaultdict(list)
    for entity in entities:
        names = entity_names(entity)
        longs = _long_names(names)
        if longs:
            for short in names:
                if is_abbreviation(short) and " " not in short:
                    out[short].extend(n for n in longs if n not in out[short])
    return dict(out)


def _long_names(names: list[str]) -> list[str]:
    return [n for n in names if not is_abbreviation(n) and " " in name_key(n)]


def link_entity(
    entity: Entity,
    index: VocabIndex,
    refuse: frozenset[str] = frozenset(),
    defined: Mapping[str, list[str]] | None = None,
) -> str | None:
    """The vocabulary entry an entity stands for, or None: its display name first, then its other names,
    then the names without a generic tail ("CIFAR-10 data"), then a near miss ("Cityscape"). Entries of a
    `refuse`d vocabulary label are never it. A short form links only to an entry whose long form agrees
    with the one the corpus defines it by: "Visual Autoregressive (VAR)" is not vector autoregression; an
    entity with no long form of its own takes those other entities give its short forms (`defined`,
    long_forms_defined): "NER models" are no dataset called NER where the corpus spells NER out as
    named entity recognition."""
    votes: dict[str, int] = defaultdict(int)
    names = entity_names(entity)
    keys = [name_key(name) for name in names]
    longs = _long_names(names)
    if not longs and defined:
        longs = list(dict.fromkeys(n for short in names for n in defined.get(short, ())))
    for rank, key in enumerate(keys):
        if key in index.caps_keys and not names[rank].isupper():
            continue
        chosen = _best(index, index.ids(key), entity.label, refuse, names[rank]) if key else None
        if chosen is not None and _short_form_disagrees(names[rank], entity.label, index.entries[chosen], longs):
            continue
        if chosen is not None:
            if rank == 0:
                return chosen
            votes[chosen] += 1
    if votes:
        return min(votes, key=lambda e: (-votes[e], e))
    # a metric's generic tail is its head ("CLIP score", "SOD metrics"): without it the name is something else
    tail_refuse = refuse | (_ALL_BUT_METRIC if entity.label == "METRIC" else frozenset())
    for name, key in zip(names, keys, strict=True):
        shorter = _without_generic_tail(key) if key else None
        chosen = _best(index, index.ids(shorter), entity.label, tail_refuse) if shorter else None
        if chosen is not None and not _short_form_disagrees(name, entity.label, index.entries[chosen], longs):
            return chosen
    # a near miss of its own key, then of its other names' ("PASCAL-5i" beside "PASCAL- 1-shot"); same label
    # only: never a refused one
    written = dict(zip(keys, names, strict=True))
    for key in dict.fromkeys([entity.id.partition(":")[2], *keys]):
        if key and (near := _near_miss(index, key, entity.label, written.get(key, ""))) is not None:
            return near
    return None


def variant_of(entity: Entity, index: VocabIndex, refuse: frozenset[str] = frozenset()) -> str | None:
    """The entry an unlinked entity is a member of ("ResNet-34" -> ResNet, "unconditional CIFAR10" ->
    CIFAR-10), or None. A leading modifier counts only before a distinctive name (capitals or digits):
    "graph transformer" is left to the corpus hierarchy."""
    name = entity.name
    words = name.split()
    for i in range(1, len(words)):
        # a trailing task name is the setting, not the name: "CelebA-HQ-256 image generation", "BEIR retrieval",
        # "ImageNet classification"
        rest = name_key(" ".join(words[i:]))
        if rest in index.task_heads or any(index.entries[e].label == "Task" for e in index.ids(rest)):
            name = " ".join(words[:i])
            key = name_key(name)
            chosen = _best(index, index.ids(key), entity.label, refuse) if key else None
            # a dataset so used is named as one: "panoptic domain adaptation" is no use of the Panoptic dataset
            if chosen is not None and (index.entries[chosen].label != "Dataset" or _NAMED.search(words[i - 1])):
                return chosen
            break
    # a split of a dataset is the dataset ("Cityscapes test set", "Kinetics-400 val"), as leaderboard names
    # are folded when the vocabulary is built
    # (an ambiguous entry is no base: "HARD set" is a paper's hard split, not the HARD dataset)
    if entity.label == "DATASET" and (base := fold_dataset_name(name)) != name:
        ids = [i for i in index.ids(name_key(base)) if not index.entries[i].ambiguous]
        if (chosen := _best(index, ids, entity.label, refuse)) is not None:
            return chosen
    for base in _variant_bases(name):
        key = name_key(base)
        if key and (chosen := _best(index, index.ids(key), entity.label, refuse)) is not None:
            return chosen
    return None


def written_as_dataset(name: str, task_heads: frozenset[str] = frozenset()) -> bool:
    """A dataset's name as written: capitals or digits, and no ordinary or task word after them."""
    words = name.split()
    if not _NAMED.search(name):
        return False
    if len(words) == 1 or (last := words[-1].casefold()) in DATA_HEADS:
        return True
    if last in task_heads:
        return False  # "BEIR retrieval", "NYU Depth Prediction": the name with what it was used for
    return bool(_NAMED.search(words[-1])) or not last.isalpha()


def _head(name: str) -> str:
    """The last word of a name's key ("" for none)."""
    words = name_key(name).split()
    return words[-1] if words else ""


def method_headed(entity: Entity) -> bool:
    """True when the entity is named as a method: one of its names ends in a method's head word that is
    part of the name ("unified sampling framework (USF)", "large language model"), not a word added to
    another of its names ("CIFAR10 model" beside "CIFAR10", "data augmentation technique")."""
    keys = [k.split() for name in entity_names(entity) if (k := name_key(name))]
    bare = {" ".join(words) for words in keys}
    return any(len(words) > 1 and words[-1] in METHOD_HEADS and " ".join(words[:-1]) not in bare for words in keys)


def corpus_confidence(entity: Entity, agreement: float, task_heads: frozenset[str] | None = None) -> float:
    """Belief that an entity the vocabulary does not know is one: papers, type agreement, written name.

    With the vocabulary's `task_heads`, a dataset must be written as a dataset's name (written_as_dataset);
    without them (an ambiguous vocabulary entry's corpus spellings: "LSUN bedroom"), capitals suffice.
    """
    by_papers = CORPUS_BY_PAPERS[min(entity.paper_count, len(CORPUS_BY_PAPERS)) - 1] if entity.paper_count else 0.0
    named = any(
        _NAMED.search(name) for name in (entity.name, *entity.aliases) if name != name.upper() or len(name) <= 6
    )
    score = by_papers * agreement + (NAMED_BONUS if named else 0.0)
    head = _head(entity.name)
    if (
        not is_specific(entity.name)
        or (entity.label == "METHOD" and head in CONCEPT_HEADS)
        or (entity.label == "TASK" and head in ACTIVITY_HEADS)
    ):
        score *= GENERIC_FACTOR
    written = _NAMED.search(entity.name) if task_heads is None else written_as_dataset(entity.name, task_heads)
    if entity.label == "DATASET" and not written:
        score *= UNNAMED_DATASET_FACTOR
    return round(min(score, 1.0), 4)


def _agreement(entities: Mapping[str, Entity]) -> dict[str, float]:
    """Per entity: its papers over the papers of every entity with its key under any label (type votes)."""
    by_key: dict[str, int] = defaultdict(int)
    for entity in entities.values():
        by_key[entity.id.partition(":")[2]] += entity.paper_count
    return {
        e.id: (e.paper_count / by_key[e.id.partition(":")[2]]) if by_key[e.id.partition(":")[2]] else 0.0
        for e in entities.values()
    }


def _ancestors(index: VocabIndex, ids: Iterable[str]) -> set[str]:
    """Every entry reachable upward through parents of the same label (cycles tolerated)."""
    seen: set[str] = set()
    stack = list(ids)
    while stack:
        entry = index.entries[stack.pop()]
        for parent in entry.parents:
            if parent not in seen and parent in index.entries and index.entries[parent].label == entry.label:
                seen.add(parent)
                stack.append(parent)
    return seen


def _display_name(entry: VocabEntry, written: list[str]) -> str:
    """The entry's name, or the corpus's all-capital spelling of it: the PwC dump title-cases acronyms
    ("Detr", "Gpt") that papers write "DETR", "GPT"."""
    if entry.name[:1].isupper() and entry.name[1:].islower():
        shouted = [a for a in written if a.isupper() and a.casefold() == entry.name.casefold()]
        if shouted:
            return shouted[0]
    return entry.name


def _vocab_entity(
    entry: VocabEntry, corpus: list[Entity], papers: int, agreement: Mapping[str, float], field: bool = False
) -> Entity:
    names = [entry.name, *entry.aliases, *([entry.full_name] if entry.full_name else [])]
    aliases = sorted({a for e in corpus for a in (e.name, *e.aliases)} | set(names))
    if entry.category or field or not is_specific(entry.name):
        # a category or a field under a generic name ("Regularization", "computer vision", "natural language processing")
        confidence = GENERIC_FACTOR
    elif entry.ambiguous and corpus:
        # an ordinary word ("MATH", "GitHub") is that entry only as far as the corpus says so
        confidence = max(corpus_confidence(e, agreement.get(e.id, 1.0)) for e in corpus)
    else:
        confidence = 1.0
    return Entity.model_construct(
        id=entry.id,
        label=UPPER[entry.label],
        name=_display_name(entry, aliases),
        aliases=aliases,
        paper_count=papers,
        source="vocabulary",
        vocab_id=entry.id,
        confidence=confidence,
    )


@dataclass
class LinkPlan:
    """Linking decided from the entities alone: each corpus id's new id and the entities before recounting."""

    new_id: dict[str, str]
    out: dict[str, Entity]
    members: dict[str, list[Entity]]
    variant_is_a: set[tuple[str, str]]
    agreement: dict[str, float]

    def remap(self, ids: list[str]) -> list[str]:
        """One paper's mention entities after linking (NO_ENTITY for a dropped mention, in its place)."""
        new_id = self.new_id
        return [new_id.get(i, i) for i in ids]


def unvouched_dataset(entity: Entity, index: VocabIndex) -> bool:
    """A dataset no vocabulary entry vouches for (the caller's check) that is no dataset: not written as a
    dataset's name ("noisy training data", "RGB-D observation": descriptions of data), or never used with a
    dataset's cue in any paper ("DPR, ANCE, DeepCT and COIL", "WITHOUT any shortcuts": methods and words the
    NER read as datasets; kg.resolve.merge.DATASET_CUES)."""
    return entity.label == "DATASET" and (
        not written_as_dataset(entity.name, index.task_heads) or not entity.dataset_cue
    )


# The heads a task is referred to by ("vision task", "machine learning application", "stochastic setting"):
# after words that name no task of the vocabulary, the name points at tasks without saying which. Not
# "problem", which ends names of problems ("inverse problem", "knapsack problem").
TASK_REFERENCE_HEADS: frozenset[str] = (GENERIC_SUFFIXES["TASK"] - {"problem"}) | {"application"}


def vague_task(entity: Entity, index: VocabIndex) -> bool:
    """A task named by a reference head after words that name no vocabulary task ("vision task"; not
    "classification task", which is classification)."""
    words = name_key(entity.name).split()
    return (
        entity.label == "TASK"
        and len(words) > 1
        and words[-1] in TASK_REFERENCE_HEADS
        and " ".join(words[:-1]) not in index.by_key
    )


def _relabelled(entity: Entity, label: str) -> Entity:
    return entity.model_copy(update={"label": label, "id": f"{label.lower()}:{entity.id.partition(':')[2]}"})


def head_label(entity: Entity, index: VocabIndex) -> str | None:
    """The label an entity's own head word gives it against the NER's, or None: "unified sampling framework"
    is a method, "ViT-style image classification" a task (a head that ends task names almost only),
    "Click-Through-Rate" a metric (a head that ends metric names almost only)."""
    if entity.label != "METHOD" and method_headed(entity):
        return "METHOD"
    words = name_key(entity.name).split()
    if (
        entity.label in ("METHOD", "DATASET")
        and len(words) > 1
        and words[-1] in index.task_only_heads
        and not method_headed(entity)
        and (entity.label == "METHOD" or not written_as_dataset(entity.name, index.task_heads))
    ):
        return "TASK"  # also a dataset named with what it was used for ("LVIS long-tailed object detection")
    if entity.label in ("METHOD", "TASK") and len(words) > 1 and words[-1] in index.metric_only_heads:
        return "METRIC"
    return None


_ALL_BUT_METRIC = frozenset({"Dataset", "Task", "Method"})
_NOT_METHODS = frozenset({"Dataset", "Task"})  # entries a method-headed name never is ("USF", "Large Language Model")


def plan_links(entities: Mapping[str, Entity], index: VocabIndex) -> LinkPlan:
    """Which entry (or new id) each resolved entity becomes; needs no paper, only the entity table."""
    relabelled = {eid: _relabelled(e, label) for eid, e in entities.items() if (label := head_label(e, index))}
    refused = {eid: _NOT_METHODS for eid, e in entities.items() if method_headed(e)}
    defined = long_forms_defined(entities.values())
    links = {
        eid: dataset_root(index, entry)
        for eid, e in entities.items()
        if (entry := link_entity(relabelled.get(eid, e), index, refused.get(eid, frozenset()), defined)) is not None
    }
    # an unlinked corpus id equal to an entry's id ("method:bert" under an ambiguous label) is that entry
    links.update({eid: eid for eid in entities if eid in index.entries and eid not in links})
    new_id = {eid: links.get(eid, eid) for eid in entities}
    agreement = _agreement(entities)
    out: dict[str, Entity] = {}
    members: dict[str, list[Entity]] = defaultdict(list)
    variant_is_a: set[tuple[str, str]] = set()
    for eid, corpus_entity in entities.items():
        if eid in links:
            members[links[eid]].append(corpus_entity)
            continue
        entity = relabelled.get(eid, corpus_entity)
        if entity.id in links:  # relabelled onto an entity linked under that key
            links[eid] = new_id[eid] = links[entity.id]
            members[links[eid]].append(entity)
            continue
        confidence = corpus_confidence(entity, agreement[eid], index.task_heads)
        if vague_task(entity, index):
            confidence = round(confidence * GENERIC_FACTOR, 4)
        update: dict[str, object] = {"confidence": confidence}
        if entity is not corpus_entity:
            update["id"] = entity.id
        base = variant_of(entity, index, refused.get(eid, frozenset()))
        if base is not None and index.entries[base].label == "Dataset":
            # a dataset's size, split or setting ("CelebA-HQ-256", "ImageNet classification") is that dataset,
            # whatever label the NER gave it (the vocabulary's label wins)
            links[eid] = new_id[eid] = dataset_root(index, base)
            members[links[eid]].append(entity)
            continue
        if base is None and unvouched_dataset(entity, index):
            new_id[eid] = NO_ENTITY
            continue
        if base is not None:
            # a sized or versioned member of a known entry: one of its family, under the entry's label
            label = UPPER[index.entries[base].label]
            update = {"confidence": 1.0, "label": label, "id": f"{label.lower()}:{eid.partition(':')[2]}"}
            variant_is_a.add((str(update["id"]), base))
        new_entity = entity.model_copy(update=update)
        if new_entity.id != eid:
            new_id[eid] = new_entity.id
        if new_entity.id in out:  # the relabelled variant meets an entity of that label: keep the larger
            kept = out[new_entity.id]
            new_entity = kept.model_copy(
                update={
                    "aliases": sorted({*kept.aliases, *new_entity.aliases}),
                    "paper_count": kept.paper_count + new_entity.paper_count,  # recounted below
                }
            )
        out[new_entity.id] = new_entity
    return LinkPlan(new_id, out, dict(members), variant_is_a, agreement)


def count_papers(
    plan: LinkPlan, mention_entities: Mapping[str, list[str]], into: dict[str, int] | None = None
) -> dict[str, int]:
    """Papers per linked entity over some papers (add across disjoint sets of papers via `into`)."""
    counts = {} if into is None else into
    for ids in mention_entities.values():
        for i in set(plan.remap(ids)) - {NO_ENTITY}:
            counts[i] = counts.get(i, 0) + 1
    return counts


def finish_links(
    plan: LinkPlan, paper_counts: Mapping[str, int], is_a: Iterable[tuple[str, str]], index: VocabIndex
) -> Resolution:
    """The linked entities (recounted), their IS_A and the vocabulary's knowledge; no mention_entities."""
    new_id, agreement = plan.new_id, plan.agreement
    out = dict(plan.out)
    for eid in list(out):
        n = paper_counts.get(eid, 0)
        if n and out[eid].paper_count != n:
            out[eid] = out[eid].model_copy(update={"paper_count": n})
    for entry_id, corpus in plan.members.items():
        out[entry_id] = _vocab_entity(
            index.entries[entry_id], corpus, paper_counts.get(entry_id, 0), agreement, entry_id in index.fields
        )
    # a benchmark made for one task says what its papers do, named or not ("evaluated on GSM8K"): that task
    # comes along with the dataset, as the ancestors do
    implied = main_benchmark_tasks(index, plan.members)
    for entry_id in sorted(implied - out.keys()):
        out[entry_id] = _vocab_entity(index.entries[entry_id], [], 0, agreement, entry_id in index.fields)
    for entry_id in sorted(
        _ancestors(index, [*plan.members, *implied, *(b for _, b in plan.variant_is_a)]) - out.keys()
    ):
        out[entry_id] = _vocab_entity(index.entries[entry_id], [], 0, agreement, entry_id in index.fields)
    for _, base in plan.variant_is_a:
        if base not in out:
            out[base] = _vocab_entity(
                index.entries[base], [], paper_counts.get(base, 0), agreement, base in index.fields
            )
    linked_is_a = {(new_id.get(c, c), new_id.get(p, p)) for c, p in is_a} | plan.variant_is_a
    for entry_id in (e for e in out if e in index.entries):
        entry = index.entries[entry_id]
        linked_is_a |= {(entry_id, parent) for parent in entry.parents if parent in out}
    linked_is_a = {(c, p) for c, p in linked_is_a if c != p and c in out and p in out and out[c].label == out[p].label}
    knowledge = []
    for entry_id in sorted(e for e in out if e in index.entries):
        entry = index.entries[entry_id]
        benchmarks = benchmarks_of(index, entry_id)[0] if entry.label == "Dataset" else ()
        for rel_type, targets in (("BENCHMARK_FOR", benchmarks), ("MEASURES", entry.measures)):
            knowledge += [(entry_id, t.task, rel_type, t.weight) for t in targets if t.task in out]
    return Resolution.model_construct(
        entities=dict(sorted(out.items())), mention_entities={}, is_a=sorted(linked_is_a), knowledge=knowledge
    )


def main_benchmark_tasks(index: VocabIndex, entry_ids: Iterable[str], bar: float = MAIN_BENCHMARK) -> set[str]:
    """The tasks that datasets among `entry_ids` are mainly a benchmark of: BENCHMARK_FOR weight at least
    `bar` from at least MAIN_BENCHMARK_PAPERS leaderboard papers (DTU: 3D reconstruction, GSM8K: arithmetic
    reasoning, MMLU: multi-task language understanding; not CIFAR-10, whose papers do many tasks)."""
    out = set()
    for entry_id in entry_ids:
        if index.entries[entry_id].label != "Dataset":
            continue
        links, papers = benchmarks_of(index, entry_id)
        if papers >= MAIN_BENCHMARK_PAPERS:
            out |= {t.task for t in links if t.weight >= bar and t.task in index.entries}
    return out


def link(resolution: Resolution, index: VocabIndex) -> Resolution:
    """The resolution with entities linked to the vocabulary, merged per entry, and its knowledge added."""
    plan = plan_links(resolution.entities, index)
    linked = finish_links(plan, count_papers(plan, resolution.mention_entities), resolution.is_a, index)
    linked.mention_entities = {pid: plan.remap(ids) for pid, ids in resolution.mention_entities.items()}
    return linked
