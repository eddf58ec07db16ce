"""Label-aware canonical keys: drop generic head words ("BERT model" -> "bert") only when safe.

"neural network" must not become "neural", so a suffix goes only when what remains is itself a
specific name: it is written like one (acronym, CamelCase, letters with digits, or a Title Case
dataset name), or the corpus mentions it on its own under the same label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache

from kg.resolve.normalize import display_surface

GENERIC_SUFFIXES: dict[str, frozenset[str]] = {
    "METHOD": frozenset(
        {
            "network",
            "model",
            "method",
            "algorithm",
            "approach",
            "framework",
            "architecture",
            "technique",
            "module",
            "setting",
            "paradigm",
            "scheme",
            "variant",
            "family",
            "pipeline",
            "optimizer",
            "procedure",
            "strategy",
            "mechanism",
        }
    ),
    # name_key already folds "data set" into "dataset"
    "DATASET": frozenset({"dataset", "benchmark", "corpus"}),
    "TASK": frozenset({"task", "problem", "setting", "scenario", "setup"}),
    "METRIC": frozenset({"score", "metric"}),
}
ALL_SUFFIXES: frozenset[str] = frozenset().union(*GENERIC_SUFFIXES.values())
# A remainder made only of these is no name ("proposed model", "neural network", "benchmark dataset").
GENERIC_WORDS: frozenset[str] = ALL_SUFFIXES | frozenset(
    {
        "neural",
        "deep",
        "learning",
        "data",
        "new",
        "novel",
        "proposed",
        "baseline",
        "base",
        "large",
        "small",
        "standard",
        "existing",
        "public",
        "publicly",
        "available",
        "training",
        "test",
        "testing",
        "evaluation",
        "validation",
        "such",
        "other",
        "different",
        "several",
        "various",
        "same",
        "original",
        "simple",
        "general",
        "common",
        "popular",
        "real",
        "world",
        "synthetic",
        "generative",
        "predictive",
        "statistical",
        "computational",
        "mathematical",
        "first",
        "second",
        "two",
        "three",
        "multiple",
        "single",
        "final",
        "full",
        "main",
        "key",
        "current",
        "previous",
        "prior",
        "both",
        "this",
        "that",
        "which",
        "each",
        "every",
        "any",
        "all",
        "some",
        "many",
        "most",
        "more",
        "better",
        "best",
    }
)
# The second half of a compound modifier ("BERT-based", "task-specific", "pixel-level"): what precedes it
# modifies the next word, it names nothing ("BERT-based model" is a model built on BERT, not BERT; "DETR-based
# detector" is no kind of "based detector": kg.resolve.hierarchy).
COMPOUND_TAILS: frozenset[str] = frozenset(
    {
        "based",
        "like",
        "style",
        "driven",
        "inspired",
        "guided",
        "aware",
        "free",
        "specific",
        "oriented",
        "enhanced",
        "augmented",
        "powered",
        "level",
        "scale",
        "wise",
        "type",
    }
)
_MODIFIER_TAILS: frozenset[str] = COMPOUND_TAILS | {"of", "for", "and", "or"}
# Leading words that only qualify a named core ("vanilla Transformer", "existing GANs"); dropped when the
# core is a name written as one or seen alone. Meaning-changing modifiers ("offline", "deep", "modern",
# "multiple", "classical") are not here: "offline RL" is not RL.
PREFIX_MODIFIERS: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "state of the art",
        "so called",
        "well known",
        "widely used",
        "novel",
        "new",
        "proposed",
        "existing",
        "vanilla",
        "conventional",
        "traditional",
        "popular",
        "recent",
        "typical",
        "various",
        "several",
        "different",
        "other",
        "such",
        "current",
        "previous",
        "prior",
        "original",
        "standard",
        "naive",
        "plain",
        "baseline",
        "sota",
        "default",
        "downstream",
        # a title's praise of its own take on a task ("Scalable Recommendation", "Provably Efficient ..."); not
        # "fast" or "robust", which start names of their own (Fast R-CNN, robust PCA). Written after
        # "Scalable Recommendation" showed in a dev helper list; the other words are the same kind of praise.
        "scalable",
        "efficient",
        "practical",
        "provable",
        "provably",
        "effective",
    )
)
_CONJUNCTIONS = frozenset({"and", "or"})
_SURFACE_SUFFIX: dict[str, re.Pattern[str]] = {
    label: re.compile(
        r"^(?P<rest>.*?\w)[\s\-_]+(?:"
        + "|".join(sorted(words | ({"data set"} if label == "DATASET" else set())))
        + r")$",
        re.IGNORECASE,
    )
    for label, words in GENERIC_SUFFIXES.items()
}
_PIECES = re.compile(r"[\s\-_/]+")


def drop_suffix(label: str, key: str) -> str | None:
    """The key without its generic last word, or None when it has none or nothing specific is left."""
    words = key.split(" ")
    if len(words) < 2 or words[-1] not in GENERIC_SUFFIXES.get(label, ()):
        return None
    rest = words[:-1]
    if rest[-1] in _MODIFIER_TAILS or all(w in GENERIC_WORDS for w in rest):
        return None
    if not any(c.isalpha() for c in "".join(rest)):
        return None
    return " ".join(rest)


def _acronym_like(piece: str, in_compound: bool) -> bool:
    uppers = sum(c.isupper() for c in piece)
    if uppers >= 2 or any(c.isupper() for c in piece[1:]):
        return True  # BERT, ViT, ResNet
    if any(c.isdigit() for c in piece) and any(c.isalpha() for c in piece):
        return True  # word2vec, YOLOv3
    return in_compound and len(piece) == 1 and piece.isupper()  # the "U" of "U-Net"


@lru_cache(maxsize=1 << 18)
def surface_names_specific(label: str, text: str, title_case_counts: bool) -> bool:
    """Whether a surface ending in a generic suffix writes its remainder as a specific name."""
    m = _SURFACE_SUFFIX[label].match(display_surface(text)) if label in _SURFACE_SUFFIX else None
    if not m:
        return False
    rest = m.group("rest")
    for token in rest.split():
        pieces = [p for p in _PIECES.split(token) if p]
        if any(_acronym_like(p, len(pieces) > 1) for p in pieces):
            return True
    # Dataset names are proper nouns ("Penn Treebank dataset"); method names are often Title Cased
    # ("Convolutional Neural Network") without being names, so this counts for datasets only.
    words = [w for w in _PIECES.split(rest) if w]
    return (
        label == "DATASET"
        and title_case_counts
        and bool(words)
        and all(w[0].isupper() or w[0].isdigit() for w in words)
        and not all(w.casefold() in GENERIC_WORDS for w in words)
    )


def strip_prefix(key: str) -> tuple[str, bool] | None:
    """(core, coordinated) without leading generic modifiers or a coordination of modifiers, or None.

    "vanilla transformer" -> ("transformer", False); "online and offline rlhf" -> ("rlhf", True): a
    coordination "A and B X" names X's variants, never one concept, so it is cut when X is a name.
    """
    words = key.split(" ")
    i, coordinated = 0, False
    while i < len(words) - 1:
        for p in PREFIX_MODIFIERS:
            if tuple(words[i : i + len(p)]) == p and i + len(p) < len(words):
                i += len(p)
                break
        else:
            # "understanding and enhancing GNNs" is an activity, not GNN variants
            if (
                i + 3 < len(words)
                and words[i + 1] in _CONJUNCTIONS
                and not (words[i].endswith("ing") or words[i + 2].endswith("ing"))
            ):
                i, coordinated = i + 3, True
                continue
            break
    if i == 0 or i >= len(words):
        return None
    return " ".join(words[i:]), coordinated


@lru_cache(maxsize=1 << 18)
def core_written_specific(label: str, text: str) -> bool:
    """Whether a surface's last word, generic suffixes dropped, is written as a name (acronym, CamelCase, digits)."""
    words = display_surface(text).split()
    for k, w in enumerate(words[:-1]):
        # "MNIST and Fashion-MNIST" coordinates names, not modifiers of one
        if w.casefold() in _CONJUNCTIONS and any(
            _acronym_like(p, False) for v in words[: k + 2] for p in _PIECES.split(v) if p
        ):
            return False
    suffixes = GENERIC_SUFFIXES.get(label, frozenset())
    # "RLHF methods", "GAN approaches": plural heads too
    while (
        len(words) > 1
        and (w := words[-1].casefold())
        and (w in suffixes or w[:-1] in suffixes or (w.endswith("es") and w[:-2] in suffixes))
    ):
        words.pop()
    pieces = [p for p in _PIECES.split(words[-1]) if p]
    return any(_acronym_like(p, len(pieces) > 1) for p in pieces)


