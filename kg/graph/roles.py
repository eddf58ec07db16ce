"""What a sentence says of the paper's relation to a name it holds: own work, neutral, background, baseline.

One set of cue words for both places that judge it: graph assembly, which stores each paper-entity
edge's `role` once at build time, and the query engine, which judges sentences naming X or Y that
no edge covers. Cues are whole words of the sentence as written ("study" is not "studies", the "e"
of "i.e." is not "e.g."), and a dataset is never a baseline or background by these cues: "outperforms
all methods on COCO" and "experiments on standard benchmarks such as COCO" both use COCO.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.resolve.terms import term, words

# Words before a name in the same sentence that make it a baseline or a contrast, not what the
# paper uses ("outperforms LoRA", "unlike GANs", "compared with dropout", "detectors without transformers").
BASELINE_CUES: frozenset[str] = frozenset(
    {
        "outperform",
        "outperforms",
        "outperformed",
        "outperforming",
        "than",
        "unlike",
        "baseline",
        "baselines",
        "surpass",
        "surpasses",
        "surpassing",
        "superior",
        "beat",
        "beats",
        "versus",
        "vs",
        "instead",
        "rather",
        "compared",
        "comparison",
        "compare",
        "competing",
        "competitors",
        "comparable",  # "latency comparable to BM25": a yardstick, not what is used (seen in a dev helper list)
        "without",
    }
)
BASELINE_WINDOW = 6  # words before the name searched for a cue
# A sentence about the paper's own work ("we", "our", "this paper") weighs most; one about other work
# ("existing methods such as X", "X has been widely used", "recent works introduced X") least.
OWN_CUES: frozenset[str] = frozenset({"we", "our", "us"})
OWN_NOUNS: frozenset[str] = frozenset({"paper", "work", "study", "article", "letter", "thesis"})  # after "this"
# Verbs of the paper's own contribution, unless the sentence is about other work ("existing works have proposed").
OWN_VERBS: frozenset[str] = frozenset({"propose", "proposes", "present", "presents", "introduce", "introduces", "here"})
BACKGROUND_CUES: frozenset[str] = frozenset(
    {
        "existing",
        "previous",
        "previously",
        "prior",
        "recent",
        "recently",
        "literature",
        "conventional",
        "traditional",
        "popular",
        "popularly",
        "widely",
        "commonly",
        "typically",
        "often",
        "emerged",
        "researchers",
        "works",
        "studies",
        "been",
        "such",
        "standard",
        "classical",
        "classic",
    }
)
_EXAMPLE = re.compile(r"\be\.\s?g\b", re.I)  # "e.g." (not the "e" of "i.e.")
OWN, NEUTRAL, BACKGROUND = 1.0, 0.85, 0.45  # weight of a name found in a sentence of each role
_CUE_TERMS = frozenset(term(w) for w in BASELINE_CUES)

# Edge roles stored on paper-entity edges (the schema's `role` property).
PROPOSES, OWN_USE, BASELINE, BACKGROUND_ROLE = "proposes", "own use", "baseline", "background"
ROLES: tuple[str, ...] = (PROPOSES, OWN_USE, BASELINE, BACKGROUND_ROLE)


def sentence_role(text: str, *, is_title: bool = False) -> float:
    """How much a name in this sentence says the paper itself works with it: OWN, NEUTRAL or BACKGROUND."""
    return OWN if is_title else role_of_words(set(words(text)), text)


def role_of_words(have: set[str], text: str, *, is_title: bool = False) -> float:
    """sentence_role from the sentence's words (already folded by the caller) and its text."""
    if is_title:
        return OWN
    if not have.isdisjoint(OWN_CUES) or ("this" in have and not have.isdisjoint(OWN_NOUNS)):
        return OWN
    if not have.isdisjoint(BACKGROUND_CUES) or _EXAMPLE.search(text):
        return BACKGROUND
    return OWN if not have.isdisjoint(OWN_VERBS) else NEUTRAL


def is_baseline(sentence_terms: Sequence[str], position: int) -> bool:
    """True when a cue word precedes the name at `position` closely (it is compared against, not used)."""
    window = sentence_terms[max(0, position - BASELINE_WINDOW) : position]
    return any(t in _CUE_TERMS for t in window)


def edge_role(rel_type: str, label: str, cues: Sequence[str], sentences: Sequence[str], titles: Sequence[bool]) -> str:
    """The role of one paper-entity edge from its extraction cues and evidence sentences.

    `cues` are the extraction's cue names of the edge's relations ("baseline", "we_propose", ...);
    `sentences` the evidence sentences, `titles` whether each is the title. A PROPOSES edge proposes;
    an edge every relation of which the extraction read as a comparison is a baseline; an edge whose
    every sentence is about other work is background; anything else is the paper's own use.
    """
    if rel_type == "PROPOSES":
        return PROPOSES
    if label == "Dataset":
        return OWN_USE
    if cues and all(c == "baseline" for c in cues):
        return BASELINE
    if sentences and all(sentence_role(s, is_title=t) == BACKGROUND for s, t in zip(sentences, titles, strict=True)):
        return BACKGROUND_ROLE
    return OWN_USE
