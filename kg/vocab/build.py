"""Combine the sources into vocabulary entries: merging, corrections, hierarchy, weights (pure functions)."""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.resolve.abbreviations import could_abbreviate
from kg.vocab.corrections import Correction
from kg.vocab.names import (
    clean_name,
    display_lower,
    family_display,
    fold_dataset_name,
    merge_key,
    paren_long_form,
    split_acronym,
)
from kg.vocab.records import Label, Paraphrase, VocabEntry, WeightedTask, entry_id
from kg.vocab.sources import BenchmarkRow, LabelledPaper, MethodRecord, OntologyTerm, TaskNode

# ITO's abstract roots and grouping nodes ("Vision process", "AI process") are not tasks anyone asks for;
# the corrections file renames the ones that read as real fields before this rule drops the rest
_ABSTRACT_TASK = re.compile(r"^(?:ai process|benchmarking)$|\bprocess(?: \(.*\))?$|benchmark", re.IGNORECASE)
# a leaderboard task that no other source names is kept only with this many build papers
MIN_LEADERBOARD_TASK_PAPERS = 5
# an ITO metric leaf directly under the root, or a leaderboard metric ITO lacks, is kept only with this many papers
MIN_METRIC_PAPERS = 10
# a leaf's words beyond its bucket's that say only which split was scored, not a different measure
_SPLIT_WORDS = frozenset({"test", "testing", "validation", "val", "dev", "train", "training"})
# links below this share of a dataset's (metric's) evidence are noise; at most this many per entry
MIN_LINK_WEIGHT = 0.02
MAX_LINKS = 15
# a single lower/title-case word at least this frequent in English (wordfreq Zipf scale) is an ordinary word
ORDINARY_WORD_ZIPF = 3.5
# AIO's speculative "* LLM" types and its root classes are not methods papers name
_AIO_ROOTS = {"model", "network", "machinelearningtask", "trainingstrategy", "layer"}
_AIO_METHOD_SUBSETS = {
    "aio:NetworkSubset",
    "aio:ModelSubset",
    "aio:MachineLearningSubset",
    "aio:TrainingStrategySubset",
}

SOURCE_PRIORITY = {
    "ito": 4,
    "pwc_sota_extractor": 3,
    "pwc_methods": 3,
    "aio": 2,
    "pwc_task_names": 1,
    "pwc_sota": 1,
    "pwc_collections": 2,
}


@dataclass
class Draft:
    """An entity being assembled from several sources."""

    label: Label
    names: Counter = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)
    full_name: str | None = None
    sources: set[str] = field(default_factory=set)
    papers: int = 0
    links: Counter = field(default_factory=Counter)
    paraphrases: list[Paraphrase] = field(default_factory=list)

    def display(self) -> str:
        """The preferred name: the highest-scored candidate, ties broken by the string."""
        return min(self.names.items(), key=lambda item: (-item[1], item[0]))[0]


class Store:
    """The drafts of one label by merge key, with an alias index for lookups."""

    def __init__(self, label: Label) -> None:
        self.label = label
        self.drafts: dict[str, Draft] = {}
        self.alias_index: dict[str, str] = {}

    def find(self, name: str) -> str | None:
        """The key of the draft called name (or with name as an alias), if any."""
        key = merge_key(name)
        if key in self.drafts:
            return key
        return self.alias_index.get(key)

    def add(self, name: str, source: str, weight: float = 0.0, key: str | None = None) -> str:
        """Add name (from source) to the draft with its key, creating it; returns the key."""
        key = key or merge_key(name)
        draft = self.drafts.setdefault(key, Draft(label=self.label))
        # a name's score is its best source's priority plus its evidence (leaderboard papers) from that source
        draft.names[name] = max(draft.names[name], SOURCE_PRIORITY.get(source, 1) * 1000) + weight
        draft.sources.add(source)
        return key

    def add_alias(self, key: str, alias: str) -> None:
        """Record alias on the draft with this key (and index it when no other draft claims it)."""
        alias = clean_name(alias)
        if not alias:
            return
        self.drafts[key].aliases.add(alias)
        self.alias_index.setdefault(merge_key(alias), key)

    def merge(self, source_key: str, target_key: str) -> None:
        """Fold one draft into another; links and parents pointing at it move too."""
        if source_key == target_key or source_key not in self.drafts or target_key not in self.drafts:
            return
        src, dst = self.drafts.pop(source_key), self.drafts[target_key]
        dst.aliases |= src.aliases | set(src.names)
        dst.parents |= src.parents - {target_key}
        dst.sources |= src.sources
        dst.papers += src.papers
        dst.links.update(src.links)
        dst.full_name = dst.full_name or src.full_name
        for draft in self.drafts.values():
            if source_key in draft.parents:
                draft.parents.discard(source_key)
                if draft is not dst:
                    draft.parents.add(target_key)
        for alias, key in list(self.alias_index.items()):
            if key == source_key:
                self.alias_index[alias] = target_key

    def drop(self, key: str) -> None:
        """Remove a draft and every parent link to it."""
        self.drafts.pop(key, None)
        for draft in self.drafts.values():
            draft.parents.discard(key)
        for alias, target in list(self.alias_index.items()):
            if target == key:
                del self.alias_index[alias]


