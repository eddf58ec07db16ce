"""The shipped NER model (kg/extract/model) loads offline and finds hand-checked entities."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "kg" / "extract" / "model"
LABELS = {"METHOD", "DATASET", "TASK", "METRIC"}


@pytest.fixture(scope="module")
def nlp():
    import spacy

    return spacy.load(MODEL)


def ents(nlp, text):
    return {(e.text, e.label_) for e in nlp(text).ents}


def test_model_is_small_and_self_contained():
    files = [p for p in MODEL.rglob("*") if p.is_file()]
    assert (MODEL / "config.cfg").exists() and (MODEL / "meta.json").exists()
    size = sum(p.stat().st_size for p in files)
    assert size <= 20 * 1024 * 1024, size
    assert not any(p.name.startswith("optimizer") for p in files)
    cfg = (MODEL / "config.cfg").read_text(encoding="utf-8")
    assert "/work/" not in cfg and "shared/data" not in cfg and "training/corpus" not in cfg
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["labels"]["ner"]) >= LABELS


def test_loads_offline_in_a_fresh_process():
    code = (
        "import socket\n"
        "def _no_net(*a, **k): raise OSError('network disabled in test')\n"
        "socket.socket.connect = _no_net\n"
        "import spacy\n"
        f"nlp = spacy.load({str(MODEL)!r})\n"
        "print(','.join(nlp.pipe_names))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    names = out.stdout.strip().split(",")
    assert "ner" in names and "tok2vec" in names


def test_hand_checked_entities(nlp):
    # Hand-written sentences; expected spans checked against the shipped model.
    found = ents(nlp, "We evaluate on the COCO dataset and report mean average precision .")
    assert any(label == "DATASET" and "COCO" in text for text, label in found)
    assert ("mean average precision", "METRIC") in found
    found = ents(nlp, "Our model achieves a new state of the art BLEU score on machine translation .")
    assert any(label == "METRIC" and "BLEU" in text for text, label in found)
    assert ("machine translation", "TASK") in found
    found = ents(nlp, "We propose a convolutional neural network for image classification .")
    assert ("convolutional neural network", "METHOD") in found
    assert ("image classification", "TASK") in found
    found = ents(nlp, "We evaluate our approach on ImageNet and report top-1 accuracy .")
    assert ("ImageNet", "DATASET") in found
    found = ents(nlp, "We use BERT for named entity recognition .")
    assert ("BERT", "METHOD") in found and ("named entity recognition", "TASK") in found


def test_labels_are_the_product_labels(nlp):
    doc = nlp(
        "We train a recurrent neural network language model on the Penn Treebank and report perplexity. "
        "Experiments on SQuAD show gains in F1 for question answering."
    )
    assert doc.ents
    assert {e.label_ for e in doc.ents} <= LABELS


def test_run_eval_on_a_copy_of_dev(tmp_path):
    from kg.eval import run_eval
    from kg.eval.readers import data_dir

    dev = data_dir() / "scierc" / "dev.json"
    if not dev.exists():
        pytest.skip("shared data not present")
    copy = tmp_path / "test.json"
    shutil.copy(dev, copy)
    report = run_eval([copy], relations=False)
    (scores,) = report.ner
    assert scores.micro.support == 452
    assert scores.micro.f1 > 0.4
    text = report.render()
    assert "METHOD" in text and "micro" in text


def test_load_model_uses_numpy_blas_and_predicts_the_same(nlp):
    """load_model swaps BLIS for numpy's BLAS in every layer; the entities do not change."""
    from kg.extract.pipeline import load_model

    fast = load_model(MODEL)
    # spaCy builds the NER's small output layer on the "cpu" backend explicitly; everything else follows.
    layers = [
        layer
        for name in ("tok2vec", "ner")
        for layer in fast.get_pipe(name).model.walk()
        if layer is not fast.get_pipe("ner").model.get_ref("upper")
    ]
    assert len(layers) > 10 and all(getattr(layer.ops, "use_blis", True) is False for layer in layers)
    assert any(getattr(layer.ops, "use_blis", False) for layer in nlp.get_pipe("tok2vec").model.walk())
    text = (
        "We propose a graph attention network for node classification and evaluate it on Cora and "
        "PubMed, improving accuracy over GCN. Machine translation results on WMT 2014 use BLEU."
    )
    docs = [fast(text), nlp(text)]
    assert [(e.start, e.end, e.label_) for e in docs[0].ents] == [(e.start, e.end, e.label_) for e in docs[1].ents]
    assert docs[0].ents


def test_default_training_recipe_is_the_one_the_shipped_model_records():
    """`python training/train.py` (the FINAL recipe) trains what kg/extract/model was trained with."""
    from thinc.api import Config

    sys.path.insert(0, str(REPO / "training"))
    try:
        import train
    finally:
        sys.path.remove(str(REPO / "training"))
    recorded = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))["recipe"]
    assert recorded["name"] == train.SHIPPED_RECIPE
    assert recorded == train.recipe_record(train.SHIPPED_RECIPE)
    assert train.EXPERIMENTS[train.FINAL] == train.EXPERIMENTS[recorded["name"]]
    # The recorded network settings are those of the shipped config itself, not only of the recipe table.
    config = Config().from_disk(MODEL / "config.cfg", interpolate=True)
    for dotted, value in recorded.get("overrides", {}).items():
        node = config
        for part in dotted.split("."):
            node = node[part]
        assert str(node).replace(" ", "").replace("'", '"') == str(value).replace(" ", ""), dotted
