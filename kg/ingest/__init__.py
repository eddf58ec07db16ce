"""Readers: every input format (seeds text, JSONL, CSV, arXiv, OpenAlex, Semantic Scholar) -> merged Paper records."""

from kg.ingest.detect import FORMATS, detect_format
from kg.ingest.merge import merge_duplicates
from kg.ingest.read import read_papers
from kg.ingest.report import IngestError, IngestProblem, IngestReport

__all__ = [
    "FORMATS",
    "IngestError",
    "IngestProblem",
    "IngestReport",
    "detect_format",
    "merge_duplicates",
    "read_papers",
]