def _renames(corrections: Iterable[Correction], label: str) -> dict[str, str]:
    return {merge_key(c.name): c.value for c in corrections if c.label == label and c.action == "rename"}


def _plausible_task_name(name: str) -> bool:
    return (
        3 <= len(name) <= 80
        and re.search(r"[A-Za-z]{3,}", name) is not None
        and not re.search(r"[,*;=]|^\d+\s", name)
        and not re.match(r"^[\d\W_]+$", name)
    )


# ---------------------------------------------------------------------------------------------- tasks


def _task_name_forms(raw: str, renames: dict[str, str]) -> tuple[str, str | None]:
    name = clean_name(raw)
    name = renames.get(merge_key(name), name)
    return split_acronym(name)


def build_tasks(
    ito: list[TaskNode],
    extractor: list[tuple[str, TaskNode]],
    synonym_pairs: list[tuple[str, str]],
    aio: list[OntologyTerm],
    pwc_names: list[str],
    papers: list[LabelledPaper],
    corrections: list[Correction],
) -> Store:
    """Tasks from ITO's tree, sota-extractor, AIO synonyms, the 2025 PwC names and the build leaderboards."""
    store = Store("Task")
    renames = _renames(corrections, "Task")

    def add(raw: str, source: str, create: bool = True) -> str | None:
        base, acronym = _task_name_forms(raw, renames)
        if _ABSTRACT_TASK.search(base) or not _plausible_task_name(base):
            return None
        key = store.find(base)
        if key is None and not create:
            return None
        key = store.add(base, source, key=key)
        if base != clean_name(raw):
            store.add_alias(key, raw)
        if acronym:
            store.add_alias(key, acronym)
        return key

    for node in ito:
        key = add(node.name, "ito")
        if key is None:
            continue
        for synonym in node.synonyms:
            store.add_alias(key, synonym)
        for ancestor in reversed(node.ancestors):
            parent = add(ancestor, "ito")
            if parent is not None:
                if parent != key:
                    store.drafts[key].parents.add(parent)
                break
    for source_file, node in extractor:
        # EFF's progress-report themes ("Vision", "Functional Robustness") enrich but never create tasks
        key = add(node.name, "pwc_sota_extractor", create=source_file != "eff.json")
        if key is None:
            continue
        for synonym in node.synonyms:
            store.add_alias(key, synonym)
        if node.ancestors:
            parent = add(node.ancestors[-1], "pwc_sota_extractor", create=source_file != "eff.json")
            if parent is not None and parent != key:
                store.drafts[key].parents.add(parent)
    for task, synonym in synonym_pairs:
        key = store.find(task) or store.find(synonym) or add(task, "pwc_sota_extractor")
        if key is not None:
            store.add_alias(key, synonym)
            store.add_alias(key, task)
    for term in aio:
        key = store.find(term.name)
        if key is not None:
            store.drafts[key].sources.add("aio")
            for synonym in term.synonyms:
                if len(synonym) > 2:
                    store.add_alias(key, synonym)
    # names carrying their acronym first, so 'NER' joins 'Named Entity Recognition (NER)' instead of standing alone
    for name in sorted(pwc_names, key=lambda n: (split_acronym(n)[1] is None, n)):
        add(name, "pwc_task_names")

    task_papers: Counter = Counter()
    for paper in papers:
        for task in {row.task for row in paper.rows}:
            task_papers[clean_name(task)] += 1
    for task, count in sorted(task_papers.items()):
        key = add(task, "pwc_sota", create=count >= MIN_LEADERBOARD_TASK_PAPERS)
        if key is not None:
            store.drafts[key].papers += count

    _apply_corrections(store, corrections)
    _add_suffix_parents(store)
    _break_cycles(store)
    return store


def _add_suffix_parents(store: Store) -> None:
    """A task without a parent IS_A the longest other task its name ends with ('few-shot image classification'
    -> 'image classification'); the modifier makes it a subtask."""
    by_key = {key: draft.display() for key, draft in store.drafts.items()}
    words_of = {key: name.lower().replace("-", " ").split() for key, name in by_key.items()}
    suffix_index: dict[tuple[str, ...], str] = {}
    for key, words in words_of.items():
        suffix_index.setdefault(tuple(words), key)
    for key in sorted(store.drafts):
        draft = store.drafts[key]
        if draft.parents:
            continue
        words = words_of[key]
        for start in range(1, len(words)):
            parent = suffix_index.get(tuple(words[start:]))
            if parent is not None and parent != key and len(words) - start >= 2:
                draft.parents.add(parent)
                break


def _break_cycles(store: Store) -> list[tuple[str, str]]:
    """Remove parent links that close a cycle (visited in key order, so the result is deterministic)."""
    removed = []
    state: dict[str, int] = {}

    def visit(key: str) -> None:
        state[key] = 1
        for parent in sorted(store.drafts[key].parents):
            if parent not in store.drafts:
                store.drafts[key].parents.discard(parent)
            elif state.get(parent) == 1:
                store.drafts[key].parents.discard(parent)
                removed.append((key, parent))
            elif parent not in state:
                visit(parent)
        state[key] = 2

    for key in sorted(store.drafts):
        if key not in state:
            visit(key)
    return removed


