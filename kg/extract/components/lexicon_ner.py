"""Lexicon entity recogniser: the stand-in for the trained NER (METHOD, DATASET, TASK, METRIC)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.components.util import doc_text

SEED_LEXICON = Path(__file__).resolve().parent.parent / "lexicon" / "seed_lexicon.jsonl"
LABELS = ("METHOD", "DATASET", "TASK", "METRIC")

# Source tags written to Span.id_ (kept by doc.ents and Doc.to_bytes); EntityCleanup maps them to confidences.
SOURCE_LEXICON = "lexicon"
SOURCE_PATTERN = "pattern"

# Families whose variants are named "<Name>-DETR", "BERT-large", "Swin-T", ...
MODEL_FAMILIES = [
    "DETR",
    "BERT",
    "GPT",
    "GAN",
    "YOLO",
    "ViT",
    "CLIP",
    "Net",
    "NeRF",
    "VAE",
    "LSTM",
    "CNN",
    "RNN",
    "GNN",
    "GCN",
    "Former",
    "Transformer",
    "T5",
    "LLaMA",
    "RoBERTa",
    "Diffusion",
    "Mamba",
    "MLP",
    "SAM",
]
VARIANT_SUFFIXES_NOT_NAMES = {"based", "like", "style", "free", "aware", "only", "level", "wise", "driven", "specific"}
DATA_HEADS = ["dataset", "datasets", "benchmark", "benchmarks", "corpus", "corpora", "treebank"]
NAMING_CUES = ["called", "named", "dubbed", "termed", "coined", "namely"]

# A coined name: a letter, then at least one more upper-case letter or digit ("SDL", "ImageNet", "GPT4").
_NAME = r"(?=[A-Za-zμ][\w+\-]*?[A-Z0-9])[A-Za-zμ][\w+]*(?:-[\w+]+)*"
_NAME_RE = re.compile(rf"^{_NAME}$")
_SUFFIX_RE = re.compile(r"^[A-Za-z0-9][\w./+]*$")
_FAMILY, _CUE, _DATA = "kg_family", "kg_naming_cue", "kg_data_head"
# Title "Name: subtitle" (anchored at the doc start, which is where the extractor puts the title).
_TITLE_NAME = re.compile(rf"\A({_NAME}(?: {_NAME})?)\s*:\s")


def _is_exact_case(pattern: str) -> bool:
    """Acronyms and CamelCase names ("mAP", "ViT", "GANs") are matched as written, not lower-cased."""
    return any(c.isupper() for c in pattern[1:])


def _variants(pattern: str, label: str, exact: bool) -> Iterable[str]:
    """The pattern plus hyphen/space spellings and, for methods, the plural ("LSTMs", "transformers")."""
    forms = {pattern}
    if not exact and re.search(r"[a-z]-[a-z]", pattern):
        forms |= {pattern.replace("-", " "), pattern.replace("-", "")}
    if label == "METHOD" and pattern[-1].isalpha() and not pattern.endswith("s"):
        forms |= {f"{form}s" for form in list(forms)}
    return forms


def load_lexicon(path: str | Path) -> list[dict]:
    """Rows of a JSONL lexicon: {"label": ..., "pattern": ..., "case"?: "exact"}."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("//"):
                row = json.loads(line)
                if row.get("label") in LABELS and row.get("pattern"):
                    rows.append(row)
    return rows


