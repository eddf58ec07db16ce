"""Paper-level Task / Dataset recall against Papers-with-Code leaderboard labels (SOTA? corpus).

For each paper, every gold task and dataset name (from ``leaderboards``) that occurs case-insensitively
in the paper's title or abstract is *eligible*. An eligible label is *found* when the model extracted
a mention with the same label (TASK / DATASET) whose text matches the gold name loosely: equal or
contained either way, case-insensitively (mentions shorter than 2 characters never match).
Recall = found / eligible, per label and overall. Papers without an abstract or leaderboards are
skipped. There is no precision: the labels are paper-level and incomplete.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

PWC_LABELS: dict[str, str] = {"task": "TASK", "dataset": "DATASET"}

_CMD_WITH_ARG = re.compile(r"\\(?:cite[a-z]*|ref|label|footnote|url|eqref|footnotemark)\*?(?:\[[^\]]*\])?\{[^}]*\}")
_CMD = re.compile(r"\\[a-zA-Z]+\*?")


def strip_latex(text: str | None) -> str:
    """Rough LaTeX -> plain text: drop citations/refs, keep the argument of formatting commands."""
    if not text:
        return ""
    text = _CMD_WITH_ARG.sub(" ", text)
    text = re.sub(r"(?<!\\)%.*", " ", text)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_")
    text = text.replace("``", '"').replace("''", '"')
    text = _CMD.sub(" ", text)
    text = re.sub(r"[{}$~]", " ", text)
    return " ".join(text.split())


def loose_match(mention: str, gold: str) -> bool:
    m, g = mention.lower().strip(), gold.lower().strip()
    if len(m) < 2 or not g:
        return False
    return m in g or g in m


@dataclass
class Recall:
    found: int = 0
    eligible: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.eligible if self.eligible else 0.0


@dataclass
class PwcScores:
    name: str
    papers: int = 0
    per_label: dict[str, Recall] = field(default_factory=lambda: {lab: Recall() for lab in PWC_LABELS.values()})
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (paper_id, label, gold name)

    @property
    def overall(self) -> Recall:
        r = Recall()
        for v in self.per_label.values():
            r.found += v.found
            r.eligible += v.eligible
        return r

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "papers": self.papers,
            "overall": {"recall": self.overall.recall, "found": self.overall.found, "eligible": self.overall.eligible},
            "labels": {
                k: {"recall": v.recall, "found": v.found, "eligible": v.eligible} for k, v in self.per_label.items()
            },
        }


def read_pwc(path: Path | str) -> list[dict]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def is_pwc_file(path: Path | str) -> bool:
    p = Path(path)
    if p.suffix.lower() not in (".json", ".jsonl"):
        return False
    with open(p, encoding="utf-8") as f:
        first = f.readline().strip()
    try:
        rec = json.loads(first)
    except ValueError:
        return False
    return isinstance(rec, dict) and "leaderboards" in rec


def evaluate_pwc(nlp, path: Path | str, name: str | None = None) -> PwcScores:
    """Paper-level recall of TASK and DATASET mentions found by ``nlp`` in title + abstract."""
    scores = PwcScores(name=name or Path(path).name)
    records = []
    for rec in read_pwc(path):
        title = strip_latex(rec.get("title_latex") or rec.get("title"))
        abstract = strip_latex(rec.get("abstract_latex") or rec.get("abstract"))
        if not abstract or not rec.get("leaderboards"):
            continue
        records.append((rec, title, abstract))
    texts = [t for _, title, abstract in records for t in (title, abstract)]
    docs = list(nlp.pipe(texts, batch_size=32))
    for i, (rec, title, abstract) in enumerate(records):
        scores.papers += 1
        mentions = [(e.text, e.label_) for d in docs[2 * i : 2 * i + 2] for e in d.ents]
        haystack = f"{title}\n{abstract}".lower()
        for key, label in PWC_LABELS.items():
            golds = {str(lb.get(key) or "").strip() for lb in rec["leaderboards"]}
            for gold in sorted(g for g in golds if g and g.lower() in haystack):
                scores.per_label[label].eligible += 1
                if any(lab == label and loose_match(text, gold) for text, lab in mentions):
                    scores.per_label[label].found += 1
                else:
                    scores.misses.append((str(rec.get("paper_id", i)), label, gold))
    return scores