def _apply_corrections(store: Store, corrections: list[Correction]) -> None:
    for fix in corrections:  # additions first: later rows may place or name the added entries
        if fix.label == store.label and fix.action == "add" and store.find(fix.name) is None:
            store.add(fix.name, "corrections")
    for fix in corrections:
        if fix.label != store.label or fix.action in ("rename", "add"):
            continue
        key = store.find(fix.name)
        if key is None:
            continue
        draft = store.drafts[key]
        if fix.action == "drop":
            store.drop(key)
        elif fix.action == "merge":
            target = store.find(fix.value)
            if target is not None:
                store.merge(key, target)
        elif fix.action == "set_parents":
            draft.parents = {p for p in (store.find(v) for v in fix.value.split(";") if v.strip()) if p}
        elif fix.action == "add_parent":
            parent = store.find(fix.value)
            if parent is not None and parent != key:
                draft.parents.add(parent)
        elif fix.action == "drop_parent":
            draft.parents.discard(store.find(fix.value) or "")
        elif fix.action == "add_alias":
            store.add_alias(key, fix.value)
        elif fix.action == "drop_alias":
            draft.aliases = {a for a in draft.aliases if merge_key(a) != merge_key(fix.value)}
            if store.alias_index.get(merge_key(fix.value)) == key:
                del store.alias_index[merge_key(fix.value)]


# ------------------------------------------------------------------------------------------- datasets


def build_datasets(
    papers: list[LabelledPaper],
    curated: list[tuple[str, BenchmarkRow]],
    enrich_only: list[tuple[str, BenchmarkRow]],
    tasks: Store,
    corrections: list[Correction],
) -> Store:
    """Datasets with split names folded in, spellings merged and dataset -> task evidence counted."""
    store = Store("Dataset")
    renames = _renames(corrections, "Dataset")
    merges = {
        merge_key(c.name): merge_key(c.value) for c in corrections if c.label == "Dataset" and c.action == "merge"
    }
    task_names = set(tasks.alias_index) | set(tasks.drafts)

    def key_of(raw: str) -> tuple[str, str]:
        name = clean_name(raw)
        name = renames.get(merge_key(name), name)
        base = fold_dataset_name(name)
        key = merge_key(base)
        return base, merges.get(key, key)

    def add(raw: str, source: str, weight: float) -> str | None:
        base, key = key_of(raw)
        if len(key) < 2:
            return None
        store.add(base, source, weight, key=key)
        draft = store.drafts[key]
        for form in {clean_name(raw), base}:
            draft.aliases.add(form)
            store.alias_index.setdefault(merge_key(form), key)
        long_form = paren_long_form(raw)
        if long_form and merge_key(long_form) not in task_names and not draft.full_name:
            draft.full_name = long_form
        return key

    pair_papers: dict[tuple[str, str], set[str]] = defaultdict(set)
    dataset_papers: dict[str, set[str]] = defaultdict(set)
    for paper in papers:
        for row in paper.rows:
            key = add(row.dataset, "pwc_sota", 1.0)
            if key is None:
                continue
            dataset_papers[key].add(paper.paper_id)
            task = tasks.find(clean_name(row.task))
            if task is not None:
                pair_papers[(key, task)].add(paper.paper_id)
    for source, row in curated:
        key = add(row.dataset, source, 0.5)
        task = tasks.find(clean_name(row.task))
        if key is not None and task is not None:
            store.drafts[key].links[task] += 1
    for source, row in enrich_only:
        _base, key = key_of(row.dataset)
        if key in store.drafts:
            add(row.dataset, source, 0.1)
            task = tasks.find(clean_name(row.task))
            if task is not None:
                store.drafts[key].links[task] += 1
    for (key, task), ids in pair_papers.items():
        if key in store.drafts:
            store.drafts[key].links[task] += len(ids)
    for key, ids in dataset_papers.items():
        if key in store.drafts:
            store.drafts[key].papers = len(ids)

    for key, draft in store.drafts.items():
        # the display name of a dataset is its most used base form, never a split name
        for alias in list(draft.aliases):
            if merge_key(alias) == key and alias not in draft.names:
                draft.names[alias] += 0
    _apply_corrections(store, corrections)
    _add_prefix_parents(store)
    _break_cycles(store)
    return store


# an edition suffix: ' 2012', '-2015', ' v2', 'V2', '2.0' (digits glued to a name without v or a dot are part of it)
_EDITION = re.compile(r"^(?P<base>.*?[A-Za-z].*?)(?:[\s-]+[vV]?\d+(?:\.\d+)*|[vV]\d+(?:\.\d+)*|\d+\.\d+)$")


