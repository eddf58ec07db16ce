"""The vocabulary build on the tiny fixture: folding, corrections, hierarchy, weights, determinism."""

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

from kg.vocab.build import (
    build_vocabulary,
    is_name,
    is_ordinary_word,
    is_qualified_metric,
    is_weak_dataset,
    names_other_thing,
)
from kg.vocab.corrections import read_corrections
from kg.vocab.heldout import is_heldout
from kg.vocab.names import fold_dataset_name, merge_key, split_acronym
from kg.vocab.paraphrases import log_odds_z, mine_paraphrases
from kg.vocab.sources import read_sources

DATA = Path(__file__).parent / "data" / "vocab"
ROOT = Path(__file__).parent.parent
COMMON = {"jobs": 5.0, "set": 6.0, "transformer": 3.6, "shapes": 4.0}


def fake_zipf(word: str) -> float:
    return COMMON.get(word, 0.0)


def build():
    bundle = read_sources(DATA, keep_paper=lambda pid: not is_heldout(pid))
    return build_vocabulary(bundle, read_corrections(DATA / "corrections.tsv"), fake_zipf)


@pytest.fixture(scope="module")
def vocab():
    return {e.id: e for e in build()}


@pytest.mark.parametrize(
    "raw,base",
    [
        ("COCO test-dev", "COCO"),
        ("COCO minival", "COCO"),
        ("Cityscapes val", "Cityscapes"),
        ("ImageNet (val)", "ImageNet"),
        ("CIFAR-100, 40% Symmetric Noise", "CIFAR-100"),
        ("GQA test-std", "GQA"),
        ("VisDrone - 1% labeled data", "VisDrone"),
        ("Set5 - 4x upscaling", "Set5"),
        ("Mini-Imagenet 5-way (1-shot)", "Mini-Imagenet"),
        ("CoNLL 2003 (English)", "CoNLL 2003"),
        ("SST-2 Binary classification", "SST-2"),
        ("Kinetics-400", "Kinetics-400"),
        ("UCF101 split 1", "UCF101"),
    ],
)
def test_split_and_variant_names_fold_to_the_base_dataset(raw, base):
    assert fold_dataset_name(raw) == base


def test_merge_key_ignores_spelling_but_not_acronym_plurals():
    assert merge_key("MS-COCO") == merge_key("MS COCO") == merge_key("mscoco")
    assert merge_key("Language Modelling") == merge_key("language modeling")
    assert merge_key("Cityscape") == merge_key("Cityscapes")
    assert merge_key("ACES") != merge_key("ACE")
    assert split_acronym("Named Entity Recognition (NER)") == ("Named Entity Recognition", "NER")


def test_split_names_are_aliases_of_the_folded_dataset(vocab):
    imagenet = vocab["dataset:imagenet"]
    assert "ImageNet (val)" in imagenet.aliases
    coco = vocab["dataset:coco"]
    assert {"COCO test-dev", "COCO minival", "MS-COCO"} <= set(coco.aliases)
    assert "dataset:cifar-100" in vocab and "dataset:cifar-100-40-symmetric-noise" not in vocab
    assert not any(e.id.startswith("dataset:ms-coco") for e in vocab.values())


def test_dataset_task_weights_are_shares_of_the_datasets_evidence(vocab):
    coco = vocab["dataset:coco"]
    weights = {b.task: b.weight for b in coco.benchmarks}
    assert weights["task:object-detection"] > weights["task:instance-segmentation"] > 0
    assert all(0 < w <= 1 for w in weights.values())
    assert vocab["dataset:coco"].papers == 2


def test_held_out_and_validation_papers_are_never_read(vocab):
    names = {n.lower() for e in vocab.values() for n in [e.name, *e.aliases]}
    assert "heldoutonlyset" not in names and "validationonlyset" not in names


def test_corrections_fix_the_known_misplacements(vocab):
    assert vocab["task:image-generation"].parents == ["task:computer-vision"]
    assert vocab["task:question-answering"].parents == ["task:natural-language-processing"]
    assert "task:image-recognition" not in vocab
    assert "Image recognition" in vocab["task:image-classification"].aliases
    assert "task:word-level-models" not in vocab
    assert "LSTM network" in vocab["method:lstm"].aliases
    added = vocab["task:semi-supervised-learning"]
    assert added.sources == ["corrections"] and added.parents == ["task:computer-vision"]


