"""The vocabulary's source readers on the tiny fixture under tests/data/vocab (a copy of the shared layout)."""

from pathlib import Path

from kg.vocab import sources
from kg.vocab.heldout import is_heldout

DATA = Path(__file__).parent / "data" / "vocab"
VOCAB = DATA / "vocab"


def test_ito_tree_gives_every_node_with_its_ancestors_and_parsed_synonyms():
    nodes = sources.read_ito_tasks(VOCAB / "ito" / "ai-process.json")
    by_name = {n.name: n for n in nodes}
    assert by_name["Image generation"].ancestors == (
        "AI process",
        "Vision process",
        "Pose estimation",
        "3D face animation",
    )
    assert by_name["Named entity recognition"].synonyms == ("Entity extraction",)
    assert by_name["AI process"].ancestors == ()


def test_ito_benchmark_rows_split_dataset_from_task_at_the_last_dash():
    rows = sources.read_ito_benchmarks(VOCAB / "ito" / "number_of_different_submetrics_per_benchmark.csv")
    pairs = {(r.dataset, r.task) for r in rows}
    assert ("COCO test-dev", "Object Detection") in pairs
    assert ("Set5 - 4x upscaling", "Image Super-Resolution") in pairs
    assert next(r for r in rows if r.dataset == "COCO test-dev").metrics == ("AP", "AP50")


def test_aio_reader_keeps_exact_synonyms_and_is_a_only():
    terms = {t.name: t for t in sources.read_aio_obo(VOCAB / "aio" / "aio.obo")}
    lstm = terms["Long Short Term Memory"]
    assert lstm.synonyms == ("LSTM",)  # the RELATED synonym "memory cell" is not a synonym
    assert lstm.is_a == ("aio:RecurrentNeuralNetwork",)
    assert "has part" not in terms  # [Typedef] stanzas are not terms


def test_pwc_methods_read_collections_from_python_literals_and_gzip():
    methods = {m.name: m for m in sources.read_pwc_methods(VOCAB / "pwc_methods" / "methods.json")}
    assert methods["ViT"].collections == ("Vision Transformers", "Image Models")
    assert methods["ViT"].full_name == "Vision Transformer"
    extra = sources.read_pwc_methods(VOCAB / "pwc_methods" / "methods_mariaayuso_2022.json.gz")
    assert [m.name for m in extra] == ["Adam", "AdamW"]


def test_sota_extractor_tasks_synonyms_and_task_names():
    nodes, rows = sources.read_sota_extractor_tasks(VOCAB / "pwc_sota_extractor" / "squad.json")
    assert [n.name for n in nodes] == ["Question Answering"]
    assert [r.dataset for r in rows] == ["SQuAD2.0", "NotInAnyLeaderboard"]
    pairs = sources.read_synonym_pairs(VOCAB / "pwc_sota_extractor" / "synonyms.csv")
    assert ("Named entity recognition", "Entity recognition") in pairs
    names = sources.read_pwc_task_names(VOCAB / "pwc_task_names" / "all_tasks.txt")
    assert "" not in names and "Named Entity Recognition (NER)" in names


def test_labelled_papers_skip_papers_without_leaderboards_and_the_ones_keep_rejects():
    path = DATA / "pwc_sota" / "train.jsonl"
    everything = sources.read_labelled_papers(path)
    kept = sources.read_labelled_papers(path, keep=lambda pid: not is_heldout(pid))
    assert len(everything) == 9  # the unanswerable paper has no leaderboards
    assert {p.paper_id for p in everything} - {p.paper_id for p in kept} == {"2101.00005"}


def test_heldout_rule_is_the_sha1_modulus():
    assert is_heldout("2101.00005") and is_heldout("2101.00006")
    assert not is_heldout("2101.00000")
    share = sum(is_heldout(f"2001.{i:05d}") for i in range(2000)) / 2000
    assert 0.15 < share < 0.25
