"""kg.eval.entities: the entities-dev scoring rules on hand cases, and `kg eval entities` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from kg.eval.entities import entity_forms, evaluate_entities, norm_form, read_entity_gold, score_paper


def test_norm_form_lowercases_drops_punctuation_and_plural_s() -> None:
    assert norm_form("Graph Neural Networks") == norm_form("graph neural network")
    assert norm_form("GANs") == norm_form("GAN") == "gan"
    assert norm_form("  top-1   accuracy ") == "top1 accuracy"
    assert norm_form("F1-score") == "f1score"


def test_full_abbr_pair_matches_either_part() -> None:
    forms = entity_forms("kernel thinning (KT)")
    assert {"kernel thinning", "kt"} <= forms
    assert {"texttoimage personalization", "t2i personalization"} <= entity_forms("Text-to-image (T2I) personalization")


def test_score_paper_counts_each_gold_entity_once_and_typed() -> None:
    gold = {"METHOD": ["kernel thinning (KT)", "SimCLR"], "TASK": ["object detection"], "METRIC": ["accuracy"]}
    pred = [
        ("KT", "METHOD"),
        ("kernel thinning", "METHOD"),  # second form of a matched entity: neither tp nor fp
        ("SimCLR", "TASK"),  # right string, wrong type: fp for TASK, fn for METHOD
        ("object detections", "TASK"),
        ("our method", "METHOD"),
        ("accuracy", "METRIC"),
        ("Accuracy", "METRIC"),  # same normalised form: one prediction
    ]
    c = score_paper(gold, pred)
    assert (c["METHOD"].tp, c["METHOD"].fp, c["METHOD"].fn) == (1, 1, 1)
    assert (c["TASK"].tp, c["TASK"].fp, c["TASK"].fn) == (1, 1, 0)
    assert (c["METRIC"].tp, c["METRIC"].fp, c["METRIC"].fn) == (1, 0, 0)
    assert (c["DATASET"].tp, c["DATASET"].fp, c["DATASET"].fn) == (0, 0, 0)


def _gold_file(tmp_path: Path) -> Path:
    rows = [
        {
            "id": "x1",
            "title": "Contrastive Learning for Image Classification",
            "abstract": "We train SimCLR on ImageNet for image classification and report top-1 accuracy.",
            "methods": ["SimCLR"],
            "datasets": ["ImageNet"],
            "tasks": ["image classification"],
            "metrics": ["top-1 accuracy"],
        },
        {
            "id": "D0000",
            "title": "Supervised Dictionary Learning with Auxiliary Covariates",
            "methods": ["SDL"],
            "datasets": [],
            "tasks": [],
            "metrics": [],
        },
    ]
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return p


def test_abstract_comes_from_the_papers_file_by_title(tmp_path: Path) -> None:
    golds = read_entity_gold(_gold_file(tmp_path))
    assert golds[1].abstract.startswith("Supervised dictionary learning (SDL)")
    assert golds[0].abstract.startswith("We train SimCLR")


def test_evaluate_entities_with_a_perfect_extractor_scores_one(tmp_path: Path) -> None:
    golds = read_entity_gold(_gold_file(tmp_path))

    class Perfect:
        def extract(self, papers):
            for _paper, g in zip(papers, golds, strict=True):
                ms = [SimpleNamespace(text=s, label=lab) for lab, ss in g.entities.items() for s in ss]
                yield SimpleNamespace(mentions=ms)

    s = evaluate_entities(_gold_file(tmp_path), extractor=Perfect())
    assert s.micro.tp == 5 and s.micro.fp == 0 and s.micro.f1 == 1.0


def test_cli_eval_entities_runs_the_product_extractor(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.extract import has_trained_model
    from kg.extract.pipeline import MODEL_DIR

    if not has_trained_model(MODEL_DIR):
        pytest.skip("no shipped model")
    res = CliRunner().invoke(app, ["eval", "entities", str(_gold_file(tmp_path)), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    micro = data["entities"][0]["micro"]
    assert micro["tp"] + micro["fn"] == 5  # every gold entity is counted once
    assert micro["tp"] >= 3  # SimCLR, ImageNet, image classification are easy for the shipped model
