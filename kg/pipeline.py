"""Run the stages in order: papers -> extractions -> resolution -> graph (full build and update)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import networkx as nx
from tqdm import tqdm

from kg.extract import Extractor
from kg.graph.build import build_graph
from kg.models import Paper, PaperExtraction
from kg.resolve import resolve


def text_fingerprint(paper: Paper) -> str:
    """Hash of the text extraction reads, to tell whether a stored extraction is still valid."""
    return hashlib.sha1(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()


def extract_papers(
    papers: Sequence[Paper],
    extractor: Extractor,
    *,
    progress: bool = False,
) -> Iterator[PaperExtraction]:
    """Extraction for each paper, in input order; papers without an abstract get an empty record."""
    with_text = [p for p in papers if p.abstract]
    extracted = extractor.extract(with_text)
    bar = tqdm(total=len(papers), unit="paper", desc="extract", disable=not progress, smoothing=0.1)
    try:
        for paper in papers:
            record = next(extracted) if paper.abstract else PaperExtraction(paper_id=paper.id)
            if record.paper_id != paper.id:
                raise RuntimeError(f"extractor returned {record.paper_id} for {paper.id}: order broken")
            bar.update(1)
            yield record
    finally:
        bar.close()


def assemble(papers: Sequence[Paper], extractions: Sequence[PaperExtraction]) -> nx.MultiDiGraph:
    """Resolve all mentions across the corpus and build the graph."""
    return build_graph(papers, extractions, resolve(extractions))


def build(
    papers: Iterable[Paper],
    *,
    extractor: Extractor | None = None,
    progress: bool = False,
) -> tuple[nx.MultiDiGraph, list[Paper], list[PaperExtraction]]:
    """Full build from papers: extract every paper, resolve, assemble."""
    paper_list = list(papers)
    extractor = extractor or Extractor()
    extractions = list(extract_papers(paper_list, extractor, progress=progress))
    return assemble(paper_list, extractions), paper_list, extractions


def update(
    old_papers: Sequence[Paper],
    old_extractions: Sequence[PaperExtraction],
    new_papers: Iterable[Paper],
    *,
    extractor: Extractor | None = None,
    progress: bool = False,
) -> tuple[nx.MultiDiGraph, list[Paper], list[PaperExtraction], int]:
    """Add papers to a built graph, extracting only papers whose text is new; returns the count extracted.

    A new record for a paper already in the graph replaces it (same id); its stored extraction is
    reused when its title and abstract did not change.
    """
    from kg.ingest import merge_duplicates

    merged = list(merge_duplicates([*old_papers, *new_papers], prefer_last=True))
    old_by_id = {p.id: p for p in old_papers}
    stored = {e.paper_id: e for e in old_extractions}
    todo = [
        p
        for p in merged
        if p.id not in stored
        or p.id not in old_by_id
        or text_fingerprint(p) != text_fingerprint(old_by_id[p.id])
    ]
    extractor = extractor or Extractor()
    fresh = {e.paper_id: e for e in extract_papers(todo, extractor, progress=progress)}
    extractions = [fresh.get(p.id) or stored[p.id] for p in merged]
    return assemble(merged, extractions), merged, extractions, len(todo)


def default_graph_path() -> Path:
    """Where `kg build` writes and `kg query` reads when no path is given."""
    return Path("graph.json.gz")
