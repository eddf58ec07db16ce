"""What runs on a Dask worker: one partition of papers in, plain extraction records out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.models import Paper

# (model path, vocabulary file) -> Extractor: each worker process builds the spaCy pipeline once and
# reuses it for every partition it is given (a module global lives as long as the worker process).
_EXTRACTORS: dict[tuple[str | None, str | None], Any] = {}


def _extractor(model: str | None, vocab_file: str | None, batch_size: int) -> Any:
    from threadpoolctl import threadpool_limits

    from kg.extract import Extractor

    key = (model, vocab_file)
    if key not in _EXTRACTORS:
        # one worker process per core: BLAS threads of its own would only contend with the other workers
        threadpool_limits(limits=1)
        _EXTRACTORS[key] = Extractor(Path(model) if model else None, batch_size=batch_size, vocab_file=vocab_file)
    return _EXTRACTORS[key]


def extract_partition(
    papers: list[dict[str, Any]], model: str | None = None, vocab_file: str | None = None, batch_size: int = 64
) -> list[dict[str, Any]]:
    """Extraction records (PaperExtraction as plain dicts, never spaCy Docs) for one partition of papers."""
    extractor = _extractor(model, vocab_file, batch_size)
    records = extractor.extract(Paper.model_validate(p) for p in papers)
    return [record.model_dump(exclude_defaults=True) for record in records]


def loaded_pipelines() -> int:
    """How many pipelines this worker process has built (1 after any number of partitions)."""
    return len(_EXTRACTORS)


def preload(model: str | None = None, vocab_file: str | None = None, batch_size: int = 64) -> int:
    """Build this worker's pipeline now (client.run(preload)), so timings leave the model load out."""
    _extractor(model, vocab_file, batch_size)
    return loaded_pipelines()
