"""`kg eval helpers`: methods-for / datasets-for / tasks-for lists scored against hand-judged answers.

A helpers file holds one JSON object per line (the format of ../shared/eval/helpers-dev.jsonl):
{"qid", "helper": "methods-for"|"datasets-for"|"tasks-for", "arg", "accepted": [{"name", "variants",
"papers"}], "rejected": [...]}. Answers come from the public API (KnowledgeGraph.methods_for and its
siblings), so the figures are what `kg query methods-for TASK` prints.

Scoring (../shared/eval/README.md): a string is normalised (lower case, every non-alphanumeric run
to one space, a trailing plural "s" of the whole string dropped); an answer matches an accepted answer
when its name or an alias equals the accepted name or a variant. precision@10 = matching answers among
the top 10 / answers returned (at most 10); a second answer matching an accepted answer already matched
counts as wrong. recall@10 = accepted answers with >= 2 supporting papers matched in the top 10 / such
answers (at most 10). Macro averages over questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from kg.eval.readers import shared_dir
from kg.query.results import EntityResult

DEFAULT_HELPERS = shared_dir() / "eval" / "helpers-dev.jsonl"
TOP = 10
HELPER_METHODS = {"methods-for": "methods_for", "datasets-for": "datasets_for", "tasks-for": "tasks_for"}


class AcceptedAnswer(BaseModel):
    """One right answer with the spellings that count as it."""

    name: str
    variants: list[str] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list)


class HelperQuestion(BaseModel):
    """One hand-judged helper question."""

    qid: str
    helper: Literal["methods-for", "datasets-for", "tasks-for"]
    arg: str = Field(min_length=1)
    accepted: list[AcceptedAnswer] = Field(default_factory=list)


def read_helper_questions(path: str | Path) -> list[HelperQuestion]:
    """Questions from a JSON-lines file; a bad line is an error naming file and line."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"helper questions file not found: {path}")
    questions = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                questions.append(HelperQuestion.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                detail = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else exc.errors()[0]["msg"]
                raise ValueError(f"{path}:{number}: not a helper question record ({detail})") from None
    if not questions:
        raise ValueError(f"{path}: no questions")
    return questions


def normalise(text: str) -> str:
    """The README's string normalisation: lower case, non-alphanumeric runs to one space, plural s dropped."""
    text = re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()
    return text[:-1] if text.endswith("s") else text


@dataclass
class HelperScore:
    """One question's figures and what was returned."""

    qid: str
    helper: str
    arg: str
    precision: float
    recall: float
    answers: list[tuple[str, str | None]]  # (answer name, accepted name it matched or None)
    missed: list[str]  # accepted answers (>= 2 papers) not in the top 10


def score_answers(question: HelperQuestion, results: list[EntityResult]) -> HelperScore:
    """precision@10 and recall@10 of one helper list (README scoring)."""
    spellings = {a.name: {normalise(s) for s in (a.name, *a.variants)} for a in question.accepted}
    matched: set[str] = set()
    answers: list[tuple[str, str | None]] = []
    for r in results[:TOP]:
        forms = {normalise(s) for s in (r.name, *r.aliases)}
        hit = next((name for name, spelled in spellings.items() if forms & spelled), None)
        if hit is not None and hit in matched:
            hit = None  # a second answer for one accepted entity: variants should be one node
        if hit is not None:
            matched.add(hit)
        answers.append((r.name, hit))
    returned = len(answers)
    precision = sum(1 for _, hit in answers if hit) / returned if returned else 0.0
    wanted = [a.name for a in question.accepted if len(a.papers) >= 2][:TOP]
    recall = sum(1 for name in wanted if name in matched) / len(wanted) if wanted else 1.0
    return HelperScore(
        question.qid,
        question.helper,
        question.arg,
        precision,
        recall,
        answers,
        [name for name in wanted if name not in matched],
    )


@dataclass
class HelpersReport:
    """Macro figures over a helpers file."""

    path: str
    scores: list[HelperScore] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Macro precision@10."""
        return sum(s.precision for s in self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def recall(self) -> float:
        """Macro recall@10."""
        return sum(s.recall for s in self.scores) / len(self.scores) if self.scores else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "file": self.path,
            "precision_at_10": round(self.precision, 4),
            "recall_at_10": round(self.recall, 4),
            "questions": [
                {
                    "qid": s.qid,
                    "helper": s.helper,
                    "arg": s.arg,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "answers": [{"name": n, "matches": h} for n, h in s.answers],
                    "missed": s.missed,
                }
                for s in self.scores
            ],
        }

    def render(self, details: bool = True) -> str:
        """Plain-text report: one block per question, then the macro figures."""
        lines = [f"helper questions: {self.path}", ""]
        if details:
            for s in self.scores:
                lines.append(f"{s.qid} {s.helper} {s.arg!r}: P@10 {s.precision:.2f}  R@10 {s.recall:.2f}")
                for name, hit in s.answers:
                    lines.append(f"    {'+' if hit else '-'} {name}" + (f"  (= {hit})" if hit and hit != name else ""))
                if s.missed:
                    lines.append(f"    missed: {', '.join(s.missed)}")
            lines.append("")
        lines.append(f"P@10 {self.precision:.3f}  R@10 {self.recall:.3f}  over {len(self.scores)} questions")
        lines.append(
            "(+ an answer matching an accepted one, - any other; recall counts accepted answers with >= 2 papers)"
        )
        return "\n".join(lines)


def evaluate_helpers(kg: Any, path: str | Path, *, limit: int = TOP) -> HelpersReport:
    """Ask every question of `path` through the public API of `kg` and score the lists."""
    report = HelpersReport(str(path))
    for question in read_helper_questions(path):
        results = getattr(kg, HELPER_METHODS[question.helper])(question.arg, limit=limit)
        report.scores.append(score_answers(question, results))
    return report
