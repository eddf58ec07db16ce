"""Name rules of the vocabulary build: merge keys, display forms, split/variant folding of dataset names."""

import re
import unicodedata
from functools import lru_cache

# British -> American endings, so "language modelling" and "language modeling" share a key
_SPELLING = (
    (re.compile(r"modelling$"), "modeling"),
    (re.compile(r"isation$"), "ization"),
    (re.compile(r"ise$"), "ize"),
    (re.compile(r"ised$"), "ized"),
    (re.compile(r"yse$"), "yze"),
    (re.compile(r"labelled$"), "labeled"),
    (re.compile(r"labelling$"), "labeling"),
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")) and not token[-2].isdigit():
        return token[:-3] + "y" if token.endswith("ies") else token[:-1]
    return token


@lru_cache(maxsize=500_000)
def merge_key(text: str) -> str:
    """The key two spellings of one name share: case, punctuation, spaces, plural -s and British spelling ignored."""
    tokens = re.findall(r"[A-Za-z0-9]+", _ascii(text).replace("+", " plus "))
    out = []
    for written in tokens:
        token = written.lower()
        for pattern, repl in _SPELLING:
            token = pattern.sub(repl, token)
        # acronyms keep their final s ("ACES" is not "ACE")
        out.append(token if written.isupper() and len(written) > 1 else _singular(token))
    return "".join(out)


def clean_name(text: str) -> str:
    """Whitespace collapsed, stray trailing punctuation and unbalanced brackets removed."""
    text = re.sub(r"\s+", " ", text).strip().strip(":;,").strip()
    if text.count("(") < text.count(")") and text.endswith(")"):
        text = text[:-1].rstrip()
    if text.count("(") > text.count(")"):
        text = text.replace("(", "").strip()
    return text


_ACRONYM_TAIL = re.compile(r"^(?P<base>.+?)\s*\((?P<acr>[A-Za-z0-9][A-Za-z0-9\-\.+&/ ]{0,15})\)$")


def split_acronym(name: str) -> tuple[str, str | None]:
    """'Named Entity Recognition (NER)' -> ('Named Entity Recognition', 'NER'); other names unchanged."""
    match = _ACRONYM_TAIL.match(name)
    if match and sum(c.isupper() for c in match["acr"]) >= 2 and " " not in match["acr"].strip():
        return match["base"].strip(), match["acr"].strip()
    return name, None


# words kept capitalised in a lower-cased task or family name (proper nouns of the field)
PROPER_WORDS = frozenset(
    """
english chinese german french japanese arabic spanish vietnamese korean hindi russian portuguese italian
indonesian bengali urdu turkish persian dutch swedish czech polish greek hebrew tamil thai latin
atari bayesian gaussian markov euclidean wikipedia twitter covid hebbian boltzmann hopfield kohonen
monte carlo newton wasserstein lipschitz riemannian fourier laplacian dirichlet poisson bernoulli
""".split()
)


def display_lower(name: str, proper: frozenset[str] = frozenset()) -> str:
    """A name in running-text form: lower case except acronyms, mixed-case words and proper nouns."""
    words = []
    for index, word in enumerate(name.split(" ")):
        core = re.sub(r"[^A-Za-z]", "", word)
        keep = (
            sum(c.isupper() for c in core) >= 2
            or (core[1:] != core[1:].lower())
            or any(c.isdigit() for c in word)
            and any(c.isupper() for c in word)
            or core.lower() in PROPER_WORDS
            or (index > 0 and core.lower() in proper)
        )
        words.append(word if keep else word.lower())
    return " ".join(words)


def family_display(collection: str) -> str:
    """A PwC collection as a family name: 'Vision Transformers' -> 'vision transformer'."""
    name = display_lower(clean_name(collection))
    words = name.split(" ")
    last = words[-1]
    if last.islower() and len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        words[-1] = last[:-3] + "y" if last.endswith("ies") else last[:-1]
    return " ".join(words)


# --- dataset split and variant folding -------------------------------------------------------------

_SPLIT_WORDS = (
    r"(?:test-dev|testdev|test-std|test-standard|test-challenge|minival|val|valid|validation|dev|test|train|"
    r"training|eval|trainval|test2017|val2017|test2015|dev2017|public|private|full|subset|set|split|splits|"
    r"seen|unseen|clean|other|hard|medium|moderate|easy|leaderboard|benchmark)"
)
_TRAILING_VARIANT = re.compile(
    r"(?:[\s_-]+(?:"
    + _SPLIT_WORDS
    + r"|\d+(?:\.\d+)?%|\d+x\d+|x\d+|\d+x|sigma\s?\d+|\d+\s+labels?|(?:split|fold|set)\s*\d+|"
    r"(?:\d+-)?(?:way|shot|shots|labels?|labeled|labelled)|binary|fine-grained|classification))+$",
    re.IGNORECASE,
)
_PAREN_TAIL = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_DASH_TAIL = re.compile(r"(?:\s+[-\u2013]\s*|\s*[-\u2013]\s+).*$")
_COMMA_TAIL = re.compile(r",\s.*$")


def fold_dataset_name(raw: str) -> str:
    """The base dataset of a leaderboard dataset name: split, variant and setting suffixes removed.

    'COCO test-dev' -> 'COCO', 'ImageNet (val)' -> 'ImageNet', 'CIFAR-100, 40% Symmetric Noise' -> 'CIFAR-100',
    'Set5 - 4x upscaling' -> 'Set5', 'Mini-Imagenet 5-way (1-shot)' -> 'Mini-Imagenet'.
    """
    name = clean_name(raw)
    for _ in range(4):
        before = name
        candidate = _PAREN_TAIL.sub("", name)
        candidate = _DASH_TAIL.sub("", candidate)
        candidate = _COMMA_TAIL.sub("", candidate)
        candidate = _TRAILING_VARIANT.sub("", candidate).strip(" -_,:")
        if len(re.sub(r"[^A-Za-z0-9]", "", candidate)) >= 2:
            name = candidate
        if name == before:
            break
    return name


def paren_long_form(raw: str) -> str | None:
    """The long form in 'CoQA (Conversational Question Answering Challenge)': three or more words, no digits."""
    match = _PAREN_TAIL.search(clean_name(raw))
    if not match:
        return None
    inner = match["inner"].strip()
    words = inner.split()
    if len(words) < 3 or re.search(r"\d|%|shot|way|split|test|val", inner, re.IGNORECASE):
        return None
    # the long form spells the short one: its capitalised initials cover the short form's capitals in order
    initials = "".join(w[0] for w in words if w[0].isupper())
    capitals = [c for c in _PAREN_TAIL.sub("", clean_name(raw)) if c.isupper()]
    if not capitals or not initials:
        return None
    position = 0
    for char in initials:
        if position < len(capitals) and char == capitals[position]:
            position += 1
    return inner if position == len(capitals) else None
