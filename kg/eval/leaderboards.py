"""A Papers-with-Code check the vocabulary never saw: questions and helper lists from held-out leaderboards.

The papers are the held-out slice of ``pwc_sota/train.jsonl`` (kg.vocab.heldout: the vocabulary build
never reads them) plus ``validation.jsonl``, each with its leaderboard rows (task, dataset, metric).
From them:

- "papers using D for T" questions (the questions-dev.jsonl format) for every (dataset, task) pair of
  at least ``min_papers`` papers whose title or abstract names D: the relevant papers are those papers.
  Precision against them is a lower bound (a paper may use D for T without a leaderboard row).
- "datasets-for T" helper questions (the helpers-dev.jsonl format) for every task with at least
  ``min_task_papers`` such papers: the accepted answers are the datasets of T's leaderboards in the
  slice, each with the papers that name it.

Both are scored by the ordinary `kg eval questions` and `kg eval helpers` on a graph built from the
written papers file, so the figures are what a user of `kg query` gets.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.eval.pwc import strip_latex
from kg.eval.readers import shared_dir
from kg.vocab.heldout import is_heldout

PWC_DIR = shared_dir() / "data" / "pwc_sota"


@dataclass(frozen=True)
class LeaderboardPaper:
    """One held-out paper: plain-text title and abstract, and its (dataset, task) leaderboard pairs."""

    paper_id: str
    title: str
    abstract: str
    pairs: frozenset[tuple[str, str]]


def _names(name: str, text: str) -> bool:
    """True when the text writes the name as a whole word or phrase, in any case."""
    return re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", text.casefold()) is not None


def read_heldout(folder: Path = PWC_DIR) -> list[LeaderboardPaper]:
    """Held-out train papers and validation papers with an abstract and leaderboards."""
    papers = []
    for name, keep in (("train.jsonl", is_heldout), ("validation.jsonl", lambda _pid: True)):
        path = folder / name
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: the leaderboard check needs the repo's ../shared/data")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if not (row.get("leaderboards") and row.get("abstract_latex") and keep(row["paper_id"])):
                    continue
                pairs = frozenset(
                    (lb["dataset"], lb["task"]) for lb in row["leaderboards"] if lb.get("dataset") and lb.get("task")
                )
                papers.append(
                    LeaderboardPaper(
                        row["paper_id"],
                        strip_latex(row.get("title_latex")) or row["paper_id"],
                        strip_latex(row["abstract_latex"]),
                        pairs,
                    )
                )
    return papers


def sample(papers: list[LeaderboardPaper], limit: int | None, seed: int) -> list[LeaderboardPaper]:
    """At most `limit` papers, a seeded random choice kept in input order."""
    if limit is None or limit >= len(papers):
        return papers
    chosen = set(random.Random(seed).sample(range(len(papers)), limit))
    return [p for i, p in enumerate(papers) if i in chosen]


def named_pairs(papers: Iterable[LeaderboardPaper]) -> dict[tuple[str, str], list[LeaderboardPaper]]:
    """(dataset, task) -> the papers with that leaderboard pair whose title or abstract names the dataset."""
    out: dict[tuple[str, str], list[LeaderboardPaper]] = defaultdict(list)
    for paper in papers:
        text = f"{paper.title} {paper.abstract}"
        for dataset, task in sorted(paper.pairs):
            if _names(dataset, text):
                out[(dataset, task)].append(paper)
    return out


def questions(pairs: dict[tuple[str, str], list[LeaderboardPaper]], min_papers: int = 2) -> Iterator[dict]:
    """questions-dev.jsonl records: papers using D for T, relevant = the papers naming D with that pair."""
    for n, ((dataset, task), found) in enumerate(sorted(pairs.items())):
        if len(found) >= min_papers:
            yield {
                "qid": f"lb{n:04d}",
                "x": dataset,
                "y": task,
                "x_type": "dataset",
                "relevant_titles": [p.title for p in found],
            }


def helper_questions(pairs: dict[tuple[str, str], list[LeaderboardPaper]], min_task_papers: int = 3) -> Iterator[dict]:
    """helpers-dev.jsonl records: datasets-for T, accepted = T's leaderboard datasets named in the slice."""
    by_task: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for (dataset, task), found in pairs.items():
        by_task[task][dataset] = [p.paper_id for p in found]
    for n, task in enumerate(sorted(by_task)):
        datasets = by_task[task]
        if len({pid for ids in datasets.values() for pid in ids}) >= min_task_papers:
            yield {
                "qid": f"lbh{n:04d}",
                "helper": "datasets-for",
                "arg": task,
                "accepted": [{"name": d, "variants": [], "papers": ids} for d, ids in sorted(datasets.items())],
            }


def write_check(folder: Path, *, limit: int | None = None, seed: int = 0, source: Path = PWC_DIR) -> dict[str, int]:
    """Write papers.jsonl, questions.jsonl and helpers.jsonl into `folder`; returns their line counts."""
    papers = sample(read_heldout(source), limit, seed)
    pairs = named_pairs(papers)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "papers.jsonl": ({"id": f"arxiv:{p.paper_id}", "title": p.title, "abstract": p.abstract} for p in papers),
        "questions.jsonl": questions(pairs),
        "helpers.jsonl": helper_questions(pairs),
    }
    counts = {}
    for name, records in files.items():
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
        (folder / name).write_text("".join(lines), encoding="utf-8")
        counts[name] = len(lines)
    return counts
