"""Score a trained pipeline on the dev sets exactly as `kg eval` does (gold tokens, exact spans).

    python training/dev_eval.py training/output/A_base/model-best [more model dirs...] [--ruler]

Loads kg/eval/*.py without importing the rest of the kg package, so it works while other parts of
the tree are mid-change. Prints one line per model: SciERC micro + per label, TDMSci micro + per label.
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
    args = ap.parse_args(argv)
    readers, ner = load_kg_eval()
    import spacy

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import components  # noqa: F401  (registers what training configs name: product scorer, kg_gazetteer)

    d = readers.data_dir()
    for m in args.models:
        nlp = spacy.load(m)
        if args.suppress:
            from train import suppress_extra_labels

            print("  suppressed:", suppress_extra_labels(nlp))
        if args.ruler:
            import json

            rows = [json.loads(line) for line in open(REPO / "kg" / "extract" / "lexicon" / "seed_lexicon.jsonl")]
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


if __name__ == "__main__":
    main()
