"""JSON records with their line numbers, from JSON Lines, a JSON array, an API page wrapping a list, or one object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.ingest.report import FileContext
from kg.ingest.textio import Text, iter_lines, read_text

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"
# Keys under which API pages hold their records: OpenAlex {"meta", "results"}, Semantic Scholar {"data"}.
LIST_KEYS: tuple[str, ...] = ("results", "data", "papers", "works", "records")
SNIFF_LINES = 5  # non-blank lines looked at to tell JSON Lines from one JSON document


@dataclass(frozen=True)
class JsonRecord:
    """One decoded record and the line it starts on."""

    line: int
    value: Any


def iter_json_records(path: Path, ctx: FileContext) -> Iterator[JsonRecord]:
    """Every record in the file; broken ones are reported to ctx (with their line) and skipped."""
    opening = _content_lines(path, SNIFF_LINES)
    if not opening:
        return
    if _looks_like_json_lines(opening):
        yield from _iter_json_lines(path, ctx)
    else:
        # An array or a pretty-printed document: decoded whole (such files are API pages, not bulk dumps).
        yield from _iter_document(read_text(path), ctx)


def _content_lines(path: Path, limit: int) -> list[str]:
    found: list[str] = []
    for line in iter_lines(path):
        if line.text.strip():
            found.append(line.text.strip())
            if len(found) == limit:
                break
    return found


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _looks_like_json_lines(opening: list[str]) -> bool:
    """One object per line: the first line is a whole object, or at least opens one that a later line repeats.

    A broken first line must not send a JSON Lines file down the whole-document path, where one syntax
    error loses everything after it.
    """
    first = opening[0]
    if not first.startswith("{") or first == "{":
        return False
    return first.endswith("}") or any(_is_object(line) for line in opening[1:])


def _iter_json_lines(path: Path, ctx: FileContext) -> Iterator[JsonRecord]:
    for line in iter_lines(path):
        if line.error:
            ctx.bad(line.number, line.error)
            continue
        if not line.text.strip():
            continue
        try:
            value = json.loads(line.text)
        except json.JSONDecodeError as exc:
            ctx.bad(line.number, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        # A minified API page on one line holds many records.
        key = wrapper_key(value)
        for item in value[key] if key else [value]:
            yield JsonRecord(line.number, item)


def wrapper_key(value: Any) -> str | None:
    """The key holding the records when value is an API page rather than a record itself."""
    if not isinstance(value, dict) or "title" in value:
        return None
    for key in LIST_KEYS:
        items = value.get(key)
        if isinstance(items, list) and all(item is None or isinstance(item, dict) for item in items):
            return key
    return None


class _LineCounter:
    """Offset -> line number for offsets visited in increasing order, without rescanning the text."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _iter_document(doc: Text, ctx: FileContext) -> Iterator[JsonRecord]:
    text, lines = doc.text, _LineCounter(doc.text)
    pos = _skip_ws(text, 0)
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            # Past a syntax error the record boundaries are unknown, so the rest of the document is lost.
            ctx.bad(exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno}); rest of the file not read")
            return
        start_line = lines.at(pos)
        items = _list_items(text, pos, value)
        if items is None:
            if (bad := doc.bad_between(start_line, lines.at(end))) is not None:
                ctx.bad(*bad)
            else:
                yield JsonRecord(start_line, value)
        else:
            for item_pos, item_end, item in items:
                first = lines.at(item_pos)
                if (bad := doc.bad_between(first, lines.at(item_end))) is not None:
                    ctx.bad(*bad)
                else:
                    yield JsonRecord(first, item)
        pos = _skip_ws(text, end)


def _list_items(text: str, pos: int, value: Any) -> list[tuple[int, int, Any]] | None:
    """(start, end, item) for each record of a top-level array or API page; None for a single record."""
    if isinstance(value, list):
        return _array_items(text, pos)
    if key := wrapper_key(value):
        return _array_items(text, _member_start(text, pos, key))
    return None


def _array_items(text: str, pos: int) -> list[tuple[int, int, Any]]:
    # The array already decoded once; walking it again element by element yields each element's offsets.
    items: list[tuple[int, int, Any]] = []
    pos = _skip_ws(text, pos + 1)
    while text[pos] != "]":
        item, end = _DECODER.raw_decode(text, pos)
        items.append((pos, end, item))
        pos = _skip_ws(text, end)
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return items


def _member_start(text: str, pos: int, wanted: str) -> int:
    """Offset of the value of top-level key `wanted` in the (valid) object starting at pos."""
    pos = _skip_ws(text, pos + 1)
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_ws(text, _skip_ws(text, pos) + 1)  # past the colon
        if key == wanted:
            return pos
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_ws(text, _skip_ws(text, pos) + 1)  # past the comma
