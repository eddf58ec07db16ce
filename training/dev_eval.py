"""Score a trained pipeline on the dev sets exactly as `kg eval` does (gold tokens, exact spans).

    python training/dev_eval.py training/output/A_base/model-best [more model dirs...] [--ruler]
    python training/dev_eval.py MODEL MODEL [MODEL ...] --vote   # majority vote of the models
    python training/dev_eval.py MODEL --entities   # + in-domain entities-dev and the held-out ml slice

Loads kg/eval/*.py without importing the rest of the kg package, so it works while other parts of
the tree are mid-change. Prints one line per model: SciERC micro + per label, TDMSci micro + per label.
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE_CORPUS = REPO / "training" / "corpus"


def load_kg_eval():
    """Import kg.eval.{readers,ner} without running kg/__init__.py."""
    if "kg" not in sys.modules:
        for name, path in (("kg", REPO / "kg"), ("kg.eval", REPO / "kg" / "eval")):
            mod = types.ModuleType(name)
            mod.__path__ = [str(path)]
            sys.modules[name] = mod
    import kg.eval.ner as ner  # noqa: E402
    import kg.eval.readers as readers  # noqa: E402

    return readers, ner


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+", type=Path)
    ap.add_argument("--suppress", action="store_true", help="suppress helper labels as the export does")
    ap.add_argument(
        "--ruler",
        choices=("after", "before"),
        help="add spaCy's entity_ruler with the seed lexicon (lower-case phrase patterns) after the NER "
        "(fills gaps only) or before it (its matches win)",
    )
    ap.add_argument(
        "--vote",
        action="store_true",
        help="score the models' vote instead: a span is kept when at least k models predict it, "
        "one line per k (pseudo_label.voted_spans, as used to label the distillation data)",
    )
    ap.add_argument(
        "--entities",
        action="store_true",
        help="also score ../shared/eval/entities-dev.jsonl and training/corpus/ml_dev.jsonl through the "
        "product extractor (kg.eval.entities; imports the whole kg package)",
    )
    args = ap.parse_args(argv)
    if args.entities:
        import kg.eval.entities  # noqa: F401  (the real package, before load_kg_eval's stand-ins)
    readers, ner = load_kg_eval()
    import spacy

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import components  # noqa: F401  (registers what training configs name: product scorer, kg_gazetteer)

    d = readers.data_dir()
    if args.vote:
        vote(ner, d, args.models)
        return
    for m in args.models:
        nlp = spacy.load(m)
        if args.suppress:
            from train import suppress_extra_labels

            print("  suppressed:", suppress_extra_labels(nlp))
        if args.ruler:
            import json

            with open(REPO / "kg" / "extract" / "lexicon" / "seed_lexicon.jsonl") as fh:
                rows = [json.loads(line) for line in fh]
            where = {"after": "ner"} if args.ruler == "after" else {"before": "ner"}
            ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}, **where)
            ruler.add_patterns([{"label": r["label"], "pattern": r["pattern"]} for r in rows])
        s1 = ner.evaluate_file(nlp, d / "scierc" / "dev.json")
        s2 = ner.evaluate_file(nlp, d / "tdmsci" / "train_1500_v2.conll", part="dev")

        def fmt(s):
            per = " ".join(f"{lab[:4]}={s.per_label[lab].f1:.3f}" for lab in s.labels)
            mi = s.micro
            return f"micro P={mi.precision:.3f} R={mi.recall:.3f} F={mi.f1:.3f} [{per}]"

        print(f"{m}\n  SciERC dev  {fmt(s1)}\n  TDMSci dev  {fmt(s2)}", flush=True)
        if args.entities:
            from kg.eval.entities import default_entities_dev, evaluate_entities

            for name, path in (
                ("in-domain dev", default_entities_dev()),
                ("ml held-out", HERE_CORPUS / "ml_dev.jsonl"),
            ):
                if path.exists():
                    print(f"  {name:<11} {fmt(evaluate_entities(path, model=m))}", flush=True)


def vote(ner, data_dir: Path, models: list[Path]) -> None:
    """Print SciERC and TDMSci dev micro scores of the models' vote for every threshold k."""
    import spacy
    from pseudo_label import voted_spans

    files = (
        ("SciERC", data_dir / "scierc" / "dev.json", "all"),
        ("TDMSci", data_dir / "tdmsci" / "train_1500_v2.conll", "dev"),
    )
    gold = {name: ner.load_gold(path, None, part) for name, path, part in files}
    preds: dict[str, list] = {name: [] for name, _, _ in files}
    for m in models:
        nlp = spacy.load(m)
        for name, (_fmt, docs, _spans, _labels) in gold.items():
            preds[name].append(ner.predict_on_gold_tokens(nlp, docs))
    for name, (_fmt, docs, spans, labels) in gold.items():
        for k in range(1, len(models) + 1):
            voted = [voted_spans([set(p[i]) for p in preds[name]], k) for i in range(len(docs))]
            mi = ner.score_spans(spans, voted, labels).micro
            print(f"{name} dev, >= {k} of {len(models)}: P={mi.precision:.3f} R={mi.recall:.3f} F={mi.f1:.3f}")


if __name__ == "__main__":
    main()
