"""Plain-text dumps of a paper list page: a title line then an abstract line, among page chrome to skip."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.ingest.fields import make_paper
from kg.ingest.report import FileContext
from kg.ingest.textio import iter_lines
from kg.models import Paper

FORMAT = "seeds-txt"

# Page furniture copied along with the papers; longest first so the "once a day" variant wins.
CHROME_PHRASES: tuple[str, ...] = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Subscribe",
    "new",
)
_MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}"
_CHROME_LINE = re.compile(
    "^(?:" + "|".join(re.escape(p) for p in CHROME_PHRASES) + "|" + _MONTH_DAY + r")$", re.IGNORECASE
)
# Chrome glued to the next line's text ("SubscribeLearning Effective ..."): only when a capital or digit
# follows (a capital for dates: "May 2024 ..." is a title), so "Newton ..." or "news" stay whole.
_GLUED_CHROME = re.compile(
    "^(?:(?:" + "|".join(re.escape(p) for p in CHROME_PHRASES) + r")(?=[A-Z0-9])|" + _MONTH_DAY + r"(?=[A-Z]))"
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")

# Titles run to about 25 words; abstracts rarely fall under 40. Between, sentence shape decides.
TITLE_MAX_WORDS = 30
ABSTRACT_MIN_WORDS = 40


@dataclass(frozen=True)
class _Block:
    line: int
    text: str
    is_abstract: bool


def strip_chrome(text: str) -> str:
    """The line without page chrome: "" for a chrome-only line, the rest for chrome glued to a title."""
    text = text.strip()
    if _CHROME_LINE.match(text):
        return ""
    while match := _GLUED_CHROME.match(text):
        text = text[match.end() :].strip()
    return text


def looks_like_abstract(text: str) -> bool:
    """True for an abstract (long, several sentences), False for a title (short, at most one sentence)."""
    words = len(text.split())
    if words >= ABSTRACT_MIN_WORDS:
        return True
    if words <= 12:
        return False
    sentences = len(_SENTENCE_BREAK.findall(text)) + 1
    # A title may hold a question and a subtitle ("Which Explanation Should I Choose? A ..."), but it
    # does not end in a full stop after several sentences, and it is not long.
    return words > TITLE_MAX_WORDS or (sentences >= 2 and text.endswith("."))


def _blocks(path: Path, ctx: FileContext) -> Iterator[_Block]:
    for line in iter_lines(path):
        if line.error:
            ctx.bad(line.number, line.error)
            continue
        if text := strip_chrome(line.text):
            yield _Block(line.number, text, looks_like_abstract(text))


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from title/abstract line pairs; unpaired titles and abstracts are kept and noted."""
    source = f"{FORMAT}:{path.name}"
    pending: _Block | None = None
    orphans: list[int] = []
    pairs = 0
    for block in _blocks(path, ctx):
        if not block.is_abstract:
            if pending is not None:
                ctx.note(pending.line, "title line not followed by an abstract; kept without abstract")
                yield ctx.within_limits(pending.line, make_paper(title=pending.text, abstract="", source=source))
            pending = block
        elif pending is not None:
            yield ctx.within_limits(block.line, make_paper(title=pending.text, abstract=block.text, source=source))
            pending, pairs = None, pairs + 1
        else:
            orphans.append(block.line)
            yield ctx.within_limits(block.line, make_paper(title="", abstract=block.text, source=source))
    if pending is not None:
        ctx.note(pending.line, "title line not followed by an abstract; kept without abstract")
        yield ctx.within_limits(pending.line, make_paper(title=pending.text, abstract="", source=source))
    _note_orphans(ctx, orphans, pairs)


def _note_orphans(ctx: FileContext, orphans: list[int], pairs: int) -> None:
    # A file of bare abstracts is a valid input; one note for it, not one per line.
    if orphans and not pairs:
        ctx.note(None, f"no title lines found: {len(orphans)} abstracts read without titles")
        return
    for number in orphans:
        ctx.note(number, "abstract line with no title line before it; kept without title")
