"""`kg eval questions`: "which papers use X for Y" answers scored against hand-judged questions.

A questions file holds one JSON object per line: {"qid", "x", "y", "relevant_titles": [...], ...}
(the format of ../shared/eval/questions-dev.jsonl). Answers come from the public query API
(KnowledgeGraph.papers_using), so the figures are what `kg query papers-using X --for Y` gives.
Relevant papers are matched by title, the file's stable key.

Scores: macro precision and recall over the questions with relevant papers (an empty answer has
precision 0), how many questions whose right answer is empty are answered empty, and the share of
answers carrying an evidence sentence. The word-match baseline is scored on the same questions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from kg.eval.readers import shared_dir

DEFAULT_QUESTIONS = shared_dir() / "eval" / "questions-dev.jsonl"
# Words the word-match baseline ignores (the definition: "for/of/the/using/solving and the like").
BASELINE_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "and",
        "or",
        "with",
        "from",
        "by",
        "via",
        "using",
        "use",
        "solving",
        "against",
        "into",
        "over",
        "as",
        "at",
        "its",
        "their",
    }
)


class Question(BaseModel):
    """One hand-judged question."""

    qid: str
    x: str = Field(min_length=1)
    y: str = Field(min_length=1)
    x_type: str | None = None
    relevant_titles: list[str] = Field(default_factory=list)
    notes: str | None = None


def read_questions(path: str | Path) -> list[Question]:
    """Questions from a JSON-lines file; a bad line is an error naming file and line."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"questions file not found: {path}")
    questions = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                questions.append(Question.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                detail = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else exc.errors()[0]["msg"]
                raise ValueError(f"{path}:{number}: not a question record ({detail})") from None
    if not questions:
        raise ValueError(f"{path}: no questions")
    return questions


def title_key(title: str) -> str:
    """Titles compared case- and spacing-blind."""
    return " ".join(title.casefold().split())


def _baseline_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words}


def word_match_answers(question: Question, papers: Sequence[tuple[str, str]]) -> list[str]:
    """Titles of the papers whose lower-cased title + abstract contains every content word of X and of Y.

    The baseline of issue 11: words lower-cased with a plural "s" dropped, matched as substrings
    (so "network" finds "networks"), function words ignored.
    """
    wanted = _baseline_words(f"{question.x} {question.y}") - BASELINE_STOP_WORDS
    out = []
    for title, abstract in papers:
        text = f"{title} {abstract}".casefold()
        if all(w in text for w in wanted):
            out.append(title)
    return out


@dataclass
class QuestionScore:
    """One question's answer against its judgments."""

    qid: str
    x: str
    y: str
    relevant: list[str]
    answered: list[str]
    with_evidence: int = 0
    explain: str | None = None

    @property
    def found(self) -> list[str]:
        """Relevant titles answered."""
        got = {title_key(t) for t in self.answered}
        return [t for t in self.relevant if title_key(t) in got]

    @property
    def missed(self) -> list[str]:
        """Relevant titles not answered."""
        got = {title_key(t) for t in self.answered}
        return [t for t in self.relevant if title_key(t) not in got]

    @property
    def extra(self) -> list[str]:
        """Answered titles not judged relevant."""
        rel = {title_key(t) for t in self.relevant}
        return [t for t in self.answered if title_key(t) not in rel]

    @property
    def precision(self) -> float:
        """Share of answers that are relevant (0 for an empty answer)."""
        return len(self.found) / len(self.answered) if self.answered else 0.0

    @property
    def recall(self) -> float:
        """Share of relevant papers answered."""
        return len(self.found) / len(self.relevant) if self.relevant else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "qid": self.qid,
            "x": self.x,
            "y": self.y,
            "relevant": len(self.relevant),
            "answered": len(self.answered),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "found": self.found,
            "missed": self.missed,
            "extra": self.extra,
            "explain": self.explain,
        }


@dataclass
class Summary:
    """Macro figures over a question set."""

    name: str
    scores: list[QuestionScore] = field(default_factory=list)

    @property
    def answerable(self) -> list[QuestionScore]:
        """Questions whose right answer is not empty."""
        return [s for s in self.scores if s.relevant]

    @property
    def precision(self) -> float:
        """Macro precision over answerable questions."""
        rows = self.answerable
        return sum(s.precision for s in rows) / len(rows) if rows else 0.0

    @property
    def recall(self) -> float:
        """Macro recall over answerable questions."""
        rows = self.answerable
        return sum(s.recall for s in rows) / len(rows) if rows else 0.0

    @property
    def empties(self) -> tuple[int, int]:
        """(answered empty, questions whose right answer is empty)."""
        rows = [s for s in self.scores if not s.relevant]
        return sum(1 for s in rows if not s.answered), len(rows)

    @property
    def evidence_share(self) -> float:
        """Share of answers with at least one evidence sentence (1.0 when nothing was answered)."""
        total = sum(len(s.answered) for s in self.scores)
        return sum(s.with_evidence for s in self.scores) / total if total else 1.0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        done, empty = self.empties
        return {
            "name": self.name,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "empties_answered_empty": done,
            "empties": empty,
            "evidence_share": round(self.evidence_share, 4),
        }


