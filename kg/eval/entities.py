"""Paper-level entity scoring on hand-annotated abstracts (the entities-dev format), through the product extractor.

    from kg.eval.entities import evaluate_entities
    scores = evaluate_entities(Path("../shared/eval/entities-dev.jsonl"))
    print(scores.micro.f1)

Gold lines are ``{"id", "title", ["abstract"], "methods", "datasets", "tasks", "metrics"}``. A line
without an abstract is matched by title (else by its ``D<line>`` id) to the papers file, by default
examples/seed_abstracts.jsonl. Scoring as ../shared/eval/README.md says: per abstract, a predicted
mention matches a gold entity of the same type when their normalised forms are equal (lowercase,
punctuation dropped, a trailing plural "s" dropped; "full name (ABBR)" matches either part); typed
micro P/R/F1. Each gold entity counts once (tp or fn); a distinct predicted form that matches no gold
entity is an fp, and a second correct form of an already matched entity ("KT" beside "kernel
thinning") counts as neither.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.eval.ner import ALL_LABELS, PRF, NERScores
from kg.eval.readers import shared_dir

__all__ = [
    "GOLD_FIELDS",
    "EntityGold",
    "default_entities_dev",
    "entity_forms",
    "evaluate_entities",
    "norm_form",
    "read_entity_gold",
    "score_paper",
]

GOLD_FIELDS: dict[str, str] = {"methods": "METHOD", "datasets": "DATASET", "tasks": "TASK", "metrics": "METRIC"}

_SPACES = re.compile(r"\s+")
# "full name (ABBR)" with optional words after the parenthesis ("Text-to-image (T2I) personalization").
_PAIR = re.compile(r"^(?P<full>.*?\S)\s*\((?P<abbr>[^()]+)\)(?P<rest>.*)$")


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_entities_dev() -> Path:
    """<repo>/../shared/eval/entities-dev.jsonl (it may not exist)."""
    return shared_dir() / "eval" / "entities-dev.jsonl"


def norm_form(text: str) -> str:
    """Lowercase, punctuation dropped, whitespace collapsed, one trailing "s" dropped."""
    s = "".join(ch for ch in text.lower() if not unicodedata.category(ch).startswith("P"))
    s = _SPACES.sub(" ", s).strip()
    return s[:-1] if len(s) > 1 and s.endswith("s") else s


def entity_forms(text: str) -> frozenset[str]:
    """Normalised forms a gold string matches: itself, and for "full (ABBR)" each part."""
    forms = {norm_form(text)}
    m = _PAIR.match(text.strip())
    if m:
        rest = m.group("rest")
        forms.add(norm_form(m.group("full") + rest))
        forms.add(norm_form(m.group("abbr") + rest))
    return frozenset(f for f in forms if f)


@dataclass
class EntityGold:
    id: str
    title: str
    abstract: str
    entities: dict[str, list[str]]  # label -> gold strings


def _load_papers(path: Path) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]]]:
    by_title: dict[str, tuple[str, str]] = {}
    by_line: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            pair = (rec.get("title", ""), rec.get("abstract", ""))
            by_line.append(pair)
            by_title.setdefault(_title_key(pair[0]), pair)
    return by_title, by_line


def _title_key(title: str) -> str:
    return _SPACES.sub(" ", title).strip().lower()


def read_entity_gold(path: Path, papers: Path | None = None) -> list[EntityGold]:
    """Gold lines with their abstracts (from the line itself or, by title, from ``papers``)."""
    with Path(path).open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    lookup: tuple[dict, list] | None = None
    out: list[EntityGold] = []
    for i, rec in enumerate(rows):
        title, abstract = rec.get("title", ""), rec.get("abstract")
        if abstract is None:
            if lookup is None:
                src = Path(papers) if papers is not None else _repo_root() / "examples" / "seed_abstracts.jsonl"
                if not src.exists():
                    raise FileNotFoundError(
                        f"{path}: line {i + 1} has no abstract and no papers file at {src} (the repo's sample): pass --papers FILE"
                    )
                lookup = _load_papers(src)
            by_title, by_line = lookup
            hit = by_title.get(_title_key(title))
            if hit is None:
                # ids D0000.. are the papers file's line order when the gold was written
                m = re.fullmatch(r"D(\d+)", str(rec.get("id", "")))
                idx = int(m.group(1)) if m else -1
                if 0 <= idx < len(by_line) and _title_key(by_line[idx][0]) == _title_key(title):
                    hit = by_line[idx]
            if hit is None:
                raise ValueError(f"{path}: line {i + 1}: no abstract found for title {title!r}")
            title, abstract = hit
        ents = {lab: list(rec.get(key) or []) for key, lab in GOLD_FIELDS.items()}
        out.append(EntityGold(id=str(rec.get("id", i)), title=title, abstract=abstract, entities=ents))
    return out


def score_paper(gold: dict[str, list[str]], predicted: Iterable[tuple[str, str]]) -> dict[str, PRF]:
    """Per-label counts for one abstract; ``predicted`` is (text, label) pairs."""
    preds: dict[str, set[str]] = {lab: set() for lab in ALL_LABELS}
    for text, label in predicted:
        if label in preds:
            f = norm_form(text)
            if f:
                preds[label].add(f)
    out: dict[str, PRF] = {}
    for lab in ALL_LABELS:
        # distinct gold entities: two strings with the same forms are one entity
        entities = list(dict.fromkeys(entity_forms(s) for s in gold.get(lab, []) if entity_forms(s)))
        all_forms = set().union(*entities) if entities else set()
        tp = sum(1 for forms in entities if forms & preds[lab])
        fp = sum(1 for f in preds[lab] if f not in all_forms)
        out[lab] = PRF(tp=tp, fp=fp, fn=len(entities) - tp)
    return out


def evaluate_entities(
    path: Path,
    *,
    model: Path | None = None,
    papers: Path | None = None,
    extractor=None,
    name: str | None = None,
) -> NERScores:
    """Typed P/R/F1 of the product extractor (kg.extract.Extractor, as `kg extract`) on an entities file."""
    from kg.extract import Extractor
    from kg.models import Paper

    golds = read_entity_gold(path, papers)
    ex = extractor if extractor is not None else Extractor(model)
    scores = NERScores(name=name or Path(path).name, labels=ALL_LABELS, n_docs=len(golds))
    for lab in ALL_LABELS:
        scores.per_label[lab] = PRF()
    items = [Paper(id=f"eval:{i}", title=g.title, abstract=g.abstract) for i, g in enumerate(golds)]
    for g, extraction in zip(golds, ex.extract(items), strict=True):
        counts = score_paper(g.entities, ((m.text, m.label) for m in extraction.mentions))
        for lab, c in counts.items():
            scores.per_label[lab] += c
    return scores
