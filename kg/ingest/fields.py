"""Field values as inputs spell them (years, dates, author lists, id lists) -> Paper fields, and building the Paper."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from kg.ingest.ids import bare, choose_id, expand_ids, parse_id, scheme_of, title_id
from kg.models import Paper

_YEAR = re.compile(r"^\d{4}$")
_ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Plausible publication years; anything else is a typo or a different number in the year column.
MIN_YEAR, MAX_YEAR = 1600, 2100


class FieldError(ValueError):
    """A field value that cannot be used; the record is still read without it."""


def text_value(value: Any) -> str:
    """A string field as text ("" for None); lists (some exports split titles) are joined with spaces."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(text_value(v) for v in value)
    return str(value).strip()


def optional_text(value: Any) -> str | None:
    """Text or None when empty."""
    return text_value(value) or None


def parse_year(value: Any) -> int | None:
    """Year from an int, "2021", 2021.0 or the start of a date; FieldError if present but unusable."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(f"year {value!r} is not a year")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    match = _ISO_PREFIX.match(text)
    year = int(match.group(1)) if match and (_YEAR.match(text) or match.group(2)) else None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise FieldError(f"year {value!r} is not a year")
    return year


def parse_date(value: Any) -> tuple[str | None, int | None]:
    """(ISO date, year) from "2021-03-04", "2021-03-04T10:00:00Z", "2021-03" or "2021" (date None when partial)."""
    if value is None or value == "":
        return None, None
    text = str(value).strip()
    match = _ISO_PREFIX.match(text)
    if not match:
        raise FieldError(f"date {value!r} is not an ISO date")
    year = parse_year(match.group(1))
    if not match.group(3):
        return None, year
    try:
        return dt.date.fromisoformat(match.group(0)).isoformat(), year
    except ValueError as exc:
        raise FieldError(f"date {value!r} is not a valid date") from exc


def parse_rfc2822_date(value: str) -> tuple[str | None, int | None]:
    """(ISO date, year) from an e-mail style date such as "Mon, 2 Apr 2007 19:18:42 GMT"."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as exc:
        raise FieldError(f"date {value!r} is not an RFC 2822 date") from exc
    return when.date().isoformat(), when.year


def split_list(value: Any) -> list[str]:
    """A list field from a JSON list or a "; "- or ", "-separated string (";" wins: names contain commas)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value if (t := _list_item(v))]
    text = str(value).strip()
    if not text:
        return []
    parts = text.split(";") if ";" in text else text.split(",")
    return [p.strip() for p in parts if p.strip()]


def _list_item(value: Any) -> str:
    # Author objects come as {"name": ...} (S2, most APIs) or {"display_name": ...} (OpenAlex).
    if isinstance(value, Mapping):
        return text_value(value.get("name") or value.get("display_name"))
    return text_value(value)


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats (case-insensitive) or empties."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = " ".join(item.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(" ".join(item.split()))
    return out


def parse_ids(values: Iterable[Any]) -> list[str]:
    """Canonical ids for the given values, unusable ones dropped, repeats removed."""
    return expand_ids(i for v in values if (i := parse_id(v)))


def make_paper(
    *,
    title: str,
    abstract: str,
    source: str,
    ids: Iterable[str] = (),
    year: int | None = None,
    date: str | None = None,
    url: str | None = None,
    venue: str | None = None,
    authors: Iterable[str] = (),
    references: Iterable[str] = (),
    cited_by: Iterable[str] = (),
) -> Paper:
    """A validated Paper whose id is its best identifier, falling back to the title (or abstract) hash.

    Raises pydantic.ValidationError when there is neither title nor abstract.
    """
    known = parse_ids(ids)
    paper_id = choose_id(known) or (title_id(title or abstract) if (title or abstract) else "")
    if paper_id and paper_id not in known:
        known.append(paper_id)
    arxiv = next((bare(i) for i in known if scheme_of(i) == "arxiv"), None)
    doi = next((bare(i) for i in known if scheme_of(i) == "doi"), None)
    if year is None and date:
        year = int(date[:4])
    return Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        year=year,
        date=date,
        arxiv_id=arxiv,
        doi=doi,
        url=url,
        venue=venue,
        source=source,
        authors=unique(authors),
        external_ids=known,
        references=parse_ids(references),
        cited_by=parse_ids(cited_by),
    )
