"""CSV/TSV with a header row: title/abstract columns plus optional ones, renamed through the column map."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.ingest.records import FIELDS, TEXT_FIELDS, column_for, paper_from_record
from kg.ingest.report import FileContext, IngestError
from kg.ingest.textio import iter_lines
from kg.models import Paper

FORMAT = "csv"
# Abstracts are long; the stdlib default (128 KiB) is too small for some exports.
csv.field_size_limit(16 * 1024 * 1024)


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each data row; rows with bad bytes or the wrong number of fields are reported."""
    lines = _Lines(path)
    rows = _rows(csv.reader(lines, dialect=_dialect(path)), lines, ctx)
    header_row = next(rows, None)
    if header_row is None:
        return
    header = [name.strip() for name in header_row[2]]
    if missing := _missing_text_columns(header, ctx):
        # The cause is the header, so no row can be right: stop with one error rather than a graph of
        # untitled papers or a bad record per row.
        raise IngestError(f"{ctx.file}:{header_row[0]}: {missing}")
    source = f"{FORMAT}:{path.name}"
    for first, last, row in rows:
        if (bad := lines.bad_between(first, last)) is not None:
            ctx.bad(*bad)
        elif len(row) != len(header):
            ctx.bad(first, f"row has {len(row)} fields but the header has {len(header)}")
        elif paper := ctx.convert(
            first, paper_from_record, dict(zip(header, row, strict=True)), source=source, ctx=ctx, line=first
        ):
            yield paper


def _rows(reader: Iterator[list[str]], lines: _Lines, ctx: FileContext) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each non-blank row; rows the csv module rejects are reported."""
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.bad(start, f"unreadable CSV row: {exc}")
            start = lines.last + 1
            continue
        first, start = start, lines.last + 1
        if any(cell.strip() for cell in row):
            yield first, lines.last, row


def _missing_text_columns(header: list[str], ctx: FileContext) -> str:
    """Why the header cannot be read (no title column), with the --map that would fix it; "" when usable.

    A missing abstract column alone is fine: title-only rows stay in the graph, as in every format.
    """
    names = {name.casefold() for name in header}
    missing = [f for f in TEXT_FIELDS if column_for(f, ctx.column_map) not in names and f not in names]
    if "title" not in missing:
        return ""
    taken = set(FIELDS) | set(ctx.column_map.values())
    spare = [name for name in header if name.casefold() not in taken] or ["COLUMN"]
    wanted = ",".join(f"{f}={c}" for f, c in zip(missing, [*spare, *["COLUMN"] * len(missing)], strict=False))
    columns = " and no ".join(repr(column_for(f, ctx.column_map)) for f in missing)
    return (
        f"no {columns} column (found: {', '.join(header)}); "
        f"map {'one' if len(missing) == 1 else 'them'} with --map {wanted}"
    )


def _dialect(path: Path) -> type[csv.Dialect]:
    """excel or excel-tab or a semicolon variant (spreadsheets in many locales), chosen from the header line."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".tab")):
        return csv.excel_tab
    header = next((line.text for line in iter_lines(path) if line.text.strip()), "")
    delimiter = max(",\t;", key=header.count)
    if header.count(delimiter) == 0 or delimiter == ",":
        return csv.excel
    return csv.excel_tab if delimiter == "\t" else _ExcelSemicolon


class _ExcelSemicolon(csv.excel):
    delimiter = ";"


class _Lines:
    """Decoded lines fed to csv.reader, remembering which line was read last and which failed to decode."""

    def __init__(self, path: Path) -> None:
        self._lines = iter_lines(path)
        self.last = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.last = line.number
        if line.error:
            self.bad[line.number] = line.error
        # csv needs the line break back to keep newlines inside quoted abstracts.
        return line.text + "\n"

    def bad_between(self, first: int, last: int) -> tuple[int, str] | None:
        """The first undecodable line in [first, last], with its reason."""
        return next(((n, self.bad[n]) for n in range(first, last + 1) if n in self.bad), None)
