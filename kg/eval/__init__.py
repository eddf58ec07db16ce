"""`kg eval`: extraction scores against annotated data.

    from kg.eval import run_eval
    report = run_eval()                 # SciERC dev, TDMSci fixed dev, PwC validation recall
    print(report.render())
    run_eval([Path("test.json"), Path("test_500_v2.conll")])   # score any gold file of those shapes

NER is scored with exact spans on the gold tokens (see kg.eval.ner); the data directory is
$KG_DATA_DIR, else <repo>/../shared/data. Relation scores come from kg.eval.relations.evaluate_relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.eval.entities import default_entities_dev, evaluate_entities
from kg.eval.ner import ALL_LABELS, PRF, NERScores, evaluate_file, score_spans
from kg.eval.pwc import PwcScores, evaluate_pwc, is_pwc_file
from kg.eval.readers import data_dir, detect_format

__all__ = [
    "EvalReport",
    "NERScores",
    "PRF",
    "PwcScores",
    "default_model_path",
    "run_eval",
    "score_spans",
]


def default_model_path() -> Path:
    return Path(__file__).resolve().parents[1] / "extract" / "model"


@dataclass
class EvalReport:
    model: str
    ner: list[NERScores] = field(default_factory=list)
    pwc: list[PwcScores] = field(default_factory=list)
    entities: list[NERScores] = field(default_factory=list)  # paper-level, normalised forms (kg.eval.entities)
    relations: list[tuple[str, Any]] = field(default_factory=list)  # (file name, result of evaluate_relations)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "ner": [s.as_dict() for s in self.ner],
            "pwc": [s.as_dict() for s in self.pwc],
            "entities": [s.as_dict() for s in self.entities],
            "relations": [{"name": n, "result": _jsonable(r)} for n, r in self.relations],
            "notes": list(self.notes),
        }

    def render(self) -> str:
        """Plain-text tables (fixed width), one block per scored file."""
        lines = [f"model: {self.model}"]
        for s in self.ner:
            lines += ["", f"NER {s.name} ({s.n_docs} docs, exact span match)"]
            lines.append(f"  {'label':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
            for lab in s.labels:
                v = s.per_label.get(lab, PRF())
                lines.append(_prf_row(lab, v))
            lines.append(_prf_row("micro", s.micro))
        for s in self.entities:
            lines += ["", f"Entities {s.name} ({s.n_docs} abstracts, paper-level, normalised forms)"]
            lines.append(f"  {'label':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
            for lab in s.labels:
                lines.append(_prf_row(lab, s.per_label.get(lab, PRF())))
            lines.append(_prf_row("micro", s.micro))
        for p in self.pwc:
            lines += ["", f"PwC paper-level recall {p.name} ({p.papers} papers; gold names found in title/abstract)"]
            lines.append(f"  {'label':<8} {'recall':>7} {'found':>6} {'gold':>6}")
            for lab, r in list(p.per_label.items()) + [("all", p.overall)]:
                lines.append(f"  {lab:<8} {r.recall:>7.3f} {r.found:>6} {r.eligible:>6}")
        for name, result in self.relations:
            lines += ["", f"Relations {name}"]
            lines += ["  " + ln for ln in _render_any(result).splitlines()]
        for n in self.notes:
            lines += ["", f"note: {n}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _prf_row(lab: str, v: PRF) -> str:
    return f"  {lab:<8} {v.precision:>6.3f} {v.recall:>6.3f} {v.f1:>6.3f} {v.tp + v.fn:>6} {v.tp + v.fp:>6}"


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (int, float, str, bool)) or obj is None:
        return obj
    return str(obj)


def _render_any(result: Any) -> str:
    if hasattr(result, "render"):
        return str(result.render())
    data = _jsonable(result)
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        keys = sorted({k for v in data.values() for k in v})
        head = f"{'':<14}" + "".join(f"{k:>9}" for k in keys)
        rows = [head]
        for name, v in data.items():
            cells = "".join(f"{v[k]:>9.3f}" if isinstance(v.get(k), float) else f"{str(v.get(k, '')):>9}" for k in keys)
            rows.append(f"{name:<14}{cells}")
        return "\n".join(rows)
    return str(data)


def run_eval(
    files: list[Path] | None = None,
    *,
    model: Path | None = None,
    relations: bool = True,
) -> EvalReport:
    """Score the NER model (default kg/extract/model) on gold files.

    With no ``files``: SciERC dev, the fixed TDMSci dev part of train_1500_v2.conll, paper-level
    recall on PwC validation, and the in-domain entities dev (../shared/eval/entities-dev.jsonl,
    through the product extractor) when it exists. Each given file is scored by its shape: SciERC JSON (``sentences`` +
    ``ner``), TDMSci CoNLL (.conll, all sentences) or PwC SOTA JSON lines (``leaderboards``).
    """
    import spacy

    model_path = Path(model) if model is not None else default_model_path()
    if not model_path.exists():
        raise FileNotFoundError(f"no NER model at {model_path} (train it with training/train.py)")
    nlp = spacy.load(model_path)
    report = EvalReport(model=str(model_path))
    d = data_dir()
    jobs: list[tuple[str, Path, str, str]] = []  # (kind, path, part, display name)
    if not files:
        jobs = [
            ("scierc", d / "scierc" / "dev.json", "all", "SciERC dev"),
            ("tdmsci", d / "tdmsci" / "train_1500_v2.conll", "dev", "TDMSci dev (fixed 15% of train_1500_v2)"),
            ("pwc", d / "pwc_sota" / "validation.jsonl", "all", "PwC validation"),
        ]
        report.notes += [f"missing {j[1]}" for j in jobs if not j[1].exists()]
        jobs = [j for j in jobs if j[1].exists()]
        if default_entities_dev().exists():
            jobs.append(("entities", default_entities_dev(), "all", "in-domain entities-dev"))
    else:
        for f in files:
            f = Path(f)
            kind = "pwc" if is_pwc_file(f) else detect_format(f)
            jobs.append((kind, f, "all", f.name))
    from kg.eval.relations import evaluate_relations

    rel_fn = evaluate_relations if relations else None
    for kind, path, part, name in jobs:
        if kind == "pwc":
            report.pwc.append(evaluate_pwc(nlp, path, name=name))
            continue
        if kind == "entities":
            report.entities.append(evaluate_entities(path, model=model_path, name=name))
            continue
        report.ner.append(evaluate_file(nlp, path, fmt=kind, part=part, name=name))
        if kind == "scierc" and rel_fn is not None:
            try:
                report.relations.append((name, rel_fn(path, model_path)))
            except Exception as exc:  # report, don't fail the NER evaluation
                report.notes.append(f"relation evaluation failed on {name}: {exc!r}")
    return report


# Re-exported for callers that score their own predictions.
LABELS = ALL_LABELS
