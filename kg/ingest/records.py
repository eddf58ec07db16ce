"""Flat records (a JSON object, a CSV row) with title/abstract and optional fields -> Paper, through the column map."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kg.ingest.fields import (
    FieldError,
    make_paper,
    optional_text,
    parse_date,
    parse_ids,
    parse_year,
    split_list,
    text_value,
)
from kg.ingest.ids import make_id
from kg.ingest.report import FileContext, IngestError
from kg.models import Paper

# The fields a flat record may carry; `--map field=column` renames an input column onto one of them.
FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "abstract",
    "year",
    "date",
    "authors",
    "doi",
    "arxiv_id",
    "url",
    "venue",
    "source",
    "external_ids",
    "references",
    "cited_by",
)
TEXT_FIELDS: tuple[str, ...] = ("title", "abstract")
T = TypeVar("T")


def check_column_map(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """The map with case-insensitive column names; IngestError naming the field if one is not in FIELDS."""
    checked: dict[str, str] = {}
    for ours, theirs in (column_map or {}).items():
        field = ours.strip().lower()
        if field not in FIELDS:
            raise IngestError(f"cannot map onto unknown field {ours!r}; fields are: {', '.join(FIELDS)}")
        checked[field] = theirs.strip().casefold()
    return checked


def column_for(field: str, column_map: Mapping[str, str]) -> str:
    """The (casefolded) input column that holds `field`."""
    return column_map.get(field, field)


def canonical_fields(record: Mapping[str, Any], column_map: Mapping[str, str]) -> dict[str, Any]:
    """field -> value for every field the record holds (column names matched case-insensitively).

    A mapped column missing from a record falls back to the field's own name, so one map serves
    inputs that mix both spellings.
    """
    by_name = {str(k).strip().casefold(): v for k, v in record.items() if k is not None}
    found: dict[str, Any] = {}
    for field in FIELDS:
        for column in (column_for(field, column_map), field):
            if column in by_name:
                found[field] = by_name[column]
                break
    return found


def paper_from_record(record: Mapping[str, Any], *, source: str, ctx: FileContext, line: int) -> Paper | None:
    """The record as a Paper; None (reported as a bad record) when it has neither title nor abstract."""
    values = canonical_fields(record, ctx.column_map)
    if wrong := _wrong_text_types(values):
        ctx.bad(line, wrong)
        return None
    title, abstract = text_value(values.get("title")), text_value(values.get("abstract"))
    if not title and not abstract:
        ctx.bad(line, _missing_text_reason(record))
        return None
    no_date: tuple[str | None, int | None] = (None, None)
    date, date_year = _checked(ctx, line, parse_date, values.get("date"), no_date)
    year = _checked(ctx, line, parse_year, values.get("year"), None) or date_year
    ids = parse_ids([values.get("id"), *split_list(values.get("external_ids"))])
    for field, scheme in (("arxiv_id", "arxiv"), ("doi", "doi")):
        if text := text_value(values.get(field)):
            # A value in a scheme's own column is that scheme even when it is spelled bare.
            if found := make_id(scheme, text):
                ids.append(found)
            else:
                ctx.note(line, f"{field} {text!r} is not a valid {scheme} id; field ignored")
    return make_paper(
        title=title,
        abstract=abstract,
        source=text_value(values.get("source")) or source,
        ids=ids,
        year=year,
        date=date,
        url=optional_text(values.get("url")),
        venue=optional_text(values.get("venue")),
        authors=split_list(values.get("authors")),
        references=parse_ids(split_list(values.get("references"))),
        cited_by=parse_ids(split_list(values.get("cited_by"))),
    )


def _wrong_text_types(values: Mapping[str, Any]) -> str:
    """Why the record's title or abstract is unusable (not a string), or "" when both are text or absent."""
    wrong = [
        f"{field} is {_kind(values[field])}, expected text"
        for field in TEXT_FIELDS
        if values.get(field) is not None and not isinstance(values[field], str)
    ]
    return "wrong type: " + "; ".join(wrong) if wrong else ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    kinds: dict[type, str] = {list: "a list", dict: "an object"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _checked(ctx: FileContext, line: int, parse: Callable[[Any], T], value: Any, default: T) -> T:
    try:
        return parse(value)
    except FieldError as exc:
        ctx.note(line, f"{exc}; field ignored")
        return default


def _missing_text_reason(record: Mapping[str, Any]) -> str:
    columns = [str(k) for k, v in record.items() if k is not None and text_value(v)]
    if not columns:
        return "empty record"
    hint = (
        ""
        if {c.casefold() for c in columns} & set(TEXT_FIELDS)
        else ("; map them with --map title=COLUMN,abstract=COLUMN")
    )
    return f"no title and no abstract (fields present: {', '.join(columns[:12])}){hint}"
