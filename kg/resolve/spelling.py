"""Spelling folds one word at a time: British -> American endings, Greek letters spelled out.

Both sides of every comparison go through the same fold (entity keys at build time, questions and
abstract text at query time), so a fold only has to be consistent, not a dictionary: "noise" ->
"noize" is harmless because every "noise" becomes "noize"; what must never happen is two different
words folding together, which is why each rule needs a long enough stem.
"""

from __future__ import annotations

import re
from functools import lru_cache

GREEK: dict[str, str] = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "µ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "Γ": "gamma",
    "Δ": "delta",
    "Θ": "theta",
    "Λ": "lambda",
    "Ξ": "xi",
    "Π": "pi",
    "Σ": "sigma",
    "Φ": "phi",
    "Ψ": "psi",
    "Ω": "omega",
}
_GREEK_TABLE = str.maketrans(GREEK)
# Whole words spelled differently on the two sides of the Atlantic (no ending rule covers them).
WORDS: dict[str, str] = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "analogue": "analog",
    "programme": "program",
    "programmes": "programs",
    "grey": "gray",
    "artefact": "artifact",
    "artefacts": "artifacts",
    "judgement": "judgment",
    "judgements": "judgments",
    "ageing": "aging",
    "centre": "center",
    "centres": "centers",
    "centred": "centered",
    "fibre": "fiber",
    "fibres": "fibers",
    "metre": "meter",
    "metres": "meters",
    "litre": "liter",
    "manoeuvre": "maneuver",
    "aluminium": "aluminum",
    "acknowledgement": "acknowledgment",
    "learnt": "learned",
    "oestrogen": "estrogen",
    "anaemia": "anemia",
    "haemoglobin": "hemoglobin",
    "leukaemia": "leukemia",
    "oesophagus": "esophagus",
    "paediatric": "pediatric",
    "foetal": "fetal",
    "tumour": "tumor",
    "tumours": "tumors",
    # transliterations of one surname ("Weisfeiler-Leman" is how Leman's name is spelled in his papers)
    "lehman": "leman",
}
# (pattern, replacement); each needs at least three letters before the ending it rewrites.
_ENDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<s>[a-z]{3,})isation(?P<e>s?)$"), r"\g<s>ization\g<e>"),
    (re.compile(r"^(?P<s>[a-z]{3,})is(?P<e>e|es|ed|ing|er|ers)$"), r"\g<s>iz\g<e>"),
    (re.compile(r"^(?P<s>[a-z]{2,})ys(?P<e>e|es|ed|ing|er|ers)$"), r"\g<s>yz\g<e>"),
    (re.compile(r"^(?P<s>[a-z]{3,})our(?P<e>s|ed|ing|al|ally|ite|ites)?$"), r"\g<s>or\g<e>"),
    (re.compile(r"^(?P<s>[a-z]{2,}[ae])ll(?P<e>ing|ed|er|ers)$"), r"\g<s>l\g<e>"),
)
# Words those endings would rewrite that are spelled the same everywhere.
_KEEP: frozenset[str] = frozenset(
    {
        "analyses",
        "paralyses",
        "promise",
        "promises",
        "promised",
        "premise",
        "premises",
        "expertise",
        "exercise",
        "exercises",
        "exercised",
        "otherwise",
        "likewise",
        "pairwise",
        "stepwise",
        "noise",
        "noises",
        "precise",
        "concise",
        "raise",
        "raised",
        "raises",
        "surprise",
        "surprised",
        "surprises",
        "compromise",
        "compromised",
        "comprise",
        "comprises",
        "comprised",
        "comprising",
        "advise",
        "advised",
        "devise",
        "devised",
        "revise",
        "revised",
        "supervise",
        "supervised",
        "supervising",
        "enterprise",
        "disguise",
        "franchise",
        "merchandise",
        "improvise",
        "televise",
        "chastise",
        "incise",
        "excise",
        "circumcise",
        "despise",
        "reprise",
        "treatise",
        "elementwise",
        "pointwise",
        "layerwise",
        "clockwise",
        "contour",
        "contours",
        "detour",
        "devour",
        "troubadour",
        "paramour",
    }
)


@lru_cache(maxsize=1 << 18)
def fold_word(word: str) -> str:
    """One lower-case word in American spelling with Greek letters spelled out ("modelling" -> "modeling")."""
    word = word.translate(_GREEK_TABLE)
    if word in WORDS:
        return WORDS[word]
    if word in _KEEP or len(word) < 6:
        return word
    for pattern, replacement in _ENDINGS:
        folded, n = pattern.subn(replacement, word)
        if n:
            return folded
    return word


def spell_out_greek(text: str) -> str:
    """Greek letters replaced by their names ("α-divergence" -> "alpha-divergence")."""
    return text.translate(_GREEK_TABLE)
