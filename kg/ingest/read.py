"""read_papers: expand paths, pick each file's reader, count what happened, merge duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from kg.ingest import arxiv, arxiv_snapshot, csv_reader, jsonl, openalex, seeds_txt, semantic_scholar
from kg.ingest.detect import FORMATS, detect_format
from kg.ingest.merge import merge_duplicates
from kg.ingest.records import check_column_map
from kg.ingest.report import FileContext, IngestError, IngestProblem, IngestReport
from kg.ingest.textio import binary_kind, head
from kg.models import Paper

Reader = Callable[[Path, FileContext], Iterator[Paper]]
READERS: dict[str, Reader] = {
    seeds_txt.FORMAT: seeds_txt.read,
    jsonl.FORMAT: jsonl.read,
    csv_reader.FORMAT: csv_reader.read,
    arxiv.FORMAT: arxiv.read,
    arxiv_snapshot.FORMAT: arxiv_snapshot.read,
    openalex.FORMAT: openalex.read,
    semantic_scholar.FORMAT: semantic_scholar.read,
}
assert tuple(READERS) == FORMATS, "every format needs a reader"


def read_papers(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    strict: bool = False,
    column_map: Mapping[str, str] | None = None,
    report: IngestReport | None = None,
) -> Iterator[Paper]:
    """Papers from files and folders, duplicates merged, in first-seen order; counts and problems go to `report`.

    Arguments are checked now (IngestError for an unknown format, field or missing path); files are read
    on first iteration.
    """
    report = report if report is not None else IngestReport()
    files, mapping = _checked(paths, format, column_map, report)
    return _read(files, format, strict, mapping, report)


def _checked(
    paths: Sequence[str | Path], format: str | None, column_map: Mapping[str, str] | None, report: IngestReport
) -> tuple[list[tuple[Path, bool]], dict[str, str]]:
    """The input files (each with whether it was named explicitly) and the checked column map; IngestError for an unknown format, field or missing path."""
    if format is not None and format not in READERS:
        raise IngestError(f"unknown format {format!r}; expected one of: {', '.join(FORMATS)}")
    mapping = check_column_map(column_map)
    # A lone path would otherwise be iterated character by character.
    return list(expand_paths([paths] if isinstance(paths, (str, Path)) else paths, report)), mapping


def stream_papers(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    strict: bool = False,
    column_map: Mapping[str, str] | None = None,
    report: IngestReport | None = None,
) -> Iterator[Paper]:
    """Papers as they are read, duplicates NOT merged: memory stays flat whatever the input size.

    For inputs no process holds (kg build --to-import); read_papers must see every record before the
    first paper is final, so it holds them all. The caller drops repeated ids (first wins)."""
    report = report if report is not None else IngestReport()
    files, mapping = _checked(paths, format, column_map, report)
    for paper in _read_files(files, format, strict, mapping, report):
        report.papers += 1
        report.without_abstract += not paper.abstract
        yield paper


def expand_paths(paths: Iterable[str | Path], report: IngestReport) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for each path; a folder gives its files recursively, sorted, hidden ones skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
            if not found:
                report.add_problem(IngestProblem(file=str(path), reason="folder holds no files", skipped=False))
            yield from ((p, False) for p in found)
        elif path.is_file():
            yield path, True
        else:
            raise IngestError(f"{path}: no such file or folder")


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _read(
    files: list[tuple[Path, bool]],
    format: str | None,
    strict: bool,
    mapping: dict[str, str],
    report: IngestReport,
) -> Iterator[Paper]:
    # Merging needs every record before the first paper is final (a duplicate may come last).
    raw = list(_read_files(files, format, strict, mapping, report))

    def own_id_taken(own: str, paper: Paper) -> None:
        reason = f"id {own!r} already names a paper with another title; this one is {paper.id} ({paper.title[:60]!r})"
        report.add_problem(
            IngestProblem(file=paper.source.partition(":")[2] or paper.source, reason=reason, skipped=False)
        )

    merged = list(merge_duplicates(raw, on_conflict=own_id_taken))
    report.duplicates_merged += len(raw) - len(merged)
    for paper in merged:
        report.papers += 1
        report.without_abstract += not paper.abstract
        yield paper


def _read_files(
    files: list[tuple[Path, bool]],
    format: str | None,
    strict: bool,
    mapping: dict[str, str],
    report: IngestReport,
) -> Iterator[Paper]:
    for path, explicit in files:
        if (kind := _binary(path)) is not None:
            reason = f"{path}: looks like {kind}, not a file of papers (JSONL, CSV, arXiv, OpenAlex, S2 or seeds text)"
            if explicit:
                raise IngestError(reason)
            report.add_problem(IngestProblem(file=str(path), reason=f"file skipped: {reason}", skipped=False))
            continue
        if _graph_file(path):
            reason = f"{path} is a paper-kg graph file, not a file of papers: pass it as --graph {path}"
            if explicit:
                raise IngestError(reason)
            report.add_problem(IngestProblem(file=str(path), reason=f"file skipped: {reason}", skipped=False))
            continue
        name = format or _format_of(path, explicit, report)
        if name is None:
            continue
        ctx = FileContext(file=str(path), report=report, strict=strict, column_map=mapping)
        try:
            for paper in READERS[name](path, ctx):
                report.records_seen += 1
                yield paper
        except OSError as exc:
            raise IngestError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        report.files += 1
        report.formats[name] = report.formats.get(name, 0) + 1


def _binary(path: Path) -> str | None:
    """What a non-text file looks like ('a PDF', ...), or None; unreadable files are left to the reader."""
    try:
        return binary_kind(path)
    except OSError:
        return None


def _graph_file(path: Path) -> bool:
    """True for a graph file that `kg build` wrote (its first line names the format), given where papers go."""
    from kg.graph.store import FORMAT

    try:
        first = head(path, 256).lstrip().partition("\n")[0]
    except OSError:
        return False
    return first.startswith("{") and f'"{FORMAT}"' in first


def _format_of(path: Path, explicit: bool, report: IngestReport) -> str | None:
    """The file's format; a file found in a folder whose format is unknown is skipped with a note."""
    try:
        return detect_format(path)
    except IngestError as exc:
        if explicit:
            raise
        report.add_problem(IngestProblem(file=str(path), reason=f"file skipped: {exc}", skipped=False))
        return None
