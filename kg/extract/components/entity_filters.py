"""Entity hygiene: which NER spans are not entities (math debris, generic heads, title fragments).

Used by kg_entity_cleanup after trimming. Each rule returns the span to keep (possibly shorter) or None.
- Math: LaTeX/math tokens ("O(1", "L_{1", "cost O(dm + m^2", "FID=1.42") end the span there; what
  is left before them is kept only when it still reads as a name ("iteration complexity of O(...)"
  -> "iteration complexity"). Accent macros in names ("Schr\\"odinger", "Nystr\\"{o}m") are not math.
- Generic heads: "framework", "method", "neural network", "the proposed model", "downstream tasks"
  (a head noun with only generic modifiers; the dev and training annotations never list them).
- Title fragments: adjectival compounds without a noun ("Compute-Efficient", "Label-Free"),
  adverb + adjective pairs ("differentially private", "Provably Robust") and heads that name a point
  of view ("Classifier-Centric Perspective").
- Title verbs: titles often open with a verb ("Scaling Diffusion Transformers to ...", "Boosting
  Low-Rank Adaptation with ..."), which the NER takes into the name; the name starts after it, unless
  the -ing word is how the field's names start ("Denoising Diffusion ...", "Learning Rate ...":
  `title_verb_cut` is given the vocabulary's name openings).
- Venues: a conference's acronym, alone or with its year ("NeurIPS 2020", "STOC"), names where a
  paper appeared (kg.resolve.wordlists.VENUES).
- Links: a span holding a URL is no entity.
- URL hosts: a name that is the host of a link in the abstract ("code is available on GitHub at
  https://github.com/...") names where the code lives, not a dataset or method of the paper.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from kg.resolve.specific import is_adjective_phrase
from kg.resolve.wordlists import VENUES

# Accent macros and escaped characters that belong to names, removed before looking for math.
_ACCENT = re.compile(r"\\[\"'`^~=.]\{?[A-Za-z]\}?|\\[Ll](?![A-Za-z])|\\[&%#_]|\\[ij](?![A-Za-z])")
_MATH_CHARS = re.compile(r"[\\^_{}$=]")
_PERCENT = re.compile(r"\d\s*%")
_LETTER_RUNS = re.compile(r"[A-Za-z]+")
# Macro names with the backslash already gone; they never occur in prose.
MACRO_WORDS = frozenset(
    "varepsilon ell sqrt mathcal mathbb mathbf mathrm textrm frac cdot cdots ldots rightarrow leftarrow "
    "leq geq infty varphi vartheta emph textit textbf mathsf operatorname".split()
)
# Single letters / function names that head a formula: "O(", "Theta(", "F_".
_FORMULA_HEADS = frozenset({"o", "theta", "omega", "omicron", "log", "exp", "poly", "polylog", "tilde"})
_EDGE_WORDS = frozenset("of in on with for to and or the a an by at from via as is are under over".split())

GENERIC_HEADS: dict[str, frozenset[str]] = {
    "METHOD": frozenset(
        "framework method algorithm model approach network technique architecture module scheme strategy "
        "system procedure mechanism paradigm pipeline solution tool".split()
    ),
    "DATASET": frozenset("dataset benchmark data corpus corpora".split()),
    "TASK": frozenset("task problem application".split()),
    "METRIC": frozenset("metric".split()),
}
GENERIC_MODIFIERS = frozenset(
    (
        "neural deep artificial novel new proposed our their its this these existing standard baseline base "
        "simple general generic unified effective efficient powerful strong popular conventional traditional "
        "classical typical current previous prior recent modern various several multiple many different other "
        "such same original overall whole entire final main learning-based end-to-end downstream real-world "
        "synthetic public publicly available large-scale benchmark evaluation training test two three first "
        "second proposed-based challenging diverse widely used common key"
    ).split()
)
# Last hyphen piece of an adjectival compound: "Compute-Efficient", "Model-Agnostic", "Label-Free".
ADJECTIVE_TAILS = frozenset(
    "efficient centric agnostic aware free based robust optimal driven guided friendly invariant equivariant "
    "preserving consistent oriented specific dependent independent conditioned constrained informed "
    "inspired enhanced augmented powered scalable".split()
)
# Heads that name a point of view, not a method or task ("Classifier-Centric Perspective").
FRAGMENT_HEADS = frozenset("perspective perspectives viewpoint viewpoints lens insight insights lesson lessons".split())
_WORDS = re.compile(r"[\s\-~]+")


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _is_math_token(text: str) -> bool:
    if _PERCENT.search(text.replace("\\%", "%")):
        return True  # "27\\% cost": a result, not a name
    t = _ACCENT.sub("", text)
    if _MATH_CHARS.search(t):
        return True
    if len(t) > 1 and (t.count("(") != t.count(")") or t.count("[") != t.count("]")):
        return True  # "O(1", "delta)-differential": a formula cut by the tokenizer
    # "varepsilon,delta": macro names whose backslash the input lost, inside a token
    return any(p.lower() in MACRO_WORDS for p in _LETTER_RUNS.findall(t))


def math_cut(span: Span) -> int | None:
    """Token index (in the doc) where math starts inside the span, or None."""
    doc = span.doc
    depth = 0
    open_at: list[int] = []
    for i in range(span.start, span.end):
        text = doc[i].text
        if text in ("(", "["):
            open_at.append(i)
            depth += 1
            continue
        if text in (")", "]"):
            if open_at:
                open_at.pop()
            continue
        if _is_math_token(text) or text.lower() in MACRO_WORDS:
            return i
    return open_at[0] if open_at else None  # an unclosed bracket: "Theta(log"


def _reads_as_name(words: list[str]) -> bool:
    return any(len(w) >= 3 and any(c.isalpha() for c in w) for w in words) and not any(
        w.lower() in MACRO_WORDS for w in words
    )


def cut_math(span: Span) -> Span | None:
    """The span up to its first math token (trailing formula heads and edge words dropped), or None."""
    cut = math_cut(span)
    if cut is None:
        return span
    doc = span.doc
    end = cut
    # "O" of "O(n", "Theta" of "Theta(log": the formula's head, written against its bracket
    if end > span.start and doc[end - 1].text.lower() in _FORMULA_HEADS:
        end -= 1
    while end > span.start and (doc[end - 1].lower_ in _EDGE_WORDS or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end <= span.start:
        return None
    words = [t.text for t in doc[span.start : end]]
    # one word left of a formula is its context ("cost O(dm"), not a name; two can be ("iteration complexity")
    if len([w for w in words if any(c.isalnum() for c in w)]) < 2 or not _reads_as_name(words):
        return None
    return Span(doc, span.start, end, label=span.label, span_id=span.id)


def is_generic(text: str, label: str) -> bool:
    """A generic head with only generic modifiers: "framework", "deep neural networks", "downstream tasks"."""
    heads = GENERIC_HEADS.get(label)
    if not heads:
        return False
    words = [w for w in text.lower().split() if w]
    if not words:
        return False
    if _singular(words[-1]) not in heads:
        return False
    return all(w in GENERIC_MODIFIERS or _singular(w) in heads or w == "network" for w in words[:-1])


def is_fragment(text: str) -> bool:
    """An adjectival compound without its noun ("Compute-Efficient") or a point-of-view head."""
    words = [w for w in text.split() if w]
    if not words:
        return False
    last = words[-1].lower()
    if last in FRAGMENT_HEADS:
        return True
    pieces = [p for p in _WORDS.split(last) if p]
    return bool(pieces) and pieces[-1] in ADJECTIVE_TAILS and (len(pieces) > 1 or len(words) == 1)


def title_verb_cut(span: Span, name_openings: frozenset[str]) -> Span | None:
    """The span without a title's opening verb ("Scaling Diffusion Transformers" -> "Diffusion Transformers").

    Only in the title (the doc's first sentence), where Title Case hides the verb from the NER ("GigaTok:
    Scaling Visual Tokenizers ...", "Interval Bound Propagation for Training Verifiably Robust Models"),
    for a capitalised, unhyphenated -ing word followed by more of the name. `name_openings` holds what the
    field's names start with (lower-cased one-word names, first two words of longer names): a span opening
    with one keeps its word. None when nothing but function words would be left.
    """
    doc = span.doc
    first = doc[span.start]
    text = first.text
    if len(span) < 2 or not text[:1].isupper() or not text.endswith("ing") or "-" in text or first.sent.start:
        return span
    lowered = text.lower()
    if lowered in name_openings or f"{lowered} {doc[span.start + 1].lower_}" in name_openings:
        return span
    start = span.start + 1
    while start < span.end and (doc[start].lower_ in _EDGE_WORDS or doc[start].is_punct):
        start += 1
    if start >= span.end:
        return None
    return Span(doc, start, span.end, label=span.label, span_id=span.id)


# Anything that may start math; most entities match none of it and skip the token walk.
_MATH_HINT = re.compile(r"[\\^_{}$=%()\[\]]|" + "|".join(sorted(MACRO_WORDS)))


_VENUE = re.compile(r"(?P<venue>[A-Za-z]+)(?:\s*['\u2019]\d{2}|\s+(?:19|20)\d{2}|-?(?:19|20)\d{2})?")


def is_venue(text: str) -> bool:
    """True for a conference's acronym alone or with its year: "NeurIPS 2020", "ICALP'18", "STOC"."""
    match = _VENUE.fullmatch(text.strip())
    return match is not None and match["venue"].casefold() in VENUES


@lru_cache(maxsize=1 << 16)
def _rejected(text: str, label: str) -> bool:
    return is_generic(text, label) or is_fragment(text) or is_venue(text) or is_adjective_phrase(text)


_URL_HOST = re.compile(r"(?:https?://|www\.)(?:www\.)?([A-Za-z0-9.-]+)", re.I)


def is_url_host(text: str, text_around: str) -> bool:
    """True when the name, without spaces and case, is the registered domain of a URL in the text
    ("GitHub" and https://github.com/..., not "DiffIR" and https://diffir.github.io: a project page)."""
    if "http" not in text_around and "www." not in text_around:
        return False
    name = re.sub(r"[^a-z0-9]", "", text.casefold())
    return bool(name) and any(
        name == re.sub(r"[^a-z0-9]", "", host.casefold().rstrip(".").split(".")[-2])
        for host in _URL_HOST.findall(text_around)
        if "." in host.rstrip(".")
    )


def filter_entity(span: Span, doc_text: str | None = None) -> Span | None:
    """The span as an entity after the hygiene rules, or None when it is none.

    ``doc_text`` (the doc's text, when the caller has it) spares building each span's text.
    """
    text = doc_text[span.start_char : span.end_char] if doc_text is not None else span.text
    if _MATH_HINT.search(text):
        kept = cut_math(span)
        if kept is None:
            return None
        if kept is not span:
            span, text = kept, kept.text
    if "://" in text or text.startswith("www."):
        return None  # a link ("https://github.com/...") names where something lives, not the thing
    if _rejected(text, span.label_) or is_url_host(text, doc_text if doc_text is not None else span.doc.text):
        return None
    return span
