"""Plain records passed between the stages: readers -> extraction -> resolution -> graph -> queries."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

EntityLabel = Literal["METHOD", "DATASET", "TASK", "METRIC"]
ENTITY_LABELS: tuple[str, ...] = ("METHOD", "DATASET", "TASK", "METRIC")

# Paper -> entity relations, decided per paper from the sentences that mention the entity.
PaperRelationType = Literal["PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS"]
# Entity -> entity relations, decided per sentence (aggregated across papers in the graph).
EntityRelationType = Literal["USED_FOR", "EVALUATED_ON", "IS_A"]
RelationType = Literal["PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "USED_FOR", "EVALUATED_ON", "IS_A"]
PAPER_RELATION_TYPES: tuple[str, ...] = ("PROPOSES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS")
ENTITY_RELATION_TYPES: tuple[str, ...] = ("USED_FOR", "EVALUATED_ON", "IS_A")


# Characters XML 1.0 forbids or that cannot be encoded (tab, newline and carriage return are kept).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control(text: str) -> str:
    """`text` without control characters, lone surrogates and the non-characters U+FFFE/U+FFFF."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


class Paper(BaseModel):
    """One paper as read from any input format."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="stable id: arxiv:<id>, doi:<doi>, openalex:<W..>, s2:<id> or title:<hash>")
    title: str
    abstract: str = ""
    year: int | None = None
    date: str | None = Field(default=None, description="ISO date YYYY-MM-DD when known")
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    venue: str | None = None
    source: str = Field(default="", description="input format and file it came from, e.g. 'jsonl:papers.jsonl'")
    authors: list[str] = Field(default_factory=list)
    # Every identifier this paper is known by ("doi:10.1/x", "openalex:W123", "s2:abc", "arxiv:2101.00001");
    # references from other papers are matched against these.
    external_ids: list[str] = Field(default_factory=list)
    # Identifiers (same scheme as external_ids) of works this paper cites; unmatched ones never become nodes.
    references: list[str] = Field(default_factory=list)
    # Identifiers of works known to cite this paper (Semantic Scholar `citations`); the graph adds
    # citing-paper CITES this-paper only when the citing paper is in the input too.
    cited_by: list[str] = Field(default_factory=list)

    @field_validator("*")
    @classmethod
    def _drop_control_characters(cls, value: object) -> object:
        # Every reader's text passes here: NUL, other C0/C1 controls, lone surrogates and non-characters
        # make GraphML (XML) unreadable and UTF-8 unwritable, and carry no meaning in a title or a name.
        if isinstance(value, str):
            return strip_control(value)
        if isinstance(value, list):
            return [strip_control(v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("title", "abstract")
    @classmethod
    def _collapse_whitespace(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _needs_text(self) -> Paper:
        if not self.title and not self.abstract:
            raise ValueError("a paper needs a title or an abstract")
        return self


class Mention(BaseModel):
    """A span of a paper's title or abstract recognised as an entity."""

    field: Literal["title", "abstract"]
    start: int = Field(ge=0, description="character offset into the field")
    end: int = Field(ge=0)
    text: str
    label: EntityLabel
    confidence: float = Field(ge=0.0, le=1.0)
    sentence: int = Field(default=0, ge=0, description="index into PaperExtraction.sentences")
    # Long form when this mention is an abbreviation defined in the same paper ("SDL" -> "supervised
    # dictionary learning"), or the abbreviation when it is the long form; resolution merges the pair.
    long_form: str | None = None
    short_form: str | None = None


class Relation(BaseModel):
    """A typed link found in one paper; head None means the paper itself."""

    type: RelationType
    head: int | None = Field(description="index into mentions, or None for the paper")
    tail: int = Field(description="index into mentions")
    evidence: str = Field(description="the sentence that states it")
    confidence: float = Field(ge=0.0, le=1.0)
    # the extraction's cue ("we_propose", "use_verb", "baseline", ...): graph assembly reads the role from it
    cue: str | None = None


class PaperExtraction(BaseModel):
    """Everything extraction found in one paper."""

    paper_id: str
    sentences: list[str] = Field(default_factory=list, description="title is sentence 0 when present")
    mentions: list[Mention] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


class Entity(BaseModel):
    """A canonical method, dataset, task or metric after resolution."""

    id: str = Field(description="'<label>:<key>', e.g. 'method:vision transformer'")
    label: EntityLabel
    name: str = Field(description="display form")
    aliases: list[str] = Field(default_factory=list)
    paper_count: int = 0
    source: Literal["vocabulary", "corpus"] = "corpus"
    vocab_id: str | None = Field(
        default=None, description="id of the shipped (or user) vocabulary entry it is linked to"
    )
    # corpus-level belief that this is a real entity of its label (1.0 when linked; see kg.vocab.link)
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    # some paper writes it with a dataset's cue ("experiments on X", "X datasets"; kg.resolve.merge.DATASET_CUES):
    # what vouches for a dataset no vocabulary entry knows (not stored on the graph's nodes)
    dataset_cue: bool = False


class Resolution(BaseModel):
    """Output of resolution: entities, the entity of every mention, and the IS_A hierarchy."""

    entities: dict[str, Entity] = Field(default_factory=dict)
    # paper_id -> list aligned with that paper's mentions, holding the entity id of each mention
    mention_entities: dict[str, list[str]] = Field(default_factory=dict)
    # (child entity id, parent entity id) pairs, same label on both sides
    is_a: list[tuple[str, str]] = Field(default_factory=list)
    # vocabulary knowledge between entities: (source id, target id, BENCHMARK_FOR | MEASURES, weight)
    knowledge: list[tuple[str, str, str, float]] = Field(default_factory=list)
