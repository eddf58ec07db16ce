"""Vocabulary names the NER missed become entities: a PhraseMatcher over the shipped (and user) vocabulary.

Runs after the NER and adds only spans that overlap none of its entities, so the model decides where
it spoke and the vocabulary fills the silences ("evaluated on CIFAR-100 and SVHN" with SVHN untagged).
Only distinctive names are matched: entries not marked ambiguous, and of those the names of two or more
words or with a capital or digit ("Fashion-MNIST", "BERT"); a single lower-case word ("dropout",
"clustering") is left to the NER, which sees its context. Names with a capital after their first
letter match as written (ORTH), everything else case-blind (LOWER). The label is the vocabulary's; linking (kg.vocab.link) then
attaches the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

SOURCE_VOCABULARY = "vocabulary"  # Span.id_ tag; entity_cleanup maps it to a confidence
LABELS = {"Method": "METHOD", "Dataset": "DATASET", "Task": "TASK", "Metric": "METRIC"}
_DISTINCTIVE = re.compile(r"[A-Z0-9]")


def exact_case(name: str) -> bool:
    """Names with a capital after the first letter ("GAN", "SVHN", "NoW", "GitHub") match only as written:
    lower-cased they are often ordinary words ("now", "neuron")."""
    return any(c.isupper() for c in name[1:])


def distinctive(name: str) -> bool:
    """True for a name the matcher may add: two or more words, or a capital or digit in it."""
    name = name.strip()
    return len(name) >= 3 and (len(name.split()) >= 2 or _DISTINCTIVE.search(name) is not None)


def vocabulary_patterns(entries: Iterable[object]) -> dict[tuple[str, bool], set[str]]:
    """(label, exact case) -> names to match, from vocabulary entries (kg.vocab.VocabEntry)."""
    out: dict[tuple[str, bool], set[str]] = {}
    for entry in entries:
        if getattr(entry, "ambiguous", False):
            continue
        names = [entry.name, *entry.aliases, *([entry.full_name] if entry.full_name else [])]  # type: ignore[attr-defined]
        for name in names:
            if distinctive(name):
                exact = exact_case(name)
                out.setdefault((LABELS[entry.label], exact), set()).add(name)  # type: ignore[attr-defined]
    return out


@Language.factory("kg_vocab_matcher", default_config={"vocab_file": None})
class VocabularyMatcher:
    """Adds vocabulary names the NER did not tag as entities (never over an NER entity)."""

    def __init__(self, nlp: Language, name: str, vocab_file: str | None) -> None:
        from kg.vocab import load_vocabulary

        self.name = name
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, str] = {}
        for (label, exact), forms in vocabulary_patterns(load_vocabulary(vocab_file).values()).items():
            key = f"vocab|{label}|{'exact' if exact else 'lower'}"
            self.labels[nlp.vocab.strings.add(key)] = label
            (self.exact if exact else self.lower).add(key, [nlp.make_doc(form) for form in sorted(forms)])

    def __call__(self, doc: Doc) -> Doc:
        """Add non-overlapping vocabulary matches to doc.ents (longest match first)."""
        taken: set[int] = set()
        for ent in doc.ents:
            taken.update(range(ent.start, ent.end))
        found = [
            Span(doc, s, e, label=self.labels[k], span_id=SOURCE_VOCABULARY)
            for k, s, e in [*self.lower(doc), *self.exact(doc)]
            if taken.isdisjoint(range(s, e))
        ]
        if found:
            doc.ents = [*doc.ents, *filter_spans(found)]
        return doc
