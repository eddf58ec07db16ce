"""Generic JSON Lines (or a JSON array) of flat paper records: title/abstract plus optional fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.ingest.jsonio import iter_json_records
from kg.ingest.records import paper_from_record
from kg.ingest.report import FileContext
from kg.models import Paper

FORMAT = "jsonl"


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each JSON object in the file; non-objects and empty records are reported."""
    source = f"{FORMAT}:{path.name}"
    for record in iter_json_records(path, ctx):
        if not isinstance(record.value, dict):
            ctx.bad(record.line, f"expected a JSON object, got {type(record.value).__name__}")
            continue
        paper = ctx.convert(record.line, paper_from_record, record.value, source=source, ctx=ctx, line=record.line)
        if paper is not None:
            yield paper
