"""The hand-written word lists of names and questions, each once, each with where it came from.

Lists here are English function words, generic ML words and a few term alternatives. Where a list was
first written while reading misses on the dev questions (``../shared/eval/questions-dev.jsonl``), its
comment says so and says why it is expected to hold for users in general; knowledge about the field
itself (synonyms, subtasks, families) lives in the shipped vocabulary (kg/vocab), not here. Label-aware
head words (GENERIC_SUFFIXES, GENERIC_WORDS) live with the rule that uses them in kg/resolve/suffixes.py,
and the cue words of a sentence's role in kg/graph/roles.py.
"""

from __future__ import annotations

from kg.resolve.suffixes import ALL_SUFFIXES, GENERIC_WORDS

# Words that carry no content in a question ("for", "of", "using", ...): English closed-class words
# plus the question scaffolding users type ("papers", "how", "which").
FUNCTION_WORDS: frozenset[str] = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "and",
        "or",
        "with",
        "from",
        "by",
        "via",
        "using",
        "use",
        "used",
        "against",
        "into",
        "over",
        "as",
        "at",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "is",
        "are",
        "be",
        "based",
        "between",
        "through",
        "towards",
        "toward",
        "under",
        "within",
        "which",
        "how",
        "what",
        "when",
        "where",
        "do",
        "does",
        "can",
        "papers",
        "paper",
        "up",
    }
)

# Names made only of these (and GENERIC_WORDS) are no answer: the heads of "X strategy", "X loss" that
# the extractor returns on their own. Hand-written: nouns that name a part or a kind of any method,
# never one method.
GENERIC_NAMES: frozenset[str] = GENERIC_WORDS | {
    "state of the art",
    "perspective",
    "baseline",
    "variant",
    "extension",
    "strategy",
    "scheme",
    "setting",
    "objective",
    "loss",
    "layer",
    "parameter",
    "feature",
    "representation",
    "system",
    "pipeline",
    "tool",
    # the parts of many methods ("an encoder", "the classifier", "a regularizer"), named by their role
    "encoder",
    "decoder",
    "classifier",
    "regularizer",
    "generator",
    "discriminator",
    "backbone",
    "predictor",
    "teacher",
    "student",
    # activities every ML paper does, which name no task until they say of what ("link prediction")
    "machine learning",
    "inference",
    "prediction",
    "generation",
}

# Last words that name a mathematical object or a finding, never a method ("partial differential
# equation", "scaling law", "Hoeffding inequality"): a corpus name the NER read as a method with one of
# these heads is not offered as a method. General English/mathematics; "process" and "model" are not
# here ("Gaussian process" is a method).
CONCEPT_HEADS: frozenset[str] = frozenset(
    {
        "equation",
        "equations",
        "law",
        "laws",
        "theorem",
        "theorems",
        "lemma",
        "inequality",
        "inequalities",
        "conjecture",
        "hypothesis",
        "phenomenon",
        "phenomena",
        "property",
        "properties",
        "bound",
        "bounds",
        # a part of an objective or expression ("regularization term", "penalty term", "bias term")
        "term",
        "terms",
    }
)

# Last words that name the course of an activity or a study of it, not a task a paper addresses
# ("optimization process", "ablation study", "training procedure"): a corpus name the NER read as a task with
# one of these heads is not offered as a task. General English; vocabulary tasks are not affected.
ACTIVITY_HEADS: frozenset[str] = frozenset(
    {"process", "processes", "procedure", "procedures", "study", "studies", "experiment", "experiments"}
)

# Head words a question may add to a name the graph stores without them ("Wasserstein distance" for
# "Wasserstein", "Adam optimizer" for "Adam"). The words beyond the label suffixes were added while
# reading dev misses; they are heads of names in the shipped vocabulary too (loss 42 names, test 40,
# function 26, distance 10, system 7, optimizer 6, estimator 5; the rest 1-2), so they hold beyond dev.
FALLBACK_HEADS: frozenset[str] = ALL_SUFFIXES | {
    "distance",
    "loss",
    "function",
    "measure",
    "estimator",
    "solver",
    "sampler",
    "optimizer",
    "test",
    "scheme",
    "strategy",
    "procedure",
    "system",
}

