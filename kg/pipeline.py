"""Run the stages in order: papers -> extractions -> resolution -> graph (full build and update).

Records stream: each paper and its extraction go to a spool file on disk as soon as they are made,
and the later stages re-read the spool. Memory holds the graph and the resolution tables (both sized
by what the graph holds), never the corpus of records.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Generic, TypeVar

import networkx as nx
from pydantic import BaseModel
from tqdm import tqdm

from kg.extract import Extractor
from kg.graph.build import build_graph
from kg.models import Paper, PaperExtraction
from kg.resolve import resolve
from kg.vocab import VocabIndex, link, load_index

RecordT = TypeVar("RecordT", bound=BaseModel)


class RecordSpool(Generic[RecordT]):
    """Records appended to a temporary JSON Lines file and read back in order, as often as needed."""

    def __init__(self, model: type[RecordT], directory: str | Path | None = None) -> None:
        self.model = model
        fd, name = tempfile.mkstemp(prefix="kg-spool-", suffix=".jsonl", dir=directory)
        self.path = Path(name)
        self._writer = os.fdopen(fd, "w", encoding="utf-8")
        self._count = 0
        # The file goes when the spool does, even if nobody calls close().
        self._finalizer = weakref.finalize(self, _remove, self._writer, self.path)

    @classmethod
    def of(cls, model: type[RecordT], records: Iterable[RecordT]) -> RecordSpool[RecordT]:
        """A spool holding the given records."""
        spool = cls(model)
        for record in records:
            spool.append(record)
        return spool

    def append(self, record: RecordT) -> None:
        """Write one record at the end."""
        self._writer.write(record.model_dump_json(exclude_defaults=True) + "\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def lines(self) -> Iterator[str]:
        """The records as the JSON text they were stored as (no parsing)."""
        self._writer.flush()
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n")

    def __iter__(self) -> Iterator[RecordT]:
        validate = self.model.model_validate_json
        return (validate(line) for line in self.lines())

    def close(self) -> None:
        """Delete the file."""
        self._finalizer()


def _remove(writer: object, path: Path) -> None:
    writer.close()  # type: ignore[attr-defined]
    path.unlink(missing_ok=True)


def drain(items: list[RecordT]) -> Iterator[RecordT]:
    """Hand out a list's items in order, dropping each from the list, so the list does not outlive its use."""
    items.reverse()
    while items:
        yield items.pop()


def text_fingerprint(paper: Paper) -> str:
    """Hash of the text extraction reads, to tell whether a stored extraction is still valid."""
    return hashlib.sha1(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()


def extract_stream(
    papers: Iterable[Paper],
    extractor: Extractor,
    *,
    progress: bool = False,
    total: int | None = None,
) -> Iterator[tuple[Paper, PaperExtraction]]:
    """(paper, extraction) for each paper, in input order; papers without an abstract get an empty record."""
    pending: deque[Paper] = deque()

    def with_text() -> Iterator[Paper]:
        for paper in papers:
            pending.append(paper)
            if paper.abstract:
                yield paper

    # disable=None: tqdm draws only on a terminal, so logs and pipes never get "\r" bar lines.
    bar = tqdm(total=total, unit="paper", desc="extract", disable=None if progress else True, smoothing=0.1)
    try:
        for record in extractor.extract(with_text()):
            while pending and not pending[0].abstract:
                bar.update(1)
                yield (paper := pending.popleft()), PaperExtraction(paper_id=paper.id)
            paper = pending.popleft()
            if record.paper_id != paper.id:
                raise RuntimeError(f"extractor returned {record.paper_id} for {paper.id}: order broken")
            bar.update(1)
            yield paper, record
        while pending:  # trailing papers without an abstract
            bar.update(1)
            yield (paper := pending.popleft()), PaperExtraction(paper_id=paper.id)
    finally:
        bar.close()


def extract_papers(
    papers: Iterable[Paper], extractor: Extractor, *, progress: bool = False
) -> Iterator[PaperExtraction]:
    """Extraction for each paper, in input order; papers without an abstract get an empty record."""
    total = len(papers) if isinstance(papers, Sequence) else None
    return (record for _, record in extract_stream(papers, extractor, progress=progress, total=total))


def assemble(
    papers: Iterable[Paper], extractions: Iterable[PaperExtraction], vocab: VocabIndex | None = None
) -> nx.MultiDiGraph:
    """Resolve all mentions across the corpus, link them to the vocabulary (the shipped one by default)
    and build the graph (both inputs are read more than once)."""
    return build_graph(papers, extractions, link(resolve(extractions), vocab or load_index()))


def build(
    papers: Iterable[Paper],
    *,
    extractor: Extractor | None = None,
    progress: bool = False,
    total: int | None = None,
    vocab: VocabIndex | None = None,
) -> tuple[nx.MultiDiGraph, RecordSpool[Paper], RecordSpool[PaperExtraction]]:
    """Full build from papers: extract every paper into spools, resolve, assemble."""
    extractor = extractor or Extractor()
    if total is None and isinstance(papers, Sequence):
        total = len(papers)
    paper_spool, extraction_spool = RecordSpool(Paper), RecordSpool(PaperExtraction)
    for paper, record in extract_stream(papers, extractor, progress=progress, total=total):
        paper_spool.append(paper)
        extraction_spool.append(record)
    return assemble(paper_spool, extraction_spool, vocab), paper_spool, extraction_spool


def update(
    old_papers: Sequence[Paper],
    old_extractions: Iterable[PaperExtraction],
    new_papers: Iterable[Paper],
    *,
    extractor: Extractor | None = None,
    progress: bool = False,
    vocab: VocabIndex | None = None,
) -> tuple[nx.MultiDiGraph, RecordSpool[Paper], RecordSpool[PaperExtraction], int]:
    """Add papers to a built graph, extracting only papers whose text is new; returns the count extracted.

    A new record for a paper already in the graph replaces it (same id); its stored extraction is
    reused when its title and abstract did not change.
    """
    from kg.ingest import merge_duplicates

    merged = list(merge_duplicates([*old_papers, *new_papers], prefer_last=True))
    old_fingerprint = {p.id: text_fingerprint(p) for p in old_papers}
    stored = {e.paper_id: e for e in old_extractions if e.paper_id in old_fingerprint}
    todo = [p for p in merged if p.id not in stored or text_fingerprint(p) != old_fingerprint[p.id]]
    extractor = extractor or Extractor()
    fresh = {e.paper_id: e for e in extract_papers(todo, extractor, progress=progress and bool(todo))}
    paper_spool = RecordSpool.of(Paper, merged)
    extraction_spool = RecordSpool.of(PaperExtraction, (fresh.get(p.id) or stored[p.id] for p in merged))
    return assemble(paper_spool, extraction_spool, vocab), paper_spool, extraction_spool, len(todo)


def default_graph_path() -> Path:
    """Where `kg build` writes and `kg query` reads when no path is given."""
    return Path("graph.json.gz")
