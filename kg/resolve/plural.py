"""Plural -> singular for one word of an entity name, conservative by design.

A wrong singular ("loss" -> "los") silently splits or merges entities, so anything not clearly a
regular plural is left alone.
"""

from __future__ import annotations

import re

IRREGULAR: dict[str, str] = {
    "matrices": "matrix",
    "vertices": "vertex",
    "indices": "index",
    "simplices": "simplex",
    "appendices": "appendix",
    "apices": "apex",
    "axes": "axis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "corpora": "corpus",
    "schemata": "schema",
    "lemmata": "lemma",
    "stimuli": "stimulus",
    "nuclei": "nucleus",
    "radii": "radius",
    "foci": "focus",
    "loci": "locus",
    "formulae": "formula",
    "antennae": "antenna",
    "larvae": "larva",
    "vertebrae": "vertebra",
    "genera": "genus",
    "leaves": "leaf",
    "halves": "half",
    "knives": "knife",
    "lives": "life",
    "shelves": "shelf",
    "selves": "self",
    "wolves": "wolf",
    "thieves": "thief",
    "mice": "mouse",
    "children": "child",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "teeth": "tooth",
    "geese": "goose",
    "oxen": "ox",
}

# Singular words that end in "s" (never stripped); also the stems "Xes" plurals are checked against.
INVARIANT: frozenset[str] = frozenset(
    {
        "loss",
        "class",
        "gas",
        "bias",
        "alias",
        "atlas",
        "canvas",
        "pandas",
        "corpus",
        "series",
        "species",
        "data",
        "news",
        "physics",
        "mathematics",
        "lens",
        "means",
        "status",
        "focus",
        "bus",
        "virus",
        "census",
        "campus",
        "bonus",
        "consensus",
        "apparatus",
        "prospectus",
        "calculus",
        "modulus",
        "torus",
        "locus",
        "genus",
        "radius",
        "nucleus",
        "stimulus",
        "syllabus",
        "iris",
        "chaos",
        "cosmos",
        "ethos",
        "pathos",
        "kudos",
        "thermos",
        "logos",
        "macos",
        "ios",
        "kubernetes",
        "diabetes",
        "herpes",
        "rabies",
        "measles",
        "mumps",
        "headquarters",
        "crossroads",
        "whereabouts",
        "innings",
        "thanks",
        "odds",
        "always",
        "perhaps",
        "whereas",
        "texas",
        "vegas",
        "christmas",
        "kansas",
        "arkansas",
        "paris",
        "tennis",
        "this",
        "thus",
        "plus",
        "minus",
        "versus",
        "across",
        "less",
        "unless",
        "process",
        "access",
        "address",
        "success",
        "express",
        "progress",
        "chess",
        "glass",
        "mass",
        "moss",
        "boss",
        "gauss",
        "hess",
        "ness",
        "walrus",
        "octopus",
        "hippopotamus",
        "cactus",
        "fungus",
        "sinus",
        "onus",
        "opus",
        "lotus",
        "papyrus",
        "exodus",
        "nexus",
        "rhesus",
        "fetus",
        "uterus",
        "thesaurus",
        # surnames that head method names ("naive Bayes", "Metropolis-Hastings", "Navier-Stokes")
        "bayes",
        "hastings",
        "stokes",
        "jones",
        "williams",
        "adams",
        "lucas",
        "davis",
        "roberts",
        "rogers",
        "peters",
        "edwards",
        "reynolds",
        "hughes",
        "wells",
        "burns",
        "parsons",
        "collins",
        "phillips",
    }
)

