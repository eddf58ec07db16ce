"""Loading the shipped vocabulary and a user --vocab file that extends or overrides it."""

import json
from pathlib import Path

import pytest

from kg.vocab import VocabError, load_vocabulary, shipped_vocab_path
from kg.vocab.load import read_vocab_file


@pytest.fixture(scope="module")
def shipped():
    return load_vocabulary()


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def test_shipped_file_is_in_the_package_and_holds_all_four_labels(shipped):
    assert shipped_vocab_path().is_file()
    assert shipped_vocab_path().stat().st_size < 5_000_000
    labels = {e.label for e in shipped.values()}
    assert labels == {"Method", "Dataset", "Task", "Metric"}
    assert all(e.id.startswith(e.label.lower() + ":") for e in shipped.values())


def test_shipped_file_has_the_knowledge_the_issue_asks_for(shipped):
    coco = shipped["dataset:coco"]
    assert "COCO test-dev" in coco.aliases and "MS-COCO" in coco.aliases
    assert any(b.task == "task:object-detection" for b in coco.benchmarks)
    assert "method:vision-transformer" in shipped["method:deit"].parents
    assert "task:image-restoration" in shipped["task:deblurring"].parents
    assert shipped["task:image-generation"].parents == ["task:computer-vision"]
    # a leaderboard metric qualifying its bucket is its own entry, measuring its own tasks
    top1 = shipped["metric:top-1-accuracy"]
    assert top1.parents == ["metric:accuracy"] and top1.measures[0].task == "task:image-classification"
    assert top1.measures[0].weight > 2 * next(m.weight for m in shipped["metric:accuracy"].measures)
    # a leaderboard column scoring a dataset names no metric: "IMDb" is the dataset, not accuracy
    assert "IMDB (Acc)" not in shipped["metric:accuracy"].aliases and "dataset:imdb" in shipped
    # the correction file adds what no source has and moves what a source misplaces
    assert shipped["task:semi-supervised-learning"].sources == ["corrections"]
    assert "task:optical-character-recognition" not in shipped["task:active-learning"].parents
    # a method listed twice (its short name's full name is the other's name) is one entry; a family is not
    assert "method:ae" not in shipped and "AE" in shipped["method:autoencoder"].aliases
    assert "method:generative-adversarial-network" in shipped["method:gan"].parents


def test_shipped_references_resolve_and_hierarchy_is_acyclic(shipped):
    for entry in shipped.values():
        for target in entry.parents + [b.task for b in entry.benchmarks] + [m.task for m in entry.measures]:
            assert target in shipped
    state: dict[str, int] = {}

    def visit(key: str) -> None:
        state[key] = 1
        for parent in shipped[key].parents:
            assert state.get(parent) != 1, f"cycle through {key} -> {parent}"
            if parent not in state:
                visit(parent)
        state[key] = 2

    for key in shipped:
        if key not in state:
            visit(key)


def test_loading_is_cached(shipped):
    assert load_vocabulary() is shipped


def test_user_file_overrides_extends_and_drops(tmp_path, shipped):
    user = write_lines(
        tmp_path / "my.jsonl",
        [
            "# my thesaurus",
            {"id": "dataset:coco", "aliases": ["Common Objects in Context"]},
            {"label": "Method", "name": "LoRA", "aliases": ["low-rank adaptation"], "parents": []},
            {"label": "Task", "name": "wombat counting", "parents": ["task:computer-vision"]},
            {"id": "dataset:jobs", "drop": True},
        ],
    )
    merged = load_vocabulary(user)
    assert merged["dataset:coco"].aliases == ["Common Objects in Context"]
    assert merged["dataset:coco"].benchmarks == shipped["dataset:coco"].benchmarks  # fields not given are kept
    assert merged["method:lora"].aliases == ["low-rank adaptation"]
    assert merged["task:wombat-counting"].parents == ["task:computer-vision"]
    assert "dataset:jobs" not in merged and "dataset:jobs" in shipped
    assert len(merged) == len(shipped) + 1


@pytest.mark.parametrize(
    "records,message",
    [
        ([{"label": "Task", "name": "ok"}, "{not json"], ":2: not a JSON object"),
        ([{"label": "Model", "name": "x"}], ":1: label must be one of"),
        ([{"name": "no label"}], ":1: a new entry needs 'label' and 'name'"),
        (
            [
                {
                    "id": "task:x",
                    "label": "Task",
                    "name": "x",
                    "benchmarks": [{"task": "task:image-classification", "weight": 2}],
                }
            ],
            ":1: benchmarks.0.weight",
        ),
        (
            [{"id": "method:y", "label": "Method", "name": "y", "parents": ["method:no-such-family"]}],
            ":1: method:y refers to 'method:no-such-family'",
        ),
        ([{"id": "task:zz", "drop": True}], ":1: cannot drop 'task:zz'"),
        ([{"id": "dataset:x", "label": "Task", "name": "x"}], ":1: entry: Value error, id 'dataset:x' does not start"),
    ],
)
def test_bad_user_file_names_file_and_line(tmp_path, records, message):
    user = write_lines(tmp_path / "bad.jsonl", records)
    with pytest.raises(VocabError) as error:
        load_vocabulary(user)
    assert str(user) in str(error.value) and message in str(error.value)


def test_missing_user_file_is_a_clear_error(tmp_path):
    with pytest.raises(VocabError, match="no such vocabulary file"):
        load_vocabulary(tmp_path / "absent.jsonl")


def test_read_vocab_file_reads_plain_jsonl(tmp_path):
    path = write_lines(tmp_path / "v.jsonl", [{"id": "task:a", "label": "Task", "name": "a"}])
    assert [e.name for e in read_vocab_file(path)] == ["a"]
