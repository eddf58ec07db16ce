"""Schwartz-Hearst abbreviation detection: "supervised dictionary learning (SDL)" and "SDL (supervised ...)"."""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy as np
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, SpanGroup

from kg.extract.components.util import doc_text, sentence_char_starts

SHORT_KEY = "abbr_short"  # doc.spans group: the short form at each definition
LONG_KEY = "abbr_long"  # doc.spans group, aligned with SHORT_KEY: the long form it defines
MENTIONS_KEY = "abbr_mentions"  # doc.spans group: every occurrence of a defined short form
LONG_MENTIONS_KEY = "abbr_long_mentions"  # doc.spans group: every occurrence of a long form (any case)

_FUNCTION_WORDS = {"of", "the", "a", "an", "for", "and", "to", "in", "on", "with", "by", "via", "from", "at", "or"}

_WORD = re.compile(r"\S+")
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.I)


def _abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """(short form, long form) pairs defined in the doc, in order of definition."""
    if SHORT_KEY not in doc.spans:
        return []
    return list(zip(doc.spans[SHORT_KEY], doc.spans[LONG_KEY], strict=True))


def _abbreviation_mentions(doc: Doc) -> list[Span]:
    """Every occurrence of a defined short form (definitions included)."""
    return list(doc.spans[MENTIONS_KEY]) if MENTIONS_KEY in doc.spans else []


def abbreviation_map(doc: Doc) -> dict[str, Span]:
    """Short-form text -> long-form span, first definition wins."""
    found: dict[str, Span] = {}
    for short, long in _abbreviations(doc):
        found.setdefault(short.text, long)
    return found


def _long_form(span: Span) -> Span | None:
    """The long form when this span is a defined short form (plural "SDLs" included)."""
    found = abbreviation_map(span.doc)
    text = span.text
    return found.get(text) or (found.get(text[:-1]) if text.endswith("s") else None)


# Stored as span groups (not Python objects) so docs survive Doc.to_bytes, which nlp.pipe(n_process>1) uses.
Doc.set_extension("abbreviations", getter=_abbreviations, force=True)
Doc.set_extension("abbreviation_mentions", getter=_abbreviation_mentions, force=True)
Span.set_extension("long_form", getter=_long_form, force=True)


def is_short_form(candidate: str) -> bool:
    """Schwartz-Hearst short-form test, plus an upper-case letter (drops "(ours)", "(i)", "(see)")."""
    if not 2 <= len(candidate) <= 10 or len(candidate.split()) > 2:
        return False
    if not candidate[0].isalnum():
        return False
    return any(c.isupper() for c in candidate)


