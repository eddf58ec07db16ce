"""Semantic Scholar Graph API papers (object, array, JSON Lines or {"data": [...]}) with references and citations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.ingest.fields import FieldError, make_paper, parse_date, parse_year, split_list, text_value
from kg.ingest.ids import make_id
from kg.ingest.jsonio import iter_json_records
from kg.ingest.report import FileContext
from kg.models import Paper

FORMAT = "semantic-scholar"
# externalIds keys -> our schemes.
_EXTERNAL: dict[str, str] = {
    "ArXiv": "arxiv",
    "DOI": "doi",
    "MAG": "mag",
    "PubMed": "pmid",
    "PubMedCentral": "pmcid",
    "CorpusId": "corpusid",
    "DBLP": "dblp",
    "ACL": "acl",
}


def read(path: Path, ctx: FileContext) -> Iterator[Paper]:
    """Papers from each paper object; null entries (batch lookups that found nothing) are reported."""
    source = f"{FORMAT}:{path.name}"
    for record in iter_json_records(path, ctx):
        value = record.value
        if value is None:
            ctx.bad(record.line, "null paper (the API found nothing for this id)")
        elif not isinstance(value, dict):
            ctx.bad(record.line, f"expected a paper object, got {type(value).__name__}")
        elif (paper := ctx.convert(record.line, _paper, value, source, ctx, record.line)) is not None:
            yield paper


def paper_ids(paper: Mapping[str, Any]) -> list[str]:
    """Every id of an S2 paper object: s2:<paperId> first, then its externalIds and corpusId."""
    ids = [make_id("s2", text_value(paper.get("paperId")))]
    external = paper.get("externalIds") or {}
    ids += [make_id(_EXTERNAL[k], text_value(v)) for k, v in external.items() if k in _EXTERNAL]
    ids.append(make_id("corpusid", text_value(paper.get("corpusId"))))
    return [i for i in ids if i]


def linked_ids(entries: Iterable[Any] | None, wrapper: str) -> list[str]:
    """Ids of referenced or citing papers; the /references and /citations endpoints wrap each in `wrapper`."""
    ids: list[str] = []
    for entry in entries or ():
        if isinstance(entry, dict):
            inner = entry.get(wrapper)
            ids += paper_ids(inner if isinstance(inner, dict) else entry)
    return ids


def _paper(paper: Mapping[str, Any], source: str, ctx: FileContext, line: int) -> Paper | None:
    title, abstract = text_value(paper.get("title")), text_value(paper.get("abstract"))
    if not title and not abstract:
        ctx.bad(line, "paper has no title and no abstract")
        return None
    try:
        date, date_year = parse_date(paper.get("publicationDate"))
        year = parse_year(paper.get("year")) or date_year
    except FieldError as exc:
        ctx.note(line, f"{exc}; field ignored")
        date, year = None, None
    return make_paper(
        title=title,
        abstract=abstract,
        source=source,
        ids=paper_ids(paper),
        year=year,
        date=date,
        url=text_value(paper.get("url")) or None,
        venue=_venue(paper),
        authors=split_list(paper.get("authors")),
        references=linked_ids(paper.get("references"), "citedPaper"),
        # Works citing this one: the graph draws citing -> this when the citing paper is in the input too.
        cited_by=linked_ids(paper.get("citations"), "citingPaper"),
    )


def _venue(paper: Mapping[str, Any]) -> str | None:
    # `venue` is a plain string; newer responses may only fill the structured publicationVenue or journal.
    structured = [(paper.get(key) or {}).get("name") for key in ("publicationVenue", "journal")]
    for value in (paper.get("venue"), *structured):
        if text := text_value(value):
            return text
    return None