def _add_prefix_parents(store: Store) -> None:
    """'SQuAD2.0' and 'BRATS-2015' are editions of 'SQuAD' and 'BRATS' when those exist; 'KITTI Cars' a subset
    of 'KITTI': the longest other dataset whose whole words start the name and that has leaderboard papers."""
    words_of = {key: draft.display().split() for key, draft in store.drafts.items()}
    index = {merge_key(" ".join(words)): key for key, words in words_of.items() if store.drafts[key].papers > 0}
    for key in sorted(store.drafts):
        edition = _EDITION.match(store.drafts[key].display())
        if edition and merge_key(edition["base"]) in store.drafts and merge_key(edition["base"]) != key:
            store.drafts[key].parents.add(merge_key(edition["base"]))
            continue
        words = words_of[key]
        for end in range(len(words) - 1, 0, -1):
            parent = index.get(merge_key(" ".join(words[:end])))
            if parent is not None and parent != key:
                store.drafts[key].parents.add(parent)
                break


# -------------------------------------------------------------------------------------------- methods


def build_methods(
    methods: list[MethodRecord],
    extra_methods: list[MethodRecord],
    aio: list[OntologyTerm],
    tasks: Store,
    corrections: list[Correction],
) -> Store:
    """Methods from the PwC dump with their collections as family entries, plus AIO model families."""
    store = Store("Method")
    seen = {merge_key(m.name) for m in methods}
    for record in methods + [m for m in extra_methods if merge_key(m.name) not in seen]:
        name = clean_name(record.name)
        key = store.add(name, "pwc_methods")
        draft = store.drafts[key]
        full = clean_name(record.full_name)
        if full and merge_key(full) != key:
            draft.full_name = draft.full_name or full
            store.add_alias(key, full)
        for collection in record.collections:
            # a family is its own entry unless a method has exactly its name ("Transformers" -> Transformer);
            # a member's full name ("Vision Transformer" of ViT) does not make that member the family
            family = family_display(collection)
            family_key = store.add(family, "pwc_collections")
            store.add_alias(family_key, clean_name(collection))
            if family_key != key:
                draft.parents.add(family_key)

    by_id = {term.id: term for term in aio}
    aio_key: dict[str, str] = {}
    for term in aio:
        if not set(term.subsets) & _AIO_METHOD_SUBSETS or merge_key(term.name) in _AIO_ROOTS:
            continue
        if term.name.endswith(" LLM") or tasks.find(term.name) is not None:
            continue
        key = store.find(term.name)
        if key is None:
            key = next((store.find(s) for s in term.synonyms if len(s) > 3 and " " in s and store.find(s)), None)
        key = store.add(display_lower(term.name), "aio", key=key)
        aio_key[term.id] = key
        for synonym in term.synonyms:
            if len(synonym) > 2:
                store.add_alias(key, synonym)
    for term in aio:
        for parent_id in term.is_a:
            if term.id in aio_key and parent_id in aio_key and aio_key[term.id] != aio_key[parent_id]:
                store.drafts[aio_key[term.id]].parents.add(aio_key[parent_id])
    del by_id
    _merge_full_name_twins(store)
    _apply_corrections(store, corrections)
    _break_cycles(store)
    return store


def _merge_full_name_twins(store: Store) -> None:
    """A method whose full name is another plain method's name is that method, listed twice by Papers with
    Code ("AE" / Autoencoders and "AutoEncoder", "CapsNet" / Capsule Network): the short name becomes an alias
    of the long one. A family (a collection, or an entry other entries are members of) keeps its members:
    GAN stays a member of Generative Adversarial Networks, ViT of Vision Transformers."""
    families = {parent for draft in store.drafts.values() for parent in draft.parents}
    for key in sorted(store.drafts):
        draft = store.drafts.get(key)
        if draft is None or not draft.full_name:
            continue
        twin = merge_key(draft.full_name)
        other = store.drafts.get(twin)
        if twin != key and other is not None and twin not in families and "pwc_collections" not in other.sources:
            store.merge(key, twin)


# -------------------------------------------------------------------------------------------- metrics