# Words of a question that are needed in the text only when nothing more specific is asked
# ("training deep neural networks"). Written while reading dev misses; each is a word that heads or
# modifies hundreds of unrelated ML abstracts, so requiring it rejects right papers for any user.
WEAK_WORDS: frozenset[str] = frozenset(
    {
        "solving",
        "solve",
        "training",
        "train",
        "improving",
        "improve",
        "deep",
        "neural",
        "network",
        "networks",
        "model",
        "models",
        "modelling",
        "modeling",
        "method",
        "methods",
        "approach",
        "approaches",
        "task",
        "tasks",
        "problem",
        "problems",
        "learning",
        "data",
        "computing",
        "compute",
        "performing",
        "applying",
        "application",
        "applications",
        "better",
        "efficient",
        "new",
        "large",
        "general",
        "machine",
        "improved",
        "analysing",
        "analyzing",
        "studying",
    }
)

# Gerunds that name an activity apart from the thing their stem names: "language modeling" is a task,
# "language model" a method (kg.resolve.terms keeps them whole; "modelling" folds to "modeling" first).
ACTIVITY_GERUNDS: frozenset[str] = frozenset({"modeling"})

# The lower-case last words a dataset's name may end with ("TREC collection", "CUTEst test set"): in the
# 686 dataset names of ml_abstracts/train.jsonl, 655 end in a capitalised or numbered word and most of the
# rest in one of these; a name ending in another ordinary word ("PINN scenario", "1B training example")
# is a setting or a phrase around a name, not a dataset to offer (kg.vocab.link.written_as_dataset).
DATA_HEADS: frozenset[str] = frozenset(
    {
        "data",
        "dataset",
        "datasets",
        "database",
        "corpus",
        "corpora",
        "set",
        "sets",
        "benchmark",
        "benchmarks",
        "collection",
        "repository",
        "suite",
        "split",
        "task",
        "challenge",
        "archive",
        "bank",
        "images",
        "videos",
    }
)

# Acronyms of computer-science conferences (the CORE ranking's A*/A venues of AI, learning, vision,
# language, retrieval, data and theory): "NeurIPS 2020" or "STOC" alone names where a paper appeared, not
# a dataset or a method (kg.extract.components.entity_filters.is_venue). Names that are also shared tasks
# or datasets ("CoNLL 2003", "SemEval", "TREC", "WMT 2014", "KDD Cup") are left out on purpose.
VENUES: frozenset[str] = frozenset(
    """
    neurips nips icml iclr colt aistats uai aaai ijcai kdd www sigir wsdm cikm recsys ecml pkdd
    cvpr iccv eccv wacv bmvc miccai acl emnlp naacl eacl coling interspeech icassp icra iros corl rss
    stoc focs soda icalp sosa itcs podc spaa stacs esa sigmod vldb icde chi
    """.split()
)

# Term (stem) alternatives where Snowball leaves apart the verb and noun of one English word
# ("defending" / "defense", "explaining" / "explanation", "analyzing" / "analysis"): general
# derivational morphology, not field knowledge. Keys and values are terms; closed under symmetry.
TERM_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "defend": ("defens",),
    "explain": ("explan",),
    "analyz": ("analysi", "analys"),
    # Added while reading dev misses (questions-dev d36, d43 and an outlier/anomaly question): synonyms
    # that hold in general English and mathematics (matrix factorization is matrix decomposition; to
    # speed up is to accelerate; outlier and anomaly detection are one task), kept for users' own words.
    # Dev figures with them: P 0.848 / R 0.748; without: 0.823 / 0.730 (two questions).
    "speed": ("acceler", "fast", "faster"),
    "decomposit": ("factor",),
    "anomali": ("outlier",),
}
