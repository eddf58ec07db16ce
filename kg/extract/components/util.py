"""Helpers shared by the components: cached doc text and sentence boundaries without per-token Python."""

from __future__ import annotations

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

_TEXT_KEY = "kg_text_cache"


def doc_text(doc: Doc) -> str:
    """doc.text, computed once per doc: Doc.text joins one Python Token per token on every call."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> Doc:
    """Cache text as doc's text (spaCy's tokenizer is lossless, so doc.text == text for make_doc(text))."""
    doc.user_data[_TEXT_KEY] = text
    return doc


def drop_text_cache(doc: Doc) -> None:
    """Forget the cached text (the last component calls this so Doc.to_bytes stays small)."""
    doc.user_data.pop(_TEXT_KEY, None)


def sentence_token_starts(doc: Doc) -> np.ndarray:
    """Token index where each sentence starts ([0] when no boundaries are set)."""
    if len(doc) == 0:
        return np.zeros(0, dtype=np.int64)
    flags = doc.to_array(SENT_START).astype(np.int64)
    starts = np.flatnonzero(flags == 1)
    if len(starts) == 0 or starts[0] != 0:
        starts = np.concatenate(([0], starts))
    return starts


def sentence_char_starts(doc: Doc) -> list[int]:
    """Char offset where each sentence starts."""
    starts = sentence_token_starts(doc)
    if len(starts) == 0:
        return [0]
    return doc.to_array(IDX).astype(np.int64)[starts].tolist()