def build_metrics(
    paths: list[tuple[str, ...]],
    papers: list[LabelledPaper],
    tasks: Store,
    corrections: list[Correction],
    others: Iterable[Store] = (),
) -> Store:
    """Metrics from ITO's measure tree (inner nodes are entries, leaves their variants) and the leaderboards.

    A leaf that names a dataset or task of `others` is no variant of its bucket (names_other_thing)."""
    store = Store("Metric")
    taken = {k for other in others for k in (*other.drafts, *other.alias_index)}
    scored_things: set[str] = set()  # leaves naming what was scored: neither aliases nor entries
    has_children = {path[:-1] for path in paths if len(path) > 1}
    metric_papers: Counter = Counter()
    pair_papers: Counter = Counter()
    for paper in papers:
        for metric in {clean_name(row.metric) for row in paper.rows}:
            metric_papers[merge_key(metric)] += 1
        for metric, task in {(clean_name(r.metric), clean_name(r.task)) for r in paper.rows}:
            task_key = tasks.find(task)
            if task_key is not None:
                pair_papers[(merge_key(metric), task_key)] += 1

    renames = _renames(corrections, "Metric")
    dropped = {merge_key(c.name) for c in corrections if c.label == "Metric" and c.action == "drop"}
    entry_of_path: dict[tuple[str, ...], str] = {}
    for path in sorted(paths, key=len):
        if len(path) < 2 or any(merge_key(step) in dropped for step in path[1:-1]):
            continue  # the leaves of a dropped bucket ("Undetermined") are no variants of it
        name = clean_name(path[-1])
        name = renames.get(merge_key(name), name)
        if path in has_children or (len(path) == 2 and metric_papers[merge_key(name)] >= MIN_METRIC_PAPERS):
            key = store.find(name) or store.add(name, "ito")
            store.drafts[key].sources.add("ito")
            store.drafts[key].names[name] += 0
            entry_of_path[path] = key
            parent = entry_of_path.get(path[:-1])
            if parent is not None and parent != key:
                store.drafts[key].parents.add(parent)
        elif (
            path[:-1] in entry_of_path
            and metric_papers[merge_key(name)] >= MIN_METRIC_PAPERS
            and is_qualified_metric(name, path[-2])
        ):
            # "Top-1 Accuracy" says image classification where "accuracy" says nothing: its own entry
            key = store.add(name, "ito", key=store.find(name))  # every spelling a candidate display name
            if entry_of_path[path[:-1]] != key:
                store.drafts[key].parents.add(entry_of_path[path[:-1]])
        elif path[:-1] in entry_of_path and store.find(name) is None:
            if names_other_thing(name, path[-2], taken):
                scored_things.add(merge_key(name))
            else:
                store.add_alias(entry_of_path[path[:-1]], name)

    for metric, count in sorted(metric_papers.items()):
        if store.find(metric) is None and count >= MIN_METRIC_PAPERS and metric not in scored_things:
            forms = [clean_name(r.metric) for p in papers for r in p.rows if merge_key(clean_name(r.metric)) == metric]
            store.add(Counter(forms).most_common(1)[0][0], "pwc_sota")
    for metric_key, count in metric_papers.items():
        key = store.find(metric_key) if metric_key not in store.drafts else metric_key
        if key is None:
            continue
        draft = store.drafts[key]
        draft.papers += count
        draft.sources.add("pwc_sota")
    for (metric_key, task_key), count in pair_papers.items():
        key = metric_key if metric_key in store.drafts else store.alias_index.get(metric_key)
        if key is not None:
            store.drafts[key].links[task_key] += count
    _apply_corrections(store, corrections)
    _break_cycles(store)
    return store


def is_qualified_metric(name: str, bucket: str) -> bool:
    """True when a metric names its bucket with a qualifier of its own, outside parentheses ("Top-1 Accuracy",
    "Pixel Accuracy" under Accuracy), not a spelling ("Accuracy (%)"), a split ("Test Accuracy") or a protocol
    or unit in parentheses ("Accuracy (CS)", "Time (ms)")."""
    words = re.findall(r"[a-z]+|\d+", re.sub(r"\([^()]*\)", " ", name.lower()))
    bucket_words = set(re.findall(r"[a-z]+|\d+", bucket.lower()))
    extra = [w for w in words if w not in bucket_words]
    return bucket_words.issubset(words) and any(w not in _SPLIT_WORDS for w in extra)


def names_other_thing(name: str, bucket: str, taken: set[str]) -> bool:
    """True for an ITO leaf that is a leaderboard column named after what was scored, not a name of its
    bucket: a dataset with the bucket's abbreviation ("IMDB (Acc)", "Banking77 (Acc)") or a dataset or task
    name (`taken`, merge keys) that neither shares a word with nor abbreviates the bucket ("MRPC", "DVD")."""
    inner = " ".join(re.findall(r"\(([^()]*)\)", name))
    outer = re.sub(r"\([^()]*\)", " ", name).strip()
    bucket_words = set(re.findall(r"[a-z]+|\d+", bucket.lower()))
    if bucket_words & set(re.findall(r"[a-z]+|\d+", outer.lower())) or could_abbreviate(outer, bucket):
        return False
    measure_inside = bool(inner) and (
        bool(bucket_words & set(re.findall(r"[a-z]+|\d+", inner.lower()))) or could_abbreviate(inner, bucket)
    )
    return measure_inside or merge_key(outer) in taken


# ------------------------------------------------------------------------------------------- assembly


def _weights(links: Counter, ids: dict[str, str]) -> list[WeightedTask]:
    usable = {ids[task]: count for task, count in links.items() if task in ids}
    total = sum(usable.values())
    if not total:
        return []
    weighted = sorted(((round(count / total, 4), task) for task, count in usable.items()), key=lambda x: (-x[0], x[1]))
    return [WeightedTask(task=task, weight=w) for w, task in weighted[:MAX_LINKS] if w >= MIN_LINK_WEIGHT]


def is_ordinary_word(alias: str, zipf: Callable[[str], float]) -> bool:
    """Shorter than 3 characters, or one word common in English text in lower, title or all capitals.

    Mixed case (ImageNet, GitHub) is distinctive as written; all capitals is not: linking compares
    names case-blind, and "PATTERN", "MASSIVE" or "CLUSTER" would take every "pattern" of a corpus.
    """
    if len(alias) < 3:
        return True
    if " " in alias or any(ch.isdigit() for ch in alias) or not alias.replace("-", "").isalpha():
        return False
    if alias not in (alias.lower(), alias.capitalize(), alias.upper()):
        return False
    return zipf(alias.lower()) >= ORDINARY_WORD_ZIPF


