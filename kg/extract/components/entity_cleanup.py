"""Entity post-processing: trim spans, drop non-entities, carry labels across abbreviation definitions and uses."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.components.abbreviations import LONG_MENTIONS_KEY, MENTIONS_KEY
from kg.extract.components.entity_filters import filter_entity, title_verb_cut
from kg.extract.components.util import doc_text, sentence_char_starts

SOURCE_ABBREVIATION = "abbrev"  # labelled through an abbreviation definition
SOURCE_GUESS = "abbrev_guess"  # unlabelled definition labelled from its head noun / a "we propose" cue

# Span.id_ source tag -> mention confidence. Empty id = the trained NER (no per-span score without beam).
SOURCE_CONFIDENCE = {
    "": 0.8,
    "lexicon": 0.9,
    "pattern": 0.7,
    SOURCE_ABBREVIATION: 0.8,
    SOURCE_GUESS: 0.6,
    "vocabulary": 0.75,  # a vocabulary name the NER left untagged (kg_vocab_matcher)
}


# Words after which a long form's head has passed ("Tokenizer for Generative Recommendation"): what
# follows says what the named thing is for or how it works ("of" stays: "Mixture of Experts").
_POSTMODIFIERS = frozenset({"for", "with", "via", "using", "in", "on", "under", "towards"})


def _head_token(long: Span) -> int:
    """The token that gives a long form its label: its last, or the last before "for"/"with"/... when one
    follows the first word ("LEarnable Tokenizer for generaTivE Recommendation": a tokenizer, a method)."""
    for t in long[1:]:
        if t.lower_ in _POSTMODIFIERS:
            return t.i - 1
    return long.end - 1


@lru_cache(maxsize=4)
def name_openings(vocab_file: str | None) -> frozenset[str]:
    """How the vocabulary's names open: one-word names and the first two words of longer ones, lower-cased."""
    from kg.vocab import load_vocabulary

    out: set[str] = set()
    for entry in load_vocabulary(vocab_file).values():
        for name in (entry.name, *entry.aliases, *([entry.full_name] if entry.full_name else [])):
            words = name.lower().split()
            if words:
                out.add(" ".join(words[:2]))
    return frozenset(out)


def _confidence(span: Span) -> float:
    """Confidence of an entity span, from the component that produced it."""
    return SOURCE_CONFIDENCE.get(span.id_, 0.7)


Span.set_extension("confidence", getter=_confidence, force=True)

_LEADING_WORDS = {
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "that",
    "our",
    "their",
    "its",
    "his",
    "her",
    "such",
    "each",
    "every",
}
_TRAILING_WORDS = {"'s", "'"}
_KEEP_PUNCT = {"+", "#", "&", "@", "%"}  # "C++", "F#", "R@1" end or start names

# Head nouns that give an unlabelled abbreviation definition its label (lexicon mode only).
HEAD_LABELS = {
    "METHOD": (
        "method network model algorithm framework architecture approach technique scheme learning mechanism module "
        "strategy procedure estimator transformer encoder decoder autoencoder optimizer classifier detector regression "
        "machine layer attention embedding embeddings search sampling descent pruning distillation net networks models "
        "algorithms methods frameworks machines process processes tuning adaptation augmentation normalization "
        "optimization policy agent system systems units unit kernel field fields"
    ).split(),
    "DATASET": "dataset datasets benchmark benchmarks corpus corpora treebank database suite".split(),
    "TASK": (
        "detection classification segmentation recognition translation generation retrieval answering parsing tagging "
        "labeling labelling summarization summarisation tracking localization captioning completion extraction "
        "reasoning synthesis understanding reconstruction forecasting inpainting denoising super-resolution "
        "identification verification disambiguation resolution prediction"
    ).split(),
    "METRIC": "score error rate accuracy precision recall distance ratio coefficient divergence loss metric".split(),
}
_HEAD_TO_LABEL = {word: label for label, words in HEAD_LABELS.items() for word in words}
_PROPOSE_CUE = re.compile(
    r"\b(?:we|this (?:paper|work))\s+(?:\w+\s+){0,2}?(?:propose|introduce|present|develop|design)", re.I
)