def best_long_form(short: str, long: str) -> str | None:
    """Schwartz-Hearst matching: short-form characters right to left in long, first one at a word start."""
    s = len(short) - 1
    j = len(long) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while j >= 0 and (long[j].lower() != char or (s == 0 and j > 0 and long[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return None
        j -= 1
        s -= 1
    start = long.rfind(" ", 0, j + 1) + 1
    return long[start:]


def valid_pair(short: str, long: str) -> bool:
    """Schwartz-Hearst length limits on a (short, long) candidate."""
    n_chars = sum(c.isalnum() for c in short)
    n_words = len(long.split())
    if len(long) <= len(short) or n_words > min(n_chars + 5, n_chars * 2):
        return False
    # Schwartz-Hearst lets a 4-letter short form take 8 words; content words beyond one per letter (+1)
    # are almost always a clause the matcher walked into ("module to learn two recalibrating parameters").
    if sum(w.lower() not in _FUNCTION_WORDS for w in long.split()) > n_chars + 1:
        return False
    # The short form inside its own long form ("SDL (SDL method)") is no definition.
    return f"{short} " not in long and not long.endswith(short) and long.lower() != short.lower()


@Language.factory("kg_abbreviations", default_config={"max_parenthesis_chars": 120})
class AbbreviationDetector:
    """Finds abbreviation definitions and every later use of each short form."""

    def __init__(self, nlp: Language, name: str, max_parenthesis_chars: int) -> None:
        self.name = name
        self.parens = re.compile(rf"\(([^()]{{1,{max_parenthesis_chars}}})\)")

    def __call__(self, doc: Doc) -> Doc:
        """Fill doc.spans[abbr_short / abbr_long / abbr_mentions]; read them via doc._.abbreviations."""
        text = doc_text(doc)
        if "(" not in text:
            return doc
        sent_starts = sentence_char_starts(doc)
        shorts: list[Span] = []
        longs: list[Span] = []
        defined: set[str] = set()
        for match in self.parens.finditer(text):
            floor = sent_starts[bisect_right(sent_starts, match.start()) - 1]
            pair = self._definition(doc, text, match, floor)
            if pair is None or pair[0].text in defined:
                continue
            defined.add(pair[0].text)
            shorts.append(pair[0])
            longs.append(pair[1])
        if not shorts:
            return doc
        doc.spans[SHORT_KEY] = SpanGroup(doc, name=SHORT_KEY, spans=shorts)
        doc.spans[LONG_KEY] = SpanGroup(doc, name=LONG_KEY, spans=longs)
        orth = doc.to_array(ORTH)
        lower = doc.to_array(LOWER)
        uses = []
        for short in shorts:
            uses.extend(self._occurrences(doc, orth, [t.orth for t in short], [t.text for t in short]))
        doc.spans[MENTIONS_KEY] = SpanGroup(doc, name=MENTIONS_KEY, spans=sorted(set(uses)))
        long_uses = []
        for long in {span.text.lower(): span for span in longs}.values():
            long_uses.extend(self._occurrences(doc, lower, [t.lower for t in long], [t.lower_ for t in long]))
        doc.spans[LONG_MENTIONS_KEY] = SpanGroup(doc, name=LONG_MENTIONS_KEY, spans=sorted(set(long_uses)))
        return doc

    def _definition(self, doc: Doc, text: str, match: re.Match[str], floor: int) -> tuple[Span, Span] | None:
        """The (short, long) spans a parenthesis defines, if any."""
        inner = match.group(1)
        # "(SDL; Mairal et al.)" and "(SDL, for short)" still define SDL.
        candidate = re.split(r"[;,] ", inner, maxsplit=1)[0].strip()
        if is_short_form(candidate):
            window = self._words_before(text, floor, match.start(), candidate)
            if window is not None:
                region = text[window : match.start()].rstrip()
                long = best_long_form(candidate, region)
                if long and valid_pair(candidate, long):
                    short_start = match.start(1) + inner.index(candidate)
                    long_start = window + len(region) - len(long)
                    return self._spans(doc, short_start, short_start + len(candidate), long_start, len(long))
        # "SDL (supervised dictionary learning)": the word before the parenthesis is the short form.
        if len(inner.split()) < 2:
            return None
        before = text[floor : match.start()].rstrip()
        word = before.rsplit(None, 1)[-1] if before else ""
        word = word.strip("\"'")
        if not is_short_form(word) or " " in word:
            return None
        # "LETTER (a LEarnable Tokenizer for generaTivE Recommendation)": an article may open the long form
        body = _ARTICLE.sub("", inner.lstrip())
        long = best_long_form(word, body.rstrip())
        if not long or not valid_pair(word, long) or not body.startswith(long):
            return None
        short_start = floor + len(before) - len(word)
        long_start = match.start(1) + (len(inner) - len(body))
        return self._spans(doc, short_start, short_start + len(word), long_start, len(long))

    @staticmethod
    def _words_before(text: str, floor: int, end: int, short: str) -> int | None:
        """Char offset where the Schwartz-Hearst long-form window (min(|A|+5, 2|A|) words) starts."""
        n_chars = sum(c.isalnum() for c in short)
        limit = min(n_chars + 5, n_chars * 2)
        words = [m.start() for m in _WORD.finditer(text, floor, end)]
        if not words:
            return None
        return words[-limit] if len(words) >= limit else words[0]

    @staticmethod
    def _spans(doc: Doc, s_start: int, s_end: int, l_start: int, l_len: int) -> tuple[Span, Span] | None:
        """Token spans for the two char ranges (expanded to whole tokens)."""
        short = doc.char_span(s_start, s_end, alignment_mode="expand")
        long = doc.char_span(l_start, l_start + l_len, alignment_mode="expand")
        if short is None or long is None or len(short) == 0 or len(long) == 0:
            return None
        # Keep the long form off sentence-final/bracket punctuation the expansion might include.
        while len(long) > 1 and long[0].is_punct:
            long = long[1:]
        return (short, long)

    @staticmethod
    def _occurrences(doc: Doc, column: np.ndarray, ids: list[int], texts: list[str]) -> list[Span]:
        """Every run of tokens equal to ids (last token optionally plural) in one attribute column.

        "SDL-based" counts as a use of SDL; "SDL-2" and "ISS-P" (another name) do not.
        """
        n, k = len(doc), len(ids)
        plural = get_string_id(texts[-1] + "s")
        last = column[k - 1 :] if k > 1 else column
        hits = np.flatnonzero((last == ids[-1]) | (last == plural))
        spans = []
        for start in hits.tolist():
            end = start + k
            if k > 1 and not np.array_equal(column[start : end - 1], ids[:-1]):
                continue
            if start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_:
                continue
            if end + 1 < n and doc[end].text == "-" and not doc[end - 1].whitespace_:
                following = doc[end + 1].text[:1]
                if following.isupper() or following.isdigit():
                    continue
            spans.append(Span(doc, start, end))
        return spans