# A dataset only one leaderboard paper names, from no other source, may be a word any abstract uses
# ("GitHub", "Jobs"): it links under its own label only and is not matched in text.
WEAK_DATASET_PAPERS = 1
# Heads that make a family name a kind of component rather than a method ("loss function").
CATEGORY_HEADS = frozenset({"function", "functions", "model", "models", "method", "methods", "technique", "techniques"})


# A short acronym ("SSL", "MMD", "CSI") that only the 2025 task-name list gives as a dataset: the same
# letters abbreviate methods and tasks in abstracts far more often than they name that dataset.
_SHORT_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,4}")


# A word of English at all (wordfreq Zipf): for a dataset no leaderboard paper names, a one-word name that is
# a word ("Cancer", "Shapes", "Unrestricted": ITO benchmark rows) is more often that word than the dataset.
DICTIONARY_WORD_ZIPF = 2.5


def is_weak_dataset(
    label: str, sources: set[str], papers: int, name: str = "", zipf: Callable[[str], float] | None = None
) -> bool:
    """A dataset attested by at most WEAK_DATASET_PAPERS leaderboard papers and no other source, a short
    acronym known only from the task-name list with no leaderboard paper, or (with `zipf`) one English word
    that no leaderboard paper names."""
    if label != "Dataset":
        return False
    if sources <= {"pwc_sota"} and papers <= WEAK_DATASET_PAPERS:
        return True
    as_word = name.isalpha() and name in (name.lower(), name.capitalize())  # "SQuAD", "JAFFE" are written as names
    if papers == 0 and zipf is not None and as_word and zipf(name.lower()) >= DICTIONARY_WORD_ZIPF:
        return True
    return sources <= {"pwc_task_names"} and papers == 0 and _SHORT_ACRONYM.fullmatch(name) is not None


def is_name(label: str, name: str) -> bool:
    """False for a dataset "name" without a letter: ITO's "2019" is a year of some challenge, no dataset."""
    return label != "Dataset" or any(ch.isalpha() for ch in name)


def is_category(label: str, name: str, sources: set[str], zipf: Callable[[str], float]) -> bool:
    """A method family known only as a collection name: one plain word ("Regularization",
    "Interpretability") or ordinary words ending in a component head ("Loss Functions", "Language
    Models"). Kept for IS_A; not offered as an answer."""
    if label != "Method" or "pwc_methods" in sources or ANNOTATION_SOURCE in sources:
        return False  # a method by its own record or by the papers' annotators ("large language model")
    words = [w for w in re.split(r"[\s-]+", name) if w]
    if len(words) == 1:
        return not re.search(r"[0-9]|[a-z][A-Z]|^[A-Z]{2}", words[0])  # "Regularization"; not "ResNet", "GPT"
    return words[-1].lower() in CATEGORY_HEADS and all(zipf(w.lower()) >= ORDINARY_WORD_ZIPF for w in words)


def _display(label: Label, draft: Draft, proper: frozenset[str]) -> str:
    name = draft.display()
    if label == "Task":
        return display_lower(name, proper)
    return name


def assemble(stores: dict[Label, Store], zipf: Callable[[str], float], proper: frozenset[str]) -> list[VocabEntry]:
    """Stores -> entries sorted by id: ids from display names, aliases deduplicated, links weighted."""
    ids: dict[Label, dict[str, str]] = {}
    names: dict[Label, dict[str, str]] = {}
    for label, store in stores.items():
        taken: set[str] = set()
        ids[label], names[label] = {}, {}
        for key in sorted(store.drafts):
            name = _display(label, store.drafts[key], proper)
            candidate, suffix = entry_id(label, name), 2
            while candidate in taken:
                candidate, suffix = f"{entry_id(label, name)}-{suffix}", suffix + 1
            taken.add(candidate)
            ids[label][key], names[label][key] = candidate, name
    # an alias that is another entry's name (or claimed by several entries of a label) cannot pick one entity
    entries = []
    foreign = {k for label in ("Dataset", "Task") for k in map(merge_key, names.get(label, {}).values()) if len(k) >= 5}
    for label, store in stores.items():
        name_keys = {merge_key(n) for n in names[label].values()}
        alias_owners: Counter = Counter()
        for key, draft in store.drafts.items():
            for alias_key in {merge_key(a) for a in draft.aliases | set(draft.names)} - {key}:
                alias_owners[alias_key] += 1
        for key in sorted(store.drafts):
            draft = store.drafts[key]
            name = names[label][key]
            if not is_name(label, name):
                continue
            aliases = set()
            for alias in draft.aliases | set(draft.names):
                alias_key = merge_key(alias)
                if not alias_key or alias.lower().replace("-", " ") == name.lower().replace("-", " "):
                    continue
                if alias_key != key and (alias_key in name_keys or alias_owners[alias_key] > 1):
                    continue
                if label == "Metric" and alias_key in foreign:
                    continue  # ITO files dataset names ("SwitchBoard") under metrics
                aliases.add(alias)
            # one spelling per case-folded form, the one with capitals (as papers write it) first
            by_fold: dict[str, str] = {}
            for alias in sorted(aliases, key=lambda a: (a == a.lower(), a)):
                by_fold.setdefault(alias.lower(), alias)
            aliases = sorted(by_fold.values(), key=lambda a: (a.lower(), a))
            entry = VocabEntry(
                id=ids[label][key],
                label=label,
                name=name,
                aliases=aliases,
                paraphrases=sorted(draft.paraphrases, key=lambda p: (-p.score, p.text)),
                parents=sorted(ids[label][p] for p in draft.parents if p in ids[label]),
                full_name=draft.full_name if draft.full_name and draft.full_name != name else None,
                benchmarks=_weights(draft.links, ids["Task"]) if label == "Dataset" else [],
                measures=_weights(draft.links, ids["Task"]) if label == "Metric" else [],
                papers=draft.papers,
                sources=sorted(draft.sources),
                ambiguous=any(is_ordinary_word(form, zipf) for form in [name, *aliases])
                or is_weak_dataset(label, set(draft.sources), draft.papers, name, zipf),
                category=is_category(label, name, set(draft.sources), zipf),
            )
            entries.append(entry)
    return sorted(mark_fields(entries), key=lambda e: e.id)