# Plural words ending in "is"/"us"/"ics", where the default would keep them.
IS_PLURALS: frozenset[str] = frozenset(
    {
        "apis",
        "emojis",
        "wikis",
        "kiwis",
        "taxis",
        "skis",
        "tsunamis",
        "kpis",
        "rois",
        "uis",
        "gis",
        "alibis",
        "yogis",
        "safaris",
        "bikinis",
        "yetis",
        "martinis",
        "broccolis",
    }
)
US_PLURALS: frozenset[str] = frozenset(
    {
        "gpus",
        "cpus",
        "tpus",
        "npus",
        "qpus",
        "menus",
        "gurus",
        "emus",
        "haikus",
        "tofus",
        "imus",
        "sus",
    }
)
ICS_PLURALS: frozenset[str] = frozenset(
    {
        "metrics",
        "topics",
        "heuristics",
        "characteristics",
        "clinics",
        "critics",
        "rubrics",
        "lyrics",
        "epics",
        "mnemonics",
        "relics",
        "tunics",
        "comics",
        "antibiotics",
        "fabrics",
    }
)
# "-ies" words whose singular is "-ie", or which are singular already.
IES_KEEP: dict[str, str] = {
    "series": "series",
    "species": "species",
    "movies": "movie",
    "cookies": "cookie",
    "zombies": "zombie",
    "calories": "calorie",
    "rookies": "rookie",
    "selfies": "selfie",
    "smoothies": "smoothie",
    "brownies": "brownie",
    "prairies": "prairie",
    "goalies": "goalie",
    "newbies": "newbie",
    "freebies": "freebie",
    "hoodies": "hoodie",
    "genies": "genie",
    "pies": "pie",
    "ties": "tie",
    "lies": "lie",
    "dies": "die",
    "rabies": "rabies",
}
# "-ches" words whose singular keeps the "e".
CHES_KEEP: frozenset[str] = frozenset(
    {
        "caches",
        "niches",
        "avalanches",
        "headaches",
        "moustaches",
        "mustaches",
        "cliches",
        "microfiches",
        "psyches",
        "creches",
        "quiches",
    }
)
# "-oses" plurals of "-osis" words (the default "doses" -> "dose" is right otherwise).
OSIS_PLURALS: frozenset[str] = frozenset(
    {
        "diagnoses",
        "prognoses",
        "osmoses",
        "symbioses",
        "neuroses",
        "psychoses",
        "cirrhoses",
        "metamorphoses",
        "hypnoses",
        "thromboses",
        "stenoses",
        "fibroses",
        "scolioses",
    }
)
OES_PLURALS: frozenset[str] = frozenset(
    {
        "heroes",
        "potatoes",
        "tomatoes",
        "echoes",
        "vetoes",
        "tornadoes",
        "volcanoes",
        "mosquitoes",
        "torpedoes",
        "embargoes",
        "dominoes",
    }
)

# "DETRs", "GANs", "CNNs", "ViTs", "3Ds": an acronym (ends in a capital or digit) plus a lowercase "s".
_ACRONYM_PLURAL = re.compile(r"[A-Za-z0-9]*[A-Z0-9]s")


def singular_word(word: str) -> str:
    """Lower-cased singular of one word; acronym plurals are recognised from the original case."""
    acronym_plural = len(word) >= 3 and _ACRONYM_PLURAL.fullmatch(word) and not word[:-1].isdigit()
    if acronym_plural and any(c.isupper() for c in word):
        return word[:-1].casefold()
    # Short all-caps words ending in S are acronyms in their own right (SARS, GPS, AWS).
    if word.isupper() and word.endswith("S") and len(word) <= 5:
        return word.casefold()
    return _singular_lower(word.casefold())


def _singular_lower(w: str) -> str:
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith("'s") or w in INVARIANT:
        return w
    if w.endswith(("ss", "us")):
        return w[:-1] if w in US_PLURALS else w
    if w.endswith("is"):
        return w[:-1] if w in IS_PLURALS else w
    if w.endswith("ics"):
        return w[:-1] if w in ICS_PLURALS else w
    if w.endswith("ies"):
        if w in IES_KEEP:
            return IES_KEEP[w]
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith(("yses", "eses")) or w in OSIS_PLURALS:
        return w[:-2] + "is"
    if w.endswith(("xes", "shes", "zzes")):
        return w[:-2]
    if w.endswith("ches"):
        return w[:-1] if w in CHES_KEEP else w[:-2]
    if w in OES_PLURALS or w[:-2] in INVARIANT:
        # "biases" -> "bias", "lenses" -> "lens", "heroes" -> "hero"
        return w[:-2]
    return w[:-1]


def singular_surface(word: str) -> str:
    """Singular of one word keeping its original casing where possible ("Transformers" -> "Transformer")."""
    lower = singular_word(word)
    if lower == word.casefold():
        return word
    if word.casefold().startswith(lower):
        return word[: len(lower)]
    if word.isupper():
        return lower.upper()
    if word[:1].isupper():
        return lower[:1].upper() + lower[1:]
    return lower
