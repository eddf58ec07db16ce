"""Answer records returned by every query helper, whichever backend answered.

Plain dataclasses, keyword arguments only: the engine makes them already checked, and as pydantic
models their classes and pydantic's plugin lookup cost ~20 ms of every `kg query`. `model_dump()`
gives the plain dict, as it did when they were pydantic models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(kw_only=True)
class PaperResult:
    """A paper answering a question, with the sentence(s) that justify it."""

    paper_id: str
    title: str
    year: int | None = None
    evidence: list[str] = field(default_factory=list)
    score: float
    matched: list[str] = field(default_factory=list)  # names of the entities that matched

    def model_dump(self) -> dict[str, Any]:
        """The record as a plain dict (fields in order, lists copied)."""
        return asdict(self)


@dataclass(kw_only=True)
class EntityResult:
    """A method, dataset, task or metric answering a question."""

    entity_id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    paper_count: int  # papers supporting this answer (for lookup: papers mentioning it)
    papers: list[str] = field(default_factory=list)  # first supporting paper ids, sorted
    evidence: list[str] = field(default_factory=list)
    score: float

    def model_dump(self) -> dict[str, Any]:
        """The record as a plain dict (fields in order, lists copied)."""
        return asdict(self)


@dataclass(kw_only=True)
class PaperAnswer:
    """Papers answering "which papers use X for Y", with how the names were read and why it may be empty."""

    results: list[PaperResult] = field(default_factory=list)
    explain: str | None = None  # why the answer is empty (None when it is not)
    # per name ('x', 'y'): the ladder steps tried and what each found
    resolution: dict[str, list[str]] = field(default_factory=dict)

    def model_dump(self) -> dict[str, Any]:
        """The answer as plain dicts and lists."""
        return asdict(self)