FIELD_CHILDREN = 50  # a task with no parent and at least this many subtasks is a field ("computer vision")


def mark_fields(entries: list[VocabEntry]) -> list[VocabEntry]:
    """Tasks that are fields (no parent, FIELD_CHILDREN or more subtasks) become categories: IS_A roots, not answers."""
    children: dict[str, int] = {}
    for entry in entries:
        for parent in entry.parents:
            children[parent] = children.get(parent, 0) + 1
    return [
        e.model_copy(update={"category": True})
        if e.label == "Task" and not e.parents and children.get(e.id, 0) >= FIELD_CHILDREN
        else e
        for e in entries
    ]


def proper_words(ito: list[TaskNode]) -> frozenset[str]:
    """Words ITO's sentence-case task names capitalise mid-name (Chinese, Atari): kept capitalised in tasks."""
    words = set()
    for node in ito:
        for word in node.name.split()[1:]:
            core = re.sub(r"[^A-Za-z]", "", word)
            if len(core) > 1 and core[0].isupper() and core[1:].islower():
                words.add(core.lower())
    return frozenset(words)


# ----------------------------------------------------------------------------------------- paraphrases


def add_paraphrases(tasks: Store, others: list[Store], papers: list[LabelledPaper]) -> int:
    """Mine paraphrases from the build papers' abstracts and attach them to their tasks; returns how many."""
    from kg.vocab.paraphrases import mine_paraphrases

    names_of = {
        key: {key} | {merge_key(a) for a in d.aliases} | {merge_key(n) for n in d.names}
        for key, d in tasks.drafts.items()
    }
    named = frozenset(k for keys in names_of.values() for k in keys)
    head_counts = Counter(d.display().lower().split()[-1] for d in tasks.drafts.values())
    heads = frozenset(h for h, n in head_counts.items() if n >= 3 and len(h) > 3)
    children: dict[str, set[str]] = defaultdict(set)
    for key, draft in tasks.drafts.items():
        for parent in draft.parents:
            children[parent].add(key)

    def relatives(key: str) -> set[str]:
        out, stack = set(), [key]
        while stack:  # ancestors
            for parent in tasks.drafts[stack.pop()].parents:
                if parent not in out and parent in tasks.drafts:
                    out.add(parent)
                    stack.append(parent)
        stack = [key]
        while stack:  # descendants
            for child in children[stack.pop()]:
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    # a benchmarked task's own name (or another entity's name) is that entity, not a paraphrase of another task
    never = {
        k for store in others for key, d in store.drafts.items() for k in {key} | {merge_key(a) for a in d.aliases}
    }
    never |= {k for key, d in tasks.drafts.items() if d.papers >= 3 for k in names_of[key]}
    # a field or parent task ("computer vision", "image segmentation") is a relative, not a paraphrase
    never |= {k for key in children for k in names_of.get(key, ())}
    labelled = []
    for paper in papers:
        keys = {k for k in (tasks.find(clean_name(r.task)) for r in paper.rows) if k is not None}
        if paper.abstract and keys:
            labelled.append((paper.title + " . " + paper.abstract, keys))
    excluded: dict[str, set[str]] = {"": never}
    for key in {k for _text, keys in labelled for k in keys}:
        excluded[key] = set(names_of[key]).union(*(names_of[r] for r in relatives(key)))
    lower_names = {
        key: {n.lower().replace("-", " ") for n in set(d.names) | d.aliases} for key, d in tasks.drafts.items()
    }
    mined = mine_paraphrases(labelled, heads, named, excluded, lower_names)
    for phrase in mined:
        tasks.drafts[phrase.task].paraphrases.append(Paraphrase(text=phrase.text, score=phrase.score))
    return len(mined)


