"""Dev scorer for model-best selection on the product labels only.

spaCy's ner scorer counts every predicted entity, so a model trained with the helper labels
GENERIC/OTHERTERM gets their dev predictions counted as false positives in ents_f, although the
exported model suppresses them and `kg eval` ignores them. `paper_kg.product_ner_scorer.v1` returns
the usual ner scores plus `ents_prod_p/r/f`: micro P/R/F over METHOD, DATASET, TASK, METRIC only,
ignoring other labels on both sides, and METHOD on the TDMSci dev docs (as kg/eval/ner.py does). train.py passes `--code` with this
file and sets `training.score_weights.ents_prod_f = 1` (ents_f = 0) for experiments with
"select": "product"; export() resets the saved config to spacy.ner_scorer.v1, so the shipped model
needs no custom code. Load a training output that uses it with `import scorer` first (dev_eval.py does).
"""

from __future__ import annotations

from spacy.scorer import PRFScore, get_ner_prf
from spacy.util import registry

PRODUCT_LABELS = ("METHOD", "DATASET", "TASK", "METRIC")


def product_ner_prf(examples, default_labels=PRODUCT_LABELS) -> dict:
    """Micro P/R/F over `default_labels` only, with spaCy's alignment and missing-annotation rules.

    A reference doc may narrow its scored labels with user_data["scored_labels"] (train.py sets
    TASK/DATASET/METRIC on the TDMSci dev docs, which have no METHOD annotation, as kg eval does).
    """
    total = PRFScore()
    for eg in examples:
        if not eg.y.has_annotation("ENT_IOB"):
            continue
        labels = set(eg.y.user_data.get("scored_labels", default_labels))
        golds = {(e.label_, e.start, e.end) for e in eg.y.ents if e.label_ in labels}
        align_x2y = eg.alignment.x2y
        for ent in eg.x.ents:
            if ent.label_ not in labels:
                continue
            idx = align_x2y[ent.start : ent.end]
            if not len(idx):
                continue
            if all(tok.ent_iob != 0 for tok in eg.y[idx[0] : idx[-1] + 1]):
                key = (ent.label_, idx[0], idx[-1] + 1)
                if key in golds:
                    total.tp += 1
                    golds.remove(key)
                else:
                    total.fp += 1
        total.fn += len(golds)
    return {"ents_prod_p": total.precision, "ents_prod_r": total.recall, "ents_prod_f": total.fscore}


@registry.scorers("paper_kg.product_ner_scorer.v1")
def make_product_ner_scorer():
    def score(examples, **kwargs):
        examples = list(examples)
        scores = get_ner_prf(examples)
        scores.update(product_ner_prf(examples))
        return scores

    return score