@Language.factory(
    "kg_lexicon_ner",
    default_config={"lexicons": [], "use_patterns": True, "overwrite_ents": False},
)
class LexiconRecognizer:
    """PhraseMatcher over the seed lexicon (case-insensitive via LOWER) plus a few naming patterns."""

    def __init__(self, nlp: Language, name: str, lexicons: list[str], use_patterns: bool, overwrite_ents: bool) -> None:
        self.name = name
        self.overwrite_ents = overwrite_ents
        self.use_patterns = use_patterns
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, str] = {}  # match_id -> label
        for path in lexicons or [str(SEED_LEXICON)]:
            self.add_lexicon(nlp, load_lexicon(path))
        if use_patterns:
            self._add_patterns(nlp)

    def add_lexicon(self, nlp: Language, rows: Iterable[dict]) -> None:
        """Add lexicon rows; patterns are tokenised with the pipeline's own tokenizer."""
        by_matcher: dict[tuple[str, bool], set[str]] = {}
        for row in rows:
            exact = row.get("case") == "exact" or _is_exact_case(row["pattern"])
            by_matcher.setdefault((row["label"], exact), set()).update(_variants(row["pattern"], row["label"], exact))
        for (label, exact), forms in by_matcher.items():
            key = f"{label}|{'exact' if exact else 'lower'}"
            self.labels[nlp.vocab.strings.add(key)] = label
            matcher = self.exact if exact else self.lower
            matcher.add(key, [nlp.make_doc(form) for form in sorted(forms)])

    def _add_patterns(self, nlp: Language) -> None:
        """Trigger words for names the lexicon cannot list; __call__ checks their neighbours."""
        # PhraseMatcher triggers instead of token-pattern Matchers: the Matcher tests every pattern's first
        # token at every position (measured ~0.15 us/token/pattern); these are hash look-ups.
        self.triggers = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.triggers.add(_FAMILY, [nlp.make_doc(form) for form in MODEL_FAMILIES])
        self.trigger_words = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.trigger_words.add(_CUE, [nlp.make_doc(form) for form in NAMING_CUES])
        self.trigger_words.add(_DATA, [nlp.make_doc(form) for form in DATA_HEADS])
        self.family_id = nlp.vocab.strings[_FAMILY]
        self.cue_id = nlp.vocab.strings[_CUE]

    def _pattern_spans(self, doc: Doc) -> list[Span]:
        """Coined names around trigger words: "Rank-DETR", "BERT-large", "called FooNet", "KITTI dataset"."""
        spans = []
        n = len(doc)
        for key, start, end in [*self.triggers(doc), *self.trigger_words(doc)]:
            if key == self.family_id:
                # "<Name>-DETR" / "<NAME>-DETR"
                if (
                    start >= 2
                    and doc[start - 1].text == "-"
                    and not doc[start - 1].whitespace_
                    and (doc[start - 2].is_title or doc[start - 2].is_upper)
                    and not doc[start - 2].whitespace_
                ):
                    spans.append((start - 2, end, "METHOD"))
                # "BERT-large", "ViT-B/16" (but not "BERT-based")
                if end + 1 < n and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
                    nxt = doc[end + 1]
                    if _SUFFIX_RE.match(nxt.text) and nxt.lower_ not in VARIANT_SUFFIXES_NOT_NAMES:
                        spans.append((start, end + 2, "METHOD"))
            elif key == self.cue_id:
                # "a model called FooNet" / "namely ISS-P"; "a new benchmark called FooBench" is a dataset
                stop = self._name_end(doc, end)
                if stop > end:
                    data = any(t.lower_ in DATA_HEADS for t in doc[max(start - 4, 0) : start])
                    spans.append((end, stop, "DATASET" if data else "METHOD"))
            else:
                # "the KITTI dataset", "the MS COCO benchmark": one or two coined-name tokens before the head.
                first = start
                while first > 0 and start - first < 2 and _NAME_RE.match(doc[first - 1].text):
                    first -= 1
                if first < start:
                    spans.append((first, start, "DATASET"))
        return [Span(doc, s, e, label=label, span_id=SOURCE_PATTERN) for s, e, label in spans]

    @staticmethod
    def _name_end(doc: Doc, i: int) -> int:
        """End of a coined name starting at token i ("ISS-P" is three tokens), or i when there is none."""
        if i >= len(doc) or not _NAME_RE.match(doc[i].text):
            return i
        end = i + 1
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_:
            if not _SUFFIX_RE.match(doc[end + 1].text):
                break
            end += 2
        return end

    def __call__(self, doc: Doc) -> Doc:
        """Set doc.ents from lexicon and pattern matches (longest match wins)."""
        spans = [Span(doc, s, e, label=self.labels[k], span_id=SOURCE_LEXICON) for k, s, e in self.lower(doc)]
        spans += [Span(doc, s, e, label=self.labels[k], span_id=SOURCE_LEXICON) for k, s, e in self.exact(doc)]
        if self.use_patterns:
            spans += self._pattern_spans(doc)
            title = _TITLE_NAME.match(doc_text(doc)) if doc._.title_end else None
            if title and title.end(1) <= doc._.title_end:
                span = doc.char_span(0, title.end(1))
                if span is not None:
                    spans.append(Span(doc, span.start, span.end, label="METHOD", span_id=SOURCE_PATTERN))
        if not self.overwrite_ents:
            spans += list(doc.ents)
        # Lexicon entries beat patterns over the same tokens; otherwise the longest span wins.
        spans.sort(key=lambda s: s.id_ != SOURCE_LEXICON)
        doc.ents = filter_spans(spans)
        return doc
