"""What reading found (counts, problems by file and line), the strict-mode error, and the context readers report to."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pydantic import BaseModel, Field

from kg.ingest.limits import LIMITS, oversized, truncate
from kg.models import Paper

T = TypeVar("T")

# A broken multi-million-line file must not turn the report into a second copy of it.
MAX_PROBLEMS = 1000


class IngestError(Exception):
    """Input that cannot be read: unknown format, unreadable file, or (with strict=True) the first bad record."""


class IngestProblem(BaseModel):
    """One thing wrong in the input, located by file and line (line None: the whole file)."""

    file: str
    line: int | None = None
    reason: str
    # False for notes about records that were still read (e.g. a title with no abstract in a seeds dump).
    skipped: bool = True

    def location(self) -> str:
        """`file:line`, or just `file` when the problem concerns the whole file."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class IngestReport(BaseModel):
    """Counts and problems from one `read_papers` call; pass one in to receive them."""

    files: int = 0
    formats: dict[str, int] = Field(default_factory=dict, description="files read per format")
    records_seen: int = 0
    papers: int = Field(default=0, description="papers yielded, after merging duplicates")
    duplicates_merged: int = 0
    without_abstract: int = 0
    bad_records: int = 0
    problems: list[IngestProblem] = Field(default_factory=list)
    problems_omitted: int = Field(default=0, description=f"problems beyond the first {MAX_PROBLEMS}, counted only")

    def add_problem(self, problem: IngestProblem) -> None:
        """Keep the problem, or only count it once MAX_PROBLEMS are kept."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_omitted += 1

    def summary(self) -> str:
        """One paragraph for people: what was read, what was merged, what went wrong and where."""
        formats = ", ".join(f"{name}: {n}" for name, n in sorted(self.formats.items()))
        text = (
            f"Read {_plural(self.files, 'file')}{f' ({formats})' if formats else ''}: "
            f"{_plural(self.records_seen, 'record')} -> {_plural(self.papers, 'paper')} "
            f"({self.duplicates_merged} duplicates merged, {self.without_abstract} without abstract); "
            f"{_plural(self.bad_records, 'bad record')} skipped."
        )
        total = len(self.problems) + self.problems_omitted
        if total:
            shown = "; ".join(f"{p.location()}: {p.reason}" for p in self.problems[:3])
            more = f" (and {total - 3} more)" if total > 3 else ""
            text += f" {_plural(total, 'problem')}: {shown}{more}."
        return text


def require_papers(report: IngestReport, inputs: Sequence[Any], target: Any) -> None:
    """IngestError when reading gave no paper at all, so an empty or unreadable input never replaces a graph."""
    if report.papers:
        return
    names = ", ".join(str(i) for i in list(inputs)[:3]) + (" ..." if len(inputs) > 3 else "")
    keep = f"; {target} was left as it was" if target is not None else ""
    raise IngestError(f"no papers read from {names}{keep}. {report.summary()}")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass
class FileContext:
    """Everything a format reader needs besides the path: where to report, strictness, the column map."""

    file: str
    report: IngestReport
    strict: bool = False
    column_map: Mapping[str, str] = field(default_factory=dict)

    def bad(self, line: int | None, reason: str, count: int = 1) -> None:
        """Record `count` skipped records at `line`; in strict mode stop with IngestError instead."""
        where = f"{self.file}:{line}" if line is not None else self.file
        if self.strict:
            raise IngestError(f"{where}: {reason}")
        self.report.bad_records += count
        self.report.records_seen += count
        self.report.add_problem(IngestProblem(file=self.file, line=line, reason=reason))

    def note(self, line: int | None, reason: str) -> None:
        """Record a problem with a record that was still read (never fatal, even in strict mode)."""
        self.report.add_problem(IngestProblem(file=self.file, line=line, reason=reason, skipped=False))

    def convert(self, line: int | None, build: Callable[..., T | None], /, *args: Any, **kwargs: Any) -> T | None:
        """build(*args, **kwargs), or None with a bad record reported when the record is not shaped as promised.

        A Paper whose title or abstract is over its size limit comes back truncated, with a note.
        """
        try:
            built = build(*args, **kwargs)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # ValueError covers pydantic's ValidationError: a record the Paper model rejects.
            self.bad(line, f"malformed record: {' '.join(str(exc).split())[:300]}")
            return None
        if isinstance(built, Paper):
            return cast(T, self.within_limits(line, built))  # T is Paper here
        return built

    def within_limits(self, line: int | None, paper: Paper) -> Paper:
        """The paper with a title or abstract over its limit truncated, noted at `line` (never fatal)."""
        too_long = oversized({"title": paper.title, "abstract": paper.abstract})
        if not too_long:
            return paper
        for name, length in too_long.items():
            self.note(line, f"{name} has {length:,} characters; truncated to the first {LIMITS[name]:,}")
        return paper.model_copy(update={name: truncate(getattr(paper, name), LIMITS[name]) for name in too_long})
