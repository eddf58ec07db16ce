"""Plain records of the vocabulary file: one VocabEntry per line of ml_vocab.jsonl.gz."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Label = Literal["Method", "Dataset", "Task", "Metric"]
LABELS: tuple[Label, ...] = ("Method", "Dataset", "Task", "Metric")
ID_PATTERN = re.compile(r"^(method|dataset|task|metric):[a-z0-9][a-z0-9-]*$")


class Paraphrase(BaseModel):
    """A phrase mined from labelled abstracts, over-represented in a task's papers (not curated)."""

    model_config = ConfigDict(extra="forbid")
    text: str
    score: float


class WeightedTask(BaseModel):
    """A link to a task with a weight in (0, 1]."""

    model_config = ConfigDict(extra="forbid")
    task: str
    weight: float = Field(gt=0.0, le=1.0)


class VocabEntry(BaseModel):
    """One entity of the vocabulary: its id, label, display name, aliases and knowledge links."""

    model_config = ConfigDict(extra="forbid")
    id: str
    label: Label
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    paraphrases: list[Paraphrase] = Field(default_factory=list)
    parents: list[str] = Field(default_factory=list)
    full_name: str | None = None
    benchmarks: list[WeightedTask] = Field(default_factory=list)
    measures: list[WeightedTask] = Field(default_factory=list)
    papers: int = Field(default=0, ge=0)
    sources: list[str] = Field(default_factory=list)
    ambiguous: bool = False
    # a family known only by a generic collection name ("Regularization"): IS_A parent, not an answer
    category: bool = False

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not ID_PATTERN.match(value):
            raise ValueError(f"id {value!r} is not '<label>:<slug>' (lower-case letters, digits, hyphens)")
        return value

    @model_validator(mode="after")
    def _id_matches_label(self) -> "VocabEntry":
        if self.id.split(":", 1)[0] != self.label.lower():
            raise ValueError(f"id {self.id!r} does not start with the label {self.label.lower()!r}")
        return self


def slugify(name: str) -> str:
    """The slug of an id: lower-case ASCII letters and digits joined by single hyphens."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("+", " plus ").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "x"


def entry_id(label: Label, name: str) -> str:
    """The id of an entry of this label and name, e.g. task:image-classification."""
    return f"{label.lower()}:{slugify(name)}"