def test_abstract_roots_are_dropped_and_fields_kept_as_parents(vocab):
    assert "task:ai-process" not in vocab and "task:benchmarking" not in vocab
    assert "task:computer-vision" in vocab
    assert "task:overlapped-100-5" not in vocab  # a one-paper leaderboard task named by no other source


def test_hierarchy_is_acyclic_and_every_reference_exists(vocab):
    for entry in vocab.values():
        for target in entry.parents + [b.task for b in entry.benchmarks] + [m.task for m in entry.measures]:
            assert target in vocab, (entry.id, target)
    for start in vocab:
        seen, stack = set(), [start]
        while stack:
            for parent in vocab[stack.pop()].parents:
                assert parent != start, f"cycle through {start}"
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)


def test_method_families_are_entries_their_members_point_to(vocab):
    family = vocab["method:vision-transformer"]
    assert "Vision Transformers" in family.aliases
    assert "method:vision-transformer" in vocab["method:deit"].parents
    assert "method:vision-transformer" in vocab["method:vit"].parents
    assert vocab["method:vit"].full_name == "Vision Transformer"
    assert "Vision Transformer" not in vocab["method:vit"].aliases  # the family's name picks the family
    lstm = vocab["method:lstm"]  # AIO's Long Short Term Memory merged into PwC's LSTM through the full name
    assert "aio" in lstm.sources and "method:recurrent-neural-network" in lstm.parents
    assert "method:causal-llm" not in vocab
    assert "method:adam" in vocab and "method:stochastic-optimization" in vocab["method:adam"].parents


def test_tasks_merge_acronym_forms_and_synonyms(vocab):
    ner = vocab["task:named-entity-recognition"]
    assert {"NER", "Entity extraction", "Entity recognition", "Entity identification"} <= set(ner.aliases)
    assert "task:ner" not in vocab
    assert vocab["task:image-classification"].papers == 2


def test_metrics_variants_and_tasks(vocab):
    accuracy = vocab["metric:accuracy"]
    assert "Top-1 Accuracy" in accuracy.aliases  # "Top 1 Accuracy" is the same spelling once normalised
    assert accuracy.measures and accuracy.measures[0].task == "task:image-classification"
    assert vocab["metric:f1-score"].parents == ["metric:f-measure"]
    assert "metric:undetermined" not in vocab


@pytest.mark.parametrize(
    "name,bucket,qualified",
    [
        ("Top-1 Accuracy", "Accuracy", True),
        ("Pixel Accuracy", "Accuracy", True),
        ("Top-1 Error Rate", "Error rate", True),
        ("Accuracy (%)", "Accuracy", False),  # a spelling
        ("Test Accuracy", "Accuracy", False),  # a split
        ("Accuracy (Cross-Subject)", "Accuracy", False),  # a protocol in parentheses
        ("Word Error Rate (WER)", "Word Error Rate", False),
        ("mAP", "Mean average precision", False),  # another name, not a qualified one
    ],
)
def test_a_qualified_metric_is_told_from_a_spelling(name, bucket, qualified):
    assert is_qualified_metric(name, bucket) is qualified


@pytest.mark.parametrize(
    "name,bucket,other",
    [
        ("IMDB (Acc)", "Accuracy", True),  # a dataset's score: "IMDb" must not name accuracy
        ("Restaurant 2014 (F1)", "F1 score", True),
        ("MRPC", "Accuracy", True),  # a dataset's name
        ("Accuracy (CS)", "Accuracy", False),
        ("AP", "Average Precision", False),  # an abbreviation, though a dataset is called AP too
        ("Mean IoU (test)", "Intersection over Union", False),
        ("Percentage correct", "Accuracy", False),  # another name, naming nothing else
    ],
)
def test_a_leaderboard_column_named_after_what_was_scored_is_no_metric_name(name, bucket, other):
    assert names_other_thing(name, bucket, {merge_key("MRPC"), merge_key("AP"), merge_key("IMDb")}) is other