@Language.factory(
    "kg_entity_cleanup",
    default_config={
        "guess_abbreviation_labels": True,
        "labels": ["METHOD", "DATASET", "TASK", "METRIC"],
        "vocab_file": None,
    },
)
class EntityCleanup:
    """Trims determiners/punctuation off entities and propagates labels to abbreviation uses."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        guess_abbreviation_labels: bool,
        labels: list[str],
        vocab_file: str | None = None,
    ) -> None:
        self.name = name
        self.guess_abbreviation_labels = guess_abbreviation_labels
        # A model may carry helper labels from training (e.g. OTHERTERM); only these reach the graph.
        self.labels = set(labels)
        self.name_openings = name_openings(vocab_file)

    def __call__(self, doc: Doc) -> Doc:
        """Rewrite doc.ents: trimmed spans plus long forms and short-form uses of labelled abbreviations."""
        title_end = doc._.title_end
        trimmed = (self._trim(ent, title_end) for ent in doc.ents if ent.label_ in self.labels)
        cut = (title_verb_cut(span, self.name_openings) for span in trimmed if span is not None)
        ents = [span for span in cut if span is not None]
        pairs = doc._.abbreviations
        if pairs:
            ents = self._propagate(doc, ents, pairs)
        # math debris, generic heads and title fragments are not entities (entity_filters.py); once, at
        # the end, so long forms the abbreviations added pass the same rules
        text = doc_text(doc)
        ents = [e for e in (filter_entity(span, text) for span in ents) if e is not None]
        doc.ents = filter_spans(ents)
        return doc

    @staticmethod
    def _trim(ent: Span, title_end: int | None) -> Span | None:
        """Drop leading determiners, edge punctuation, "(ABBR)" tails and anything past the title."""
        doc = ent.doc
        start, end = ent.start, ent.end
        if title_end is not None and ent.start_char <= title_end < ent.end_char:
            # The NER cannot know the title ends at the separator token: keep the larger side.
            sep = next(i for i in range(start, end) if doc[i].idx >= title_end)
            start, end = (start, sep) if sep - start >= end - sep - 1 else (sep + 1, end)
        for i in range(start + 1, end):
            if doc[i].text == "(":
                end = i  # "Vision Transformer (ViT)": the short form is its own mention
                break
        while start < end and (
            doc[start].lower_ in _LEADING_WORDS
            or doc[start].is_space
            or (doc[start].is_punct and doc[start].text not in _KEEP_PUNCT)
        ):
            start += 1
        while end > start and (
            doc[end - 1].lower_ in _TRAILING_WORDS
            or doc[end - 1].is_space
            or (doc[end - 1].is_punct and doc[end - 1].text not in _KEEP_PUNCT)
        ):
            end -= 1
        if start >= end:
            return None
        if start == ent.start and end == ent.end:
            return ent
        return Span(doc, start, end, label=ent.label, span_id=ent.id)

    def _propagate(self, doc: Doc, ents: list[Span], pairs: list[tuple[Span, Span]]) -> list[Span]:
        """Label long forms and every use of their short forms with the label either side carries."""
        owner = [-1] * len(doc)  # token -> index into ents, so overlap tests stay O(span length)
        for i, ent in enumerate(ents):
            owner[ent.start : ent.end] = [i] * len(ent)
        long_uses: dict[str, list[Span]] = {}
        for use in doc.spans.get(LONG_MENTIONS_KEY, []):
            long_uses.setdefault(use.text.lower().rstrip("s"), []).append(use)
        # Labels the NER gave to later uses of each short form, for definitions it left unlabelled.
        use_labels: dict[str, Counter] = {}
        uses = list(doc.spans.get(MENTIONS_KEY, []))
        for use in uses:
            i = owner[use.start]
            if i >= 0 and ents[i].start == use.start and ents[i].end == use.end:
                use_labels.setdefault(use.text.rstrip("s"), Counter())[ents[i].label_] += 1
        labels: dict[str, str] = {}
        source: dict[str, str] = {}
        dropped: set[int] = set()
        for short, long in pairs:
            if short.text in labels:
                continue
            head = owner[_head_token(long)]
            label = ents[head].label_ if head >= 0 else None
            if label is None and owner[short.start] >= 0:
                label = ents[owner[short.start]].label_
            if label is None and short.text.rstrip("s") in use_labels:
                label = use_labels[short.text.rstrip("s")].most_common(1)[0][0]
            tag = SOURCE_ABBREVIATION
            if label is None and self.guess_abbreviation_labels:
                label, tag = self._guess(doc, short, long), SOURCE_GUESS
            if label is None:
                continue
            labels[short.text], source[short.text] = label, tag
            for span in [long, *long_uses.get(long.text.lower().rstrip("s"), [])]:
                self._cover(doc, ents, owner, dropped, span, label, tag)
        if labels:
            for use in uses:
                key = use.text if use.text in labels else use.text[:-1]
                if key in labels and all(owner[t] < 0 for t in range(use.start, use.end)):
                    ents.append(Span(doc, use.start, use.end, label=labels[key], span_id=source[key]))
        return [e for i, e in enumerate(ents) if i not in dropped]

    @staticmethod
    def _cover(
        doc: Doc, ents: list[Span], owner: list[int], dropped: set[int], span: Span, label: str, tag: str
    ) -> None:
        """Make span (a long form) one entity: new if untouched, widened if NER found only its head."""
        covering = {owner[t] for t in range(span.start, span.end)} - {-1} - dropped
        if not covering:
            ents.append(Span(doc, span.start, span.end, label=label, span_id=tag))
            owner[span.start : span.end] = [len(ents) - 1] * len(span)
            return
        head_at = _head_token(span)
        head = owner[head_at]
        if (
            head >= 0
            and ents[head].end in (head_at + 1, span.end)
            and all(ents[i].start >= span.start and ents[i].end <= span.end for i in covering)
        ):
            # "dictionary learning" inside "supervised dictionary learning (SDL)": the definition names it,
            # with the label of its head's entity ("LEarnable Tokenizer" in "... Tokenizer for ... Recommendation")
            dropped.update(covering - {head})
            ents[head] = Span(doc, span.start, span.end, label=ents[head].label, span_id=ents[head].id)
            owner[span.start : span.end] = [head] * len(span)

    @staticmethod
    def _guess(doc: Doc, short: Span, long: Span) -> str | None:
        """Label an unlabelled definition from its head noun ("... network (XNet)", "XNet (...) method")."""
        heads = [long[-1].lower_]
        after = short.end + 1 if short.end < len(doc) and doc[short.end].text == ")" else short.end
        if after < len(doc) and long.end <= short.start:
            heads.append(doc[after].lower_)
        for word in heads:
            # "distances", "networks": the singular decides
            label = _HEAD_TO_LABEL.get(word) or (_HEAD_TO_LABEL.get(word[:-1]) if word.endswith("s") else None)
            if label:
                return label
        starts = sentence_char_starts(doc)
        floor = starts[bisect_right(starts, long.start_char) - 1]
        if _PROPOSE_CUE.search(doc_text(doc)[floor : long.start_char]):
            return "METHOD"
        return None
