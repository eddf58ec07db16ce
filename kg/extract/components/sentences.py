"""Sentence splitter for titles and abstracts: "e.g.", "et al.", "Fig. 2" never end a sentence."""

from __future__ import annotations

import re

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.util import doc_text

# The extractor joins title and abstract with this separator; the title is always sentence 0.
TITLE_SEPARATOR = "\n\n"

# Words that end with a period without ending the sentence (matched case-insensitively).
DEFAULT_ABBREVIATIONS = (
    "al",
    "e.g",
    "i.e",
    "cf",
    "vs",
    "viz",
    "approx",
    "resp",
    "fig",
    "figs",
    "eq",
    "eqs",
    "sec",
    "secs",
    "tab",
    "no",
    "nos",
    "ref",
    "refs",
    "ch",
    "app",
    "thm",
    "def",
    "prop",
    "lem",
    "dr",
    "prof",
    "mr",
    "ms",
    "st",
    "jr",
    "inc",
    "ltd",
    "corp",
    "co",
    "dept",
    "univ",
    "vol",
    "pp",
    "ed",
    "eds",
    "est",
    "ca",
)

Doc.set_extension("title_end", default=None, force=True)


def _boundary_pattern(abbreviations: list[str]) -> re.Pattern[str]:
    """A sentence end: [.!?] (+ closing quotes/brackets), whitespace, then an upper-case letter or digit."""
    # Python look-behinds need a fixed width, so each abbreviation gets its own (cheap) look-behind.
    guards = "".join(f"(?<!\\b{re.escape(a)}\\.)" for a in sorted(set(abbreviations), key=len))
    initial = r"(?<!\b[A-Z]\.)"  # "J. Smith", "U. S." are initials, not sentence ends
    # The look-behinds come after the [.!?] so they only run where a sentence could end.
    return re.compile(rf"[.!?](?i:{guards}){initial}[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@Language.factory(
    "kg_sentencizer",
    default_config={"title_separator": TITLE_SEPARATOR, "abbreviations": list(DEFAULT_ABBREVIATIONS)},
)
class AbstractSentencizer:
    """Rule-based sentence boundaries; text before the first title_separator is one sentence (the title)."""

    def __init__(self, nlp: Language, name: str, title_separator: str, abbreviations: list[str]) -> None:
        self.name = name
        self.title_separator = title_separator
        self.boundary = _boundary_pattern(abbreviations)

    def __call__(self, doc: Doc) -> Doc:
        """Set SENT_START on every token and doc._.title_end (char offset of the separator, or None)."""
        if len(doc) == 0:
            return doc
        text = doc_text(doc)
        sep = text.find(self.title_separator) if self.title_separator else -1
        doc._.title_end = sep if sep >= 0 else None
        body = sep + len(self.title_separator) if sep >= 0 else 0
        starts = [body] if sep >= 0 else []
        starts.extend(m.end() for m in self.boundary.finditer(text, body))
        flags = np.full(len(doc), -1, dtype=np.int64)
        flags[0] = 1
        if starts:
            idx = doc.to_array("IDX").astype(np.int64)
            chars = np.asarray(starts, dtype=np.int64)
            pos = np.minimum(np.searchsorted(idx, chars), len(doc) - 1)
            # Only boundaries that fall on a token start count (the tokenizer decides what a token is).
            flags[pos[idx[pos] == chars]] = 1
        doc.from_array([SENT_START], flags.astype(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]  # thinc's Ints2d: any 2-D int array
        return doc