def test_ambiguous_marks_ordinary_words_and_short_names(vocab):
    assert vocab["dataset:jobs"].ambiguous
    assert not vocab["dataset:imagenet"].ambiguous
    assert is_ordinary_word("AX", fake_zipf) and is_ordinary_word("Jobs", fake_zipf)
    assert not is_ordinary_word("Set5", fake_zipf) and not is_ordinary_word("BERT", fake_zipf)
    # a short acronym only the task-name list calls a dataset abbreviates methods more often ("SSL")
    assert is_weak_dataset("Dataset", {"pwc_task_names"}, 0, "SSL")
    assert not is_weak_dataset("Dataset", {"pwc_task_names"}, 0, "SemEval")
    assert not is_weak_dataset("Dataset", {"pwc_task_names", "ito"}, 0, "SSL")
    assert not is_weak_dataset("Method", {"pwc_task_names"}, 0, "SSL")
    # one English word no leaderboard paper names is that word more often than the dataset
    assert is_weak_dataset("Dataset", {"ito"}, 0, "Shapes", fake_zipf)
    assert not is_weak_dataset("Dataset", {"ito"}, 3, "Shapes", fake_zipf)
    assert not is_weak_dataset("Dataset", {"ito"}, 0, "HAM10000", fake_zipf)
    assert not is_weak_dataset("Dataset", {"ito"}, 0, "SHAPES", fake_zipf)  # capitals: written as a name


def test_a_dataset_name_has_a_letter(vocab):
    assert not is_name("Dataset", "2019") and is_name("Dataset", "Set14") and is_name("Metric", "1")
    assert not [e for e in vocab.values() if e.label == "Dataset" and not any(ch.isalpha() for ch in e.name)]


def test_build_is_deterministic_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("build_vocab", ROOT / "scripts" / "build_vocab.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    first, second = script.vocab_bytes(build()), script.vocab_bytes(list(reversed(build())))
    assert first == second
    lines = gzip.decompress(first).decode().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids))


def test_paraphrase_miner_keeps_over_represented_task_phrases_only():
    docs = []
    for i in range(12):
        docs.append((f"we improve image recognition with residual nets in run {i}", {"task:ic"}))
        docs.append((f"speech recognition with residual nets in run {i}", {"task:asr"}))
    docs += [("a note on image recognition", {"task:asr"})] * 3
    mined = mine_paraphrases(docs, frozenset({"recognition"}), frozenset(), {"": set()}, {}, min_z=2.0)
    assert sorted((m.text, m.task) for m in mined) == [
        ("image recognition", "task:ic"),
        ("speech recognition", "task:asr"),
    ]
    assert log_odds_z(10, 12, 0, 12) > log_odds_z(6, 12, 4, 12) > 0


def test_annotations_move_an_entry_to_the_label_its_papers_give_it():
    from kg.vocab.build import ANNOTATION_SOURCE, Store, annotated_labels, relabel_by_annotations
    from kg.vocab.names import merge_key

    stores = {label: Store(label) for label in ("Task", "Dataset", "Method", "Metric")}
    stores["Task"].add("data augmentation", "pwc_task_names")
    stores["Task"].add("image classification", "ito")
    stores["Method"].add("Interpretability", "pwc_methods")
    papers = [{"methods": ["data augmentation", "Data Augmentation"], "tasks": ["image classification"]}] * 3
    papers += [{"metrics": ["interpretability"]}] * 4 + [{"tasks": ["image classification"], "methods": ["MixUp"]}]
    votes = annotated_labels(papers)
    assert votes[merge_key("data augmentation")] == {"Method": 3}  # one vote a paper, whatever the spellings
    moved = relabel_by_annotations(stores, votes)
    assert moved == [("data augmentation", "Task", "Method")]
    assert stores["Task"].find("data augmentation") is None
    assert ANNOTATION_SOURCE in stores["Method"].drafts[merge_key("data augmentation")].sources
    assert stores["Task"].find("image classification") is not None  # annotated as its own label: stays
    assert stores["Method"].find("interpretability") is not None  # never moved to Metric (the annotators' soft spot)
    # fewer than ANNOTATED_MIN papers say nothing
    stores["Task"].add("pruning", "pwc_task_names")
    assert relabel_by_annotations(stores, annotated_labels([{"methods": ["pruning"]}] * 2)) == []