def drop_benchmark_named_tasks(tasks: Store, datasets: Store) -> list[str]:
    """PwC names some tasks after their benchmark ('MMLU', 'GSM8K', 'TriviaQA'): such a task, named by no curated
    task source and with fewer leaderboard papers than the dataset of that name, is the dataset."""
    dropped = []
    for key in sorted(tasks.drafts):
        draft = tasks.drafts[key]
        dataset = datasets.drafts.get(key)
        if dataset is not None and dataset.papers > draft.papers and not {"ito", "pwc_sota_extractor"} & draft.sources:
            tasks.drop(key)
            dropped.append(key)
    return dropped


# Hand annotations that type a vocabulary name under another label in at least ANNOTATED_MIN papers and
# ANNOTATED_SHARE of its annotated papers move the entry to that label: Papers with Code lists "data
# augmentation" as a task, and the annotators of ml_abstracts typed it a method in 15 papers of 15.
ANNOTATED_MIN = 3
ANNOTATION_SOURCE = "ml_abstracts"  # in `sources` of an entry whose label the annotations gave
ANNOTATED_SHARE = 0.8
ANNOTATION_FIELDS: dict[str, Label] = {"methods": "Method", "datasets": "Dataset", "tasks": "Task", "metrics": "Metric"}


def annotated_labels(papers: Iterable[Mapping[str, Any]]) -> dict[str, Counter]:
    """Merge key -> annotated papers per label, from abstracts annotated as ml_abstracts is (one vote a paper)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for paper in papers:
        seen = {(merge_key(name), label) for fld, label in ANNOTATION_FIELDS.items() for name in paper.get(fld, [])}
        for key, label in seen:
            if key:
                votes[key][label] += 1
    return dict(votes)


def relabel_by_annotations(stores: dict[Label, Store], votes: Mapping[str, Counter]) -> list[tuple[str, Label, Label]]:
    """Move the entries the annotations type under another label (ANNOTATED_MIN, ANNOTATED_SHARE); an entry
    whose name another label already holds stays. Returns (name, from, to) per move."""
    moves: list[tuple[str, str, Label, Label]] = []
    for label, store in stores.items():
        for key in sorted(store.drafts.keys() & votes.keys()):  # by its name: an alias may be an acronym of another
            draft = store.drafts[key]
            top, n = max(votes[key].items(), key=lambda item: (item[1], item[0]))
            held = {other for other, s in stores.items() if s.find(draft.display()) is not None}
            if (
                top not in held
                and top != "Metric"  # soft quality words ("interpretability", "speed"): the annotators' known soft spot
                and n >= ANNOTATED_MIN
                and n >= ANNOTATED_SHARE * sum(votes[key].values())
            ):
                moves.append((key, draft.display(), label, top))
    for key, name, old, new in moves:
        draft = stores[old].drafts[key]
        stores[old].drop(key)
        target = stores[new]
        found = target.find(name)
        if found is None:  # a new entry of that label, its names and sources; no parents or links of the old label
            target.drafts[key] = Draft(
                label=new,
                names=Counter(draft.names),
                aliases=set(draft.aliases),
                sources=set(draft.sources) | {ANNOTATION_SOURCE},
            )
            target.drafts[key].papers, target.drafts[key].full_name = draft.papers, draft.full_name
            for alias in draft.aliases:
                target.alias_index.setdefault(merge_key(alias), key)
        else:  # the label already knows it under another name ("NER" for named entity recognition)
            dst = target.drafts[found]
            dst.aliases |= draft.aliases | set(draft.names)
            dst.sources |= draft.sources | {ANNOTATION_SOURCE}
            dst.papers += draft.papers
    return [(name, old, new) for _, name, old, new in moves]


def build_vocabulary(
    bundle,
    corrections: list[Correction],
    zipf: Callable[[str], float],
    annotated: Iterable[Mapping[str, Any]] = (),
) -> list[VocabEntry]:
    """All four labels from a SourceBundle: the entries of the shipped file, sorted by id."""
    extractor_nodes = bundle.extractor_tasks
    tasks = build_tasks(
        bundle.ito_tasks,
        extractor_nodes,
        bundle.synonym_pairs,
        bundle.aio_terms,
        bundle.pwc_task_names,
        bundle.papers,
        corrections,
    )
    curated = [("ito", row) for row in bundle.ito_benchmarks] + [
        ("pwc_task_names", row) for row in bundle.pwc_task_datasets
    ]
    enrich = [("pwc_sota_extractor", row) for row in bundle.extractor_datasets]
    datasets = build_datasets(bundle.papers, curated, enrich, tasks, corrections)
    drop_benchmark_named_tasks(tasks, datasets)
    methods = build_methods(bundle.pwc_methods, bundle.pwc_methods_extra, bundle.aio_terms, tasks, corrections)
    metrics = build_metrics(bundle.ito_metrics, bundle.papers, tasks, corrections, others=(datasets, tasks))
    stores: dict[Label, Store] = {"Task": tasks, "Dataset": datasets, "Method": methods, "Metric": metrics}
    relabel_by_annotations(stores, annotated_labels(annotated))
    add_paraphrases(tasks, [datasets, methods, metrics], bundle.papers)
    return assemble(stores, zipf, proper_words(bundle.ito_tasks))
