"""arXiv API Atom feeds: classic (default namespace, wrapped summaries) and late-2025 (prefixes on the root, https)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.ingest.fields import FieldError, make_paper, parse_date, unique
from kg.ingest.ids import make_id
from kg.ingest.report import FileContext, IngestError
from kg.ingest.textio import Text, read_text
from kg.models import Paper

FORMAT = "arxiv-atom"

# Entries are parsed one at a time inside a copy of the root tag (which declares the namespaces), so a
# malformed entry costs that entry only; a whole-document parser would stop at the first error.
_ROOT = re.compile(r"<(?:([\w.-]+):)?feed\b[^>]*>")
_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?entry[\s>]")
_ENTRY_END = re.compile(r"</(?:[\w.-]+:)?entry\s*>")


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each <entry>; malformed entries and API error entries are reported with their line."""
    doc = read_text(path)
    text = doc.text
    root = _ROOT.search(text)
    if root is None and not _ENTRY_START.search(text):
        raise IngestError(f"{ctx.file}: not an Atom feed (no <feed> or <entry> element)")
    opening = " ".join(root.group(0).split()) if root else ""
    closing = f"</{root.group(1) + ':' if root and root.group(1) else ''}feed>" if root else ""
    source = f"{FORMAT}:{path.name}"
    for line, chunk in _entries(text, doc, ctx):
        try:
            element = ET.fromstring(opening + chunk + closing)
        except ET.ParseError as exc:
            err_line, _ = exc.position
            ctx.bad(line + err_line - 1, f"invalid XML in entry starting at line {line}: {_expat_message(exc)}")
            continue
        entry = element if _local(element.tag) == "entry" else _child(element, "entry")
        if entry is not None and (paper := ctx.convert(line, _paper, entry, source, ctx, line)) is not None:
            yield paper


def _entries(text: str, doc: Text, ctx: FileContext) -> Iterator[tuple[int, str]]:
    """(first line, text) of each entry; entries containing undecodable bytes are reported instead."""
    pos, line = 0, 1
    while start := _ENTRY_START.search(text, pos):
        line += text.count("\n", pos, start.start())
        end = _ENTRY_END.search(text, start.end())
        if end is None:
            ctx.bad(line, "entry is never closed (</entry> missing); rest of the file not read")
            return
        chunk = text[start.start() : end.end()]
        last = line + chunk.count("\n")
        if (bad := doc.bad_between(line, last)) is not None:
            ctx.bad(*bad)
        else:
            yield line, chunk
        pos, line = end.end(), last


def _paper(entry: ET.Element, source: str, ctx: FileContext, line: int) -> Paper | None:
    raw_id = _text(entry, "id")
    title, summary = _text(entry, "title"), _text(entry, "summary")
    if "/api/errors" in raw_id:
        # The API answers a bad query with a one-entry feed whose summary says what was wrong.
        ctx.bad(line, f"arXiv API error entry: {summary or title}")
        return None
    if not title and not summary:
        ctx.bad(line, "entry has no title and no summary")
        return None
    arxiv = make_id("arxiv", raw_id)
    if raw_id and arxiv is None:
        ctx.note(line, f"entry id {raw_id!r} is not an arXiv id")
    try:
        date, year = parse_date(_text(entry, "published") or _text(entry, "updated"))
    except FieldError as exc:
        ctx.note(line, f"{exc}; field ignored")
        date, year = None, None
    return make_paper(
        title=title,
        abstract=summary,
        source=source,
        ids=[i for i in (arxiv, make_id("doi", _text(entry, "doi"))) if i],
        year=year,
        date=date,
        url=_abstract_link(entry) or (raw_id or None),
        venue=_text(entry, "journal_ref") or None,
        authors=unique(_text(a, "name") for a in _children(entry, "author")),
    )


def _abstract_link(entry: ET.Element) -> str | None:
    for link in _children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _local(tag: str) -> str:
    # Match on local names: the two layouts bind the same elements to different prefixes.
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next(iter(_children(element, name)), None)


def _text(element: ET.Element, name: str) -> str:
    """Whitespace-collapsed text of the first child called `name` ("" if absent): summaries wrap lines."""
    child = _child(element, name)
    return " ".join("".join(child.itertext()).split()) if child is not None else ""


def _expat_message(exc: ET.ParseError) -> str:
    # "mismatched tag: line 4, column 2" -> "mismatched tag": the position is reported as the line.
    return str(exc).split(":", 1)[0]
