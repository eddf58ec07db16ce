"""OpenAlex works (JSON array, JSON Lines or an API page): abstract rebuilt from the inverted index, references kept."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.ingest.fields import FieldError, make_paper, parse_date, parse_year, text_value
from kg.ingest.ids import make_id
from kg.ingest.jsonio import iter_json_records
from kg.ingest.report import FileContext
from kg.models import Paper

FORMAT = "openalex"
# OpenAlex `ids` keys -> our schemes (the `openalex` and `doi` entries repeat the top-level fields).
_ID_KEYS: dict[str, str] = {"openalex": "openalex", "doi": "doi", "mag": "mag", "pmid": "pmid", "pmcid": "pmcid"}


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each work; non-objects, empty works and unusable inverted indexes are reported."""
    source = f"{FORMAT}:{path.name}"
    for record in iter_json_records(path, ctx):
        if not isinstance(record.value, dict):
            ctx.bad(record.line, f"expected a work object, got {type(record.value).__name__}")
            continue
        if (paper := ctx.convert(record.line, _paper, record.value, source, ctx, record.line)) is not None:
            yield paper


def rebuild_abstract(inverted: Mapping[str, Any] | None) -> str:
    """The abstract text from OpenAlex's word -> [positions] index (gaps, if any, are skipped)."""
    if not inverted:
        return ""
    slots: dict[int, str] = {}
    for word, positions in inverted.items():
        for position in positions or ():
            slots[int(position)] = word
    return " ".join(slots[i] for i in sorted(slots))


def _paper(work: Mapping[str, Any], source: str, ctx: FileContext, line: int) -> Paper | None:
    title = text_value(work.get("title") or work.get("display_name"))
    try:
        abstract = rebuild_abstract(work.get("abstract_inverted_index"))
    except (AttributeError, TypeError, ValueError):
        ctx.note(line, "abstract_inverted_index is not a word -> positions mapping; abstract ignored")
        abstract = ""
    if not title and not abstract:
        ctx.bad(line, "work has no title and no abstract")
        return None
    date, year = _dates(work, ctx, line)
    primary = work.get("primary_location") or {}
    return make_paper(
        title=title,
        abstract=abstract,
        source=source,
        ids=_ids(work),
        year=year,
        date=date,
        url=_first_text(primary.get("landing_page_url"), work.get("doi"), work.get("id")),
        venue=text_value((primary.get("source") or {}).get("display_name")) or None,
        authors=[
            text_value((a.get("author") or {}).get("display_name") or a.get("raw_author_name"))
            for a in work.get("authorships") or ()
            if isinstance(a, dict)
        ],
        references=[i for w in work.get("referenced_works") or () if (i := make_id("openalex", w))],
    )


def _first_text(*values: Any) -> str | None:
    return next((t for v in values if (t := text_value(v))), None)


def _ids(work: Mapping[str, Any]) -> list[str]:
    ids = [make_id("openalex", text_value(work.get("id"))), make_id("doi", text_value(work.get("doi")))]
    for key, value in (work.get("ids") or {}).items():
        if scheme := _ID_KEYS.get(key):
            ids.append(make_id(scheme, text_value(value)))
    # arXiv preprints are known to OpenAlex by their landing page, which carries the arXiv id.
    for location in [work.get("primary_location"), *(work.get("locations") or ())]:
        if isinstance(location, dict) and "arxiv.org/" in (url := text_value(location.get("landing_page_url"))):
            ids.append(make_id("arxiv", url))
    return [i for i in ids if i]


def _dates(work: Mapping[str, Any], ctx: FileContext, line: int) -> tuple[str | None, int | None]:
    try:
        date, year = parse_date(work.get("publication_date"))
        return date, parse_year(work.get("publication_year")) or year
    except FieldError as exc:
        ctx.note(line, f"{exc}; field ignored")
        return None, None
