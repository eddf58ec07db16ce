"""Answer records returned by every query helper, whichever backend answered."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PaperResult(BaseModel):
    """A paper answering a question, with the sentence(s) that justify it."""

    paper_id: str
    title: str
    year: int | None = None
    evidence: list[str] = Field(default_factory=list)
    score: float
    matched: list[str] = Field(default_factory=list, description="names of the entities that matched")


class EntityResult(BaseModel):
    """A method, dataset, task or metric answering a question."""

    entity_id: str
    name: str
    label: str
    aliases: list[str] = Field(default_factory=list)
    paper_count: int = Field(description="papers supporting this answer (for lookup: papers mentioning it)")
    papers: list[str] = Field(default_factory=list, description="first supporting paper ids, sorted")
    evidence: list[str] = Field(default_factory=list)
    score: float


class PaperAnswer(BaseModel):
    """Papers answering "which papers use X for Y", with how the names were read and why it may be empty."""

    results: list[PaperResult] = Field(default_factory=list)
    explain: str | None = Field(default=None, description="why the answer is empty (None when it is not)")
    resolution: dict[str, list[str]] = Field(
        default_factory=dict, description="per name ('x', 'y'): the ladder steps tried and what each found"
    )