def canonical_key(
    label: str, key: str, specific: bool, seen: Collection[tuple[str, str]], core_specific: bool = False
) -> str:
    """Strip generic suffixes while the remainder is specific or seen alone under the same label, then
    leading generic modifiers when the core is a name (``core_specific``) or seen alone."""
    while (rest := drop_suffix(label, key)) is not None:
        if not (specific or (label, rest) in seen):
            break
        key = rest
    cut = strip_prefix(key)
    if cut is not None:
        core, coordinated = cut
        # a coordination is cut only before a name; a plain modifier also before a core seen alone
        cuttable = core_specific or (not coordinated and (label, core) in seen)
        if cuttable and not all(w in GENERIC_WORDS for w in core.split(" ")):
            return canonical_key(label, core, specific or core_specific, seen)
    return key


def strip_surface_prefix(surface: str, target_key: str, key_of: Callable[[str], str]) -> str:
    """Drop leading words of a display surface until its key is `target_key` ("online and offline RLHF" -> "RLHF")."""
    words = surface.split(" ")
    for k in range(1, len(words)):
        rest = " ".join(words[k:])
        if key_of(rest) == target_key:
            return rest
    return surface


def strip_surface_suffix(label: str, surface: str, target_key: str, key_of: Callable[[str], str]) -> str:
    """Drop generic suffix words from a display surface until its key is `target_key` (if it can be)."""
    pattern = _SURFACE_SUFFIX.get(label)
    while pattern is not None and key_of(surface) != target_key:
        m = pattern.match(surface)
        if not m:
            break
        surface = m.group("rest")
    return surface
