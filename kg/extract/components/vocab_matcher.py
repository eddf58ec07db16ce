"""Vocabulary names the NER missed become entities: a PhraseMatcher over the shipped (and user) vocabulary.

Runs after the NER and adds spans that overlap none of its entities, so the model decides where it
spoke and the vocabulary fills the silences ("evaluated on CIFAR-100 and SVHN" with SVHN untagged).
One exception: where the NER took a vocabulary name's last words without its first ("fine-tuning" in
"parameter-efficient fine-tuning", "fine-tuning methods" in "Parameter-efficient fine-tuning methods"),
its entity is widened to start where the name does; a vocabulary name inside an NER entity ("CIFAR-100"
in "CIFAR-100 images") and the NER's datasets are left as the model saw them.
Only distinctive names are matched: entries not marked ambiguous, and of those the names of two or more
words or with a capital or digit ("Fashion-MNIST", "BERT"), or datasets' hyphenated identifiers
("ogbn-arxiv"); a single lower-case word ("dropout", "clustering") is left to the NER, which sees its
context. Names with a capital after their first letter match as written (ORTH), everything else case-blind
(LOWER). The label is the vocabulary's; linking (kg.vocab.link) then attaches the entry.
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
            # a lower-case dataset name with a hyphen is an identifier ("ogbn-arxiv", "ogbl-collab")
            if distinctive(name) or (entry.label == "Dataset" and "-" in name.strip("-")):  # type: ignore[attr-defined]
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
        """Add non-overlapping vocabulary matches to doc.ents (longest match first); widen NER entities that
        dropped a vocabulary name's first words."""
        owner: dict[int, int] = {}
        for i, ent in enumerate(doc.ents):
            owner.update((t, i) for t in range(ent.start, ent.end))
        ents = list(doc.ents)
        found = []
        for k, s, e in [*self.lower(doc), *self.exact(doc)]:
            covering = {owner[t] for t in range(s, e) if t in owner}
            if not covering:
                found.append(Span(doc, s, e, label=self.labels[k], span_id=SOURCE_VOCABULARY))
            elif len(covering) == 1:
                i = covering.pop()
                ent = ents[i]
                if s < ent.start < e and ent.label_ != "DATASET":
                    if e >= ent.end:  # the NER's words are the name's last ones: the name is the entity
                        ents[i] = Span(doc, s, e, label=self.labels[k], span_id=SOURCE_VOCABULARY)
                    else:  # the NER's entity runs on past the name: it starts where the name does
                        ents[i] = Span(doc, s, ent.end, label=ent.label, span_id=ent.id)
        changed = ents != list(doc.ents)
        if found or changed:
            doc.ents = filter_spans([*ents, *found])
        return doc
