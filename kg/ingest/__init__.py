"""Readers: every input format (seeds text, JSONL, CSV, arXiv, OpenAlex, Semantic Scholar) -> merged Paper records."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Public name -> defining module, imported on first use so that `kg --help` does not load the readers.
_EXPORTS = {
    "FORMATS": "kg.ingest.formats",
    "IngestError": "kg.ingest.report",
    "IngestProblem": "kg.ingest.report",
    "IngestReport": "kg.ingest.report",
    "detect_format": "kg.ingest.detect",
    "merge_duplicates": "kg.ingest.merge",
    "read_papers": "kg.ingest.read",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg.ingest' has no attribute {name!r}")