@dataclass
class QuestionsReport:
    """The product's scores and the word-match baseline's on one question file."""

    source: str
    product: Summary
    baseline: Summary

    def as_dict(self) -> dict[str, Any]:
        """JSON form (`kg eval questions --json`)."""
        return {
            "source": self.source,
            "product": self.product.as_dict(),
            "baseline": self.baseline.as_dict(),
            "questions": [s.as_dict() for s in self.product.scores],
        }

    def render(self, *, details: bool = True) -> str:
        """Per-question lines (found / relevant, extras, misses), then the summary rows."""
        lines = [f"questions: {self.source}", ""]
        if details:
            base = {s.qid: s for s in self.baseline.scores}
            lines.append(f"{'qid':<6} {'found':>7} {'extra':>5} {'base':>7}  question")
            for s in self.product.scores:
                base_score = base[s.qid]
                lines.append(
                    f"{s.qid:<6} {len(s.found):>3}/{len(s.relevant):<3} {len(s.extra):>5} "
                    f"{len(base_score.found):>3}/{len(base_score.relevant):<3}  {s.x} | {s.y}"
                )
                lines += [f"{'':<8}missed: {t}" for t in s.missed]
                lines += [f"{'':<8}extra:  {t}" for t in s.extra]
                if s.explain and not s.answered:
                    lines.append(f"{'':<8}explain: {s.explain}")
            lines.append("")
        p, b = self.product, self.baseline
        lines.append(f"{'':<22} {'P':>6} {'R':>6} {'empties':>8} {'evidence':>9}")
        for row in (p, b):
            done, empty = row.empties
            lines.append(
                f"{row.name:<22} {row.precision:>6.3f} {row.recall:>6.3f} {f'{done}/{empty}':>8} {row.evidence_share:>9.2f}"
            )
        lines.append(f"{'ratio to baseline':<22} {_ratio(p.precision, b.precision):>6} {_ratio(p.recall, b.recall):>6}")
        lines += ["", *(COLUMN_NOTES if details else COLUMN_NOTES[3:])]
        return "\n".join(lines)


# What each column of `render` means, printed under the table.
COLUMN_NOTES = (
    "found: relevant papers answered / relevant papers judged for the question",
    "extra: answered papers judged not relevant",
    "base: the same count for the word-match baseline (every X and Y word in the paper's text)",
    "P, R: precision and recall, averaged over the questions",
    "empties: questions judged to have no answer that got an empty answer / such questions",
    "evidence: share of answered papers that carry at least one evidence sentence",
)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def score_questions(
    questions: Iterable[Question],
    answer: Callable[[Question], tuple[list[str], int, str | None]],
    name: str,
) -> Summary:
    """Score an answering function returning (titles, answers with evidence, explanation) per question."""
    summary = Summary(name)
    for q in questions:
        titles, with_evidence, explain = answer(q)
        summary.scores.append(QuestionScore(q.qid, q.x, q.y, list(q.relevant_titles), titles, with_evidence, explain))
    return summary


def evaluate_questions(graph: Any, path: str | Path = DEFAULT_QUESTIONS, *, limit: int = 20) -> QuestionsReport:
    """Score `graph.papers_using(x, task=y)` (a KnowledgeGraph) and the word-match baseline on a questions file."""
    questions = read_questions(path)

    def product(q: Question) -> tuple[list[str], int, str | None]:
        answer = graph.answer_papers_using(q.x, q.y, limit=limit)
        return [r.title for r in answer.results], sum(1 for r in answer.results if r.evidence), answer.explain

    texts = graph.paper_texts()

    def baseline(q: Question) -> tuple[list[str], int, str | None]:
        return word_match_answers(q, texts), 0, None

    return QuestionsReport(
        source=str(path),
        product=score_questions(questions, product, "paper-kg"),
        baseline=score_questions(questions, baseline, "word-match baseline"),
    )
