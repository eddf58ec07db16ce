"""Mine a task's everyday paraphrases: task-like phrases that its labelled abstracts use far more than others.

Statistic: the log-odds ratio of a phrase's document frequency in the task's papers against all other build
papers, with add-half smoothing, divided by its standard error (a z-score, as in Monroe et al. 2008, "Fightin'
Words"). A phrase is kept for a task when z >= MIN_Z, it occurs in at least MIN_PAPERS of the task's papers
and in at least MIN_SHARE of them, and it ends in the task's own head noun ("few-shot classification" for
few-shot image classification); each phrase goes to its best-scoring task only.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kg.vocab.names import merge_key

MIN_TASK_PAPERS = 8
MIN_PAPERS = 4
MIN_SHARE = 0.08
MIN_Z = 6.0
FRAGMENT_SHARE = 0.7
MAX_PER_TASK = 5
SMOOTHING = 0.5

_STOP = frozenset(
    """
a an the of for and or in on to with by from via as at is are be our we this that these those its their new
novel proposed propose based using use used such other both each more most than into over under between
different existing several many various two three one first second final end top high low large small
state art sota recent recently prior previous standard popular well further also only can which while
improve improves improving improved achieve achieves achieving perform performs performing address addresses
tackle tackles enable enables study studies consider considers apply applies applied show shows demonstrate
""".split()
)


# nouns that end many task names ("topic models", "noisy labels") but name no task on their own
NON_TASK_HEADS = frozenset(
    """
model models network networks label labels data dataset datasets method methods approach approaches framework
frameworks system systems feature features representation representations performance result results
information processing vision learning task tasks problem problems algorithm algorithms technique techniques
attention fusion embedding embeddings modeling modelling alignment training pretraining pre-training encoding
pooling sampling tomography evaluation computing ranking thing string setting
""".split()
)
_PROCESS_ENDINGS = ("tion", "sion", "ment", "ing", "ance", "ence", "sis")
_PROCESS_WORDS = frozenset("retrieval search synthesis analysis removal transfer recovery discovery".split())


@dataclass(frozen=True)
class MinedPhrase:
    """A phrase, the task key it belongs to and its z-score."""

    text: str
    task: str
    score: float


def abstract_segments(text: str) -> list[list[str]]:
    """Lower-case word tokens of a LaTeX abstract, maths and commands removed, split at punctuation and
    brackets so no phrase spans a sentence or an acronym in parentheses."""
    text = re.sub(r"\$[^$]*\$", " . ", text)
    text = re.sub(r"\\[a-zA-Z]+\*?", " ", text)
    text = text.replace("~", " ")
    segments = []
    for part in re.split(r"[.,;:()\[\]!?\"{}]", text.lower()):
        tokens = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", part)
        if tokens:
            segments.append(tokens)
    return segments


def is_task_head(word: str) -> bool:
    """A noun that names a process (detection, parsing, retrieval), the last word of a task name."""
    return word not in NON_TASK_HEADS and (word.endswith(_PROCESS_ENDINGS) or word in _PROCESS_WORDS)


def candidate_phrases(segments: list[list[str]], heads: frozenset[str], named: frozenset[str]) -> set[str]:
    """2-4 word phrases ending in a process noun that is a task head (or that some source names as a task)."""
    found = set()
    for tokens in segments:
        for size in (2, 3, 4):
            for start in range(len(tokens) - size + 1):
                gram = tokens[start : start + size]
                if any(t in _STOP or t.isdigit() for t in gram) or len(set(gram)) < size:
                    continue
                if not is_task_head(gram[-1]):
                    continue
                phrase = " ".join(gram)
                if gram[-1] in heads or merge_key(phrase) in named:
                    found.add(phrase)
    return found


def log_odds_z(in_task: int, task_total: int, elsewhere: int, other_total: int) -> float:
    """z-score of the smoothed log-odds ratio of a phrase in the task's papers against the other papers."""
    a, b = in_task + SMOOTHING, task_total - in_task + SMOOTHING
    c, d = elsewhere + SMOOTHING, other_total - elsewhere + SMOOTHING
    return (math.log(a / b) - math.log(c / d)) / math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


def mine_paraphrases(
    papers: Iterable[tuple[str, set[str]]],
    heads: frozenset[str],
    named: frozenset[str],
    excluded: dict[str, set[str]],
    task_names: dict[str, set[str]],
    min_z: float = MIN_Z,
) -> list[MinedPhrase]:
    """Phrases over-represented in each task's papers; papers are (abstract text, task keys) pairs.

    excluded maps a task key to the merge keys it must not take (its own names, relatives' names); phrases
    in excluded[''] (other entities' names) are never paraphrases; task_names (lower-case names and aliases
    of each task) reject truncations of the task's own name.
    """
    doc_phrases: list[tuple[set[str], set[str]]] = []
    for text, task_keys in papers:
        doc_phrases.append((candidate_phrases(abstract_segments(text), heads, named), task_keys))
    total = len(doc_phrases)
    phrase_df: Counter = Counter()
    task_df: Counter = Counter()
    pair_df: Counter = Counter()
    for phrases, task_keys in doc_phrases:
        phrase_df.update(phrases)
        task_df.update(task_keys)
        for task in task_keys:
            pair_df.update((task, phrase) for phrase in phrases)
    left_words: dict[str, set[str]] = {}
    for phrase in phrase_df:
        head, _, rest = phrase.partition(" ")
        if rest:
            left_words.setdefault(rest, set()).add(head)
    for phrase in phrase_df:
        left_words.setdefault(phrase, set())
    best: dict[str, MinedPhrase] = {}
    for (task, phrase), count in pair_df.items():
        n_task = task_df[task]
        if n_task < MIN_TASK_PAPERS or count < MIN_PAPERS or count / n_task < MIN_SHARE:
            continue
        key = merge_key(phrase)
        if key in excluded.get("", set()) or key in excluded.get(task, set()):
            continue
        z = log_odds_z(count, n_task, phrase_df[phrase] - count, total - n_task)
        if z < min_z:
            continue
        # a fragment ("language inference") of a longer phrase its papers nearly always write is not a name
        if any(pair_df.get((task, f"{w} {phrase}"), 0) >= FRAGMENT_SHARE * count for w in left_words[phrase]):
            continue
        names = task_names.get(task, ())
        if any(name.endswith(" " + phrase) for name in names):
            continue
        # the bar: a paraphrase names the same process (the task's head noun) with other modifiers;
        # cross-head phrases ("proposal generation" for action localization) were mostly related tasks
        if names and phrase.rsplit(" ", 1)[-1] not in {name.rsplit(" ", 1)[-1] for name in names}:
            continue
        mined = MinedPhrase(text=phrase, task=task, score=round(z, 2))
        current = best.get(key)
        if current is None or (mined.score, mined.task) > (current.score, current.task):
            best[key] = mined
    per_task: dict[str, list[MinedPhrase]] = {}
    for mined in sorted(best.values(), key=lambda m: (-m.score, m.text)):
        per_task.setdefault(mined.task, [])
        if len(per_task[mined.task]) < MAX_PER_TASK:
            per_task[mined.task].append(mined)
    return [m for task in sorted(per_task) for m in per_task[task]]
