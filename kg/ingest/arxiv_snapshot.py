"""The arXiv metadata snapshot (Kaggle "arxiv-metadata-oai-snapshot"): one JSON object per paper."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.ingest.fields import FieldError, make_paper, parse_rfc2822_date, split_list, text_value
from kg.ingest.ids import make_id
from kg.ingest.jsonio import iter_json_records
from kg.ingest.report import FileContext
from kg.models import Paper

FORMAT = "arxiv-snapshot"


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each snapshot record; the date is the first version's, not `update_date`."""
    source = f"{FORMAT}:{path.name}"
    for record in iter_json_records(path, ctx):
        value = record.value
        if not isinstance(value, dict):
            ctx.bad(record.line, f"expected a JSON object, got {type(value).__name__}")
            continue
        if (paper := ctx.convert(record.line, _paper, value, source, ctx, record.line)) is not None:
            yield paper


def _paper(record: Mapping[str, Any], source: str, ctx: FileContext, line: int) -> Paper | None:
    title, abstract = text_value(record.get("title")), text_value(record.get("abstract"))
    if not title and not abstract:
        ctx.bad(line, "record has no title and no abstract")
        return None
    arxiv = make_id("arxiv", text_value(record.get("id")))
    if arxiv is None:
        ctx.note(line, f"id {record.get('id')!r} is not an arXiv id")
    # `doi` sometimes lists several DOIs separated by spaces.
    dois = [make_id("doi", d) for d in text_value(record.get("doi")).split()]
    date, year = _first_version_date(record, ctx, line)
    return make_paper(
        title=title,
        abstract=abstract,
        source=source,
        ids=[i for i in (arxiv, *dois) if i],
        year=year,
        date=date,
        url=f"https://arxiv.org/abs/{arxiv.partition(':')[2]}" if arxiv else None,
        venue=text_value(record.get("journal-ref")) or None,
        authors=_authors(record),
    )


def _first_version_date(record: Mapping[str, Any], ctx: FileContext, line: int) -> tuple[str | None, int | None]:
    # update_date is when metadata last changed (often years later), so it never dates the paper.
    versions = record.get("versions")
    first = versions[0] if isinstance(versions, list) and versions else None
    created = first.get("created") if isinstance(first, dict) else None
    if not created:
        ctx.note(line, "no versions[0].created; year unknown")
        return None, None
    try:
        return parse_rfc2822_date(str(created))
    except FieldError as exc:
        ctx.note(line, f"{exc}; year unknown")
        return None, None


def _authors(record: Mapping[str, Any]) -> list[str]:
    """ "First Last Suffix" from authors_parsed ([last, first, suffix]); else the raw `authors` string split."""
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, first, suffix = (list(map(text_value, parts)) + ["", ""])[:3]
                names.append(" ".join(p for p in (first, last, suffix) if p))
        return names
    raw = text_value(record.get("authors")).replace(" and ", ", ")
    return split_list(raw)
