"""Which reader a file needs: by extension, then by sniffing the first bytes."""

from __future__ import annotations

import re
from pathlib import Path

from kg.ingest.formats import FORMATS  # noqa: F401  (re-exported)
from kg.ingest.report import IngestError
from kg.ingest.textio import head

_BY_EXTENSION: dict[str, str] = {
    ".txt": "seeds-txt",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".xml": "arxiv-atom",
    ".atom": "arxiv-atom",
}
_JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson", ".jsonlines")
_COMPRESSED = (".gz", ".gzip")
# Keys only one source writes, matched as JSON keys so an abstract quoting them does not count.
_JSON_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "openalex",
        re.compile(r'"(?:abstract_inverted_index|referenced_works|authorships)"\s*:|"https://openalex\.org/W\d+"'),
    ),
    ("semantic-scholar", re.compile(r'"(?:paperId|externalIds)"\s*:')),
    ("arxiv-snapshot", re.compile(r'"(?:authors_parsed|journal-ref|update_date)"\s*:')),
)
_ATOM = re.compile(r"<(?:[\w.-]+:)?(?:feed|entry)\b[^>]*http://www\.w3\.org/2005/Atom|<(?:[\w.-]+:)?feed\b")
# JSON starts with an object or an array of objects; a text line may start with "[" too ("[Re] Title").
_JSON_START = re.compile(r"^(?:\{|\[\s*(?:\{|\]|$))")
_CSV_HEADER = re.compile(r"^[^\n]*\b(?:title|abstract)\b[^\n]*[,\t;][^\n]*$", re.IGNORECASE)


def detect_format(path: Path) -> str:
    """The format name (one of FORMATS) for path; IngestError if neither extension nor content tells."""
    path = Path(path)
    suffix = _suffix(path)
    sample = head(path).lstrip()
    looks_json = bool(_JSON_START.match(sample))
    if suffix in _BY_EXTENSION and not (suffix == ".txt" and (looks_json or sample.startswith("<"))):
        return _BY_EXTENSION[suffix]
    if suffix in _JSON_EXTENSIONS or looks_json:
        return sniff_json(sample)
    if sample[:1] == "<" and _ATOM.search(sample):
        return "arxiv-atom"
    if _CSV_HEADER.match(sample.split("\n", 1)[0]):
        return "csv"
    raise IngestError(
        f"{path}: cannot tell the input format from the name or content; "
        f"pass format= (--format) with one of: {', '.join(FORMATS)}"
    )


def sniff_json(sample: str) -> str:
    """openalex / semantic-scholar / arxiv-snapshot when their signature keys appear, else generic jsonl."""
    for name, signature in _JSON_SIGNATURES:
        if signature.search(sample):
            return name
    return "jsonl"


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""
