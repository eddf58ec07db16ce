"""Linking resolved entities to the vocabulary: merges, labels, near misses, variants, knowledge, confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.build import build_graph
from kg.graph.schema import OFFER_BAR
from kg.models import Entity, Mention, Paper, PaperExtraction, Relation, Resolution
from kg.resolve import name_key
from kg.vocab import load_vocabulary, vocab_index
from kg.vocab.link import (
    corpus_confidence,
    head_label,
    link,
    link_entity,
    long_forms_defined,
    plan_links,
    written_as_dataset,
)

VOCAB = Path(__file__).parent / "data" / "vocab_link" / "vocab.jsonl"


@pytest.fixture(scope="module")
def index():
    # the fixture file as a user file over an empty shipped file: only these entries
    empty = VOCAB.parent / "empty.jsonl"
    empty.write_text("")
    try:
        return vocab_index(load_vocabulary(VOCAB, shipped=empty))
    finally:
        empty.unlink()


def _entity(eid: str, name: str, *aliases: str, papers: int = 1) -> Entity:
    label = eid.partition(":")[0].upper()
    return Entity(id=eid, label=label, name=name, aliases=[name, *aliases], paper_count=papers)


def test_names_aliases_and_long_form_link(index) -> None:
    assert link_entity(_entity("dataset:cifar10", "CIFAR10"), index) == "dataset:cifar-10"
    assert link_entity(_entity("method:vit", "ViT", "Vision Transformer (ViT)"), index) == "method:vision-transformer"
    assert link_entity(_entity("task:image recognition", "image recognition"), index) == "task:image-classification"
    assert link_entity(_entity("method:graph mamba", "Graph Mamba"), index) is None


def test_generic_tail_near_miss_and_ambiguity(index) -> None:
    assert link_entity(_entity("dataset:cifar-10 data", "CIFAR-10 data"), index) == "dataset:cifar-10"
    assert link_entity(_entity("dataset:cityscape", "Cityscape"), index) == "dataset:cityscapes"  # one edit
    assert link_entity(_entity("dataset:citys", "Citys"), index) is None  # too short to guess
    # a misspelling keeps a word's first letters: "MINIST" is too far from MNIST's start to guess
    assert link_entity(_entity("dataset:minist", "MINIST"), index) is None
    # an ordinary word under another label is not the ambiguous entry; under its own label it is
    assert link_entity(_entity("task:attention", "attention"), index) is None
    assert link_entity(_entity("method:attention", "attention"), index) == "method:attention"
    # written as the entry writes it in capitals, an ambiguous name is the entry whatever the NER's label
    from kg.vocab import load_index

    assert link_entity(_entity("task:glue", "GLUE"), load_index()) == "dataset:glue"
    assert link_entity(_entity("task:glue", "Glue"), load_index()) is None
    # the vocabulary's label wins for distinctive names: the NER's TASK "CIFAR-10" is the dataset
    assert link_entity(_entity("task:cifar-10", "CIFAR-10"), index) == "dataset:cifar-10"


def _corpus() -> tuple[list[Paper], list[PaperExtraction], Resolution]:
    s1 = "We evaluate ViT on CIFAR10 for image recognition with accuracy."
    s2 = "A Vision Transformer beats ResNet-34 on CIFAR-10."
    papers = [Paper(id="p1", title="T1", abstract=s1), Paper(id="p2", title="T2", abstract=s2)]

    def m(text: str, label: str, sentence: str) -> Mention:
        start = sentence.index(text)
        return Mention(
            field="abstract", start=start, end=start + len(text), text=text, label=label, confidence=0.8, sentence=1
        )

    extractions = [
        PaperExtraction(
            paper_id="p1",
            sentences=["T1", s1],
            mentions=[
                m("ViT", "METHOD", s1),
                m("CIFAR10", "TASK", s1),
                m("image recognition", "TASK", s1),
                m("accuracy", "METRIC", s1),
            ],
            relations=[
                Relation(type="USES", head=None, tail=0, evidence=s1, confidence=0.8, cue="use_verb"),
                Relation(type="ADDRESSES", head=None, tail=1, evidence=s1, confidence=0.6, cue="default"),
                Relation(type="ADDRESSES", head=None, tail=2, evidence=s1, confidence=0.9, cue="for_task"),
            ],
        ),
        PaperExtraction(
            paper_id="p2",
            sentences=["T2", s2],
            mentions=[
                m("Vision Transformer", "METHOD", s2),
                m("ResNet-34", "DATASET", s2),
                m("CIFAR-10", "DATASET", s2),
            ],
            relations=[
                Relation(type="USES", head=None, tail=0, evidence=s2, confidence=0.8, cue="default"),
                Relation(type="EVALUATES_ON", head=None, tail=1, evidence=s2, confidence=0.35, cue="baseline"),
                Relation(type="EVALUATES_ON", head=None, tail=2, evidence=s2, confidence=0.9, cue="on"),
            ],
        ),
    ]
    entities = {
        "method:vit": _entity("method:vit", "ViT"),
        "method:vision transformer": _entity("method:vision transformer", "Vision Transformer"),
        "task:cifar10": _entity("task:cifar10", "CIFAR10"),
        "dataset:cifar-10": _entity("dataset:cifar-10", "CIFAR-10"),
        "task:image recognition": _entity("task:image recognition", "image recognition"),
        "metric:accuracy": _entity("metric:accuracy", "accuracy"),
        "dataset:resnet 34": _entity("dataset:resnet 34", "ResNet-34"),
    }
    resolution = Resolution(
        entities=entities,
        mention_entities={
            "p1": ["method:vit", "task:cifar10", "task:image recognition", "metric:accuracy"],
            "p2": ["method:vision transformer", "dataset:resnet 34", "dataset:cifar-10"],
        },
    )
    return papers, extractions, resolution


def test_link_merges_relabels_and_brings_knowledge(index) -> None:
    papers, extractions, resolution = _corpus()
    linked = link(resolution, index)
    ids = set(linked.entities)
    # ViT and Vision Transformer are one entry; CIFAR10 (tagged TASK) and CIFAR-10 one dataset
    assert {"method:vision-transformer", "dataset:cifar-10", "task:image-classification", "metric:accuracy"} <= ids
    assert linked.entities["method:vision-transformer"].paper_count == 2
    assert (
        linked.entities["dataset:cifar-10"].label == "DATASET" and linked.entities["dataset:cifar-10"].paper_count == 2
    )
    assert linked.mention_entities["p1"][1] == "dataset:cifar-10"
    # ancestors come along (only those of touched entries), with IS_A
    assert "method:transformer" in ids and "task:computer-vision" in ids and "task:object-detection" not in ids
    assert ("method:vision-transformer", "method:transformer") in linked.is_a
    assert ("task:image-classification", "task:computer-vision") in linked.is_a
    # ResNet-34 (tagged DATASET) is a sized member of the ResNet family: relabelled, IS_A ResNet
    assert ("method:resnet 34", "method:resnet") in linked.is_a and linked.mention_entities["p2"][
        1
    ] == "method:resnet 34"
    # knowledge only towards tasks in the graph
    assert ("dataset:cifar-10", "task:image-classification", "BENCHMARK_FOR", 0.6) in linked.knowledge
    assert not any(t == "task:object-detection" for _, t, _, _ in linked.knowledge)
    assert ("metric:accuracy", "task:image-classification", "MEASURES", 0.5) in linked.knowledge
    assert all(
        e.source == "vocabulary" and e.vocab_id == e.id for e in linked.entities.values() if e.id in index.entries
    )

    graph = build_graph(papers, extractions, linked)
    # the NER's ADDRESSES to "CIFAR10" becomes the dataset's EVALUATES_ON; roles are stored
    assert graph.has_edge("p1", "dataset:cifar-10", key="EVALUATES_ON")
    assert not graph.has_edge("p1", "dataset:cifar-10", key="ADDRESSES")
    assert graph.edges["p1", "method:vision-transformer", "USES"]["role"] == "own use"
    assert graph.edges["p2", "method:resnet 34", "USES"]["role"] == "baseline"
    assert graph.edges["dataset:cifar-10", "task:image-classification", "BENCHMARK_FOR"]["weight"] == 0.6
    assert graph.nodes["dataset:cifar-10"]["source"] == "vocabulary"


def test_corpus_confidence_orders_evidence() -> None:
    one = _entity("method:foo net", "foo net")
    named = _entity("method:foonet", "FooNet")
    three = _entity("method:foo net", "foo net", papers=3)
    generic = _entity("method:neural network", "neural network", papers=5)
    data = _entity("dataset:real world data", "real-world data", papers=3)
    assert corpus_confidence(one, 1.0) < OFFER_BAR <= corpus_confidence(named, 1.0)
    assert corpus_confidence(three, 1.0) >= OFFER_BAR > corpus_confidence(three, 0.5)
    assert corpus_confidence(generic, 1.0) < OFFER_BAR and corpus_confidence(data, 1.0) < OFFER_BAR
    # a mathematical object or a part of an objective is no method, however often it is named
    for name in ("partial differential equation", "regularization term", "scaling law"):
        assert corpus_confidence(_entity(f"method:{name}", name, papers=9), 1.0) < OFFER_BAR, name


def test_a_defined_short_form_is_a_dataset_of_the_vocabulary_only_where_its_long_form_names_one() -> None:
    """A dataset entry with no long form of its own cannot disagree with a paper's definition; where the
    NER did not tag the entity a dataset, its long form must read as a dataset's name."""
    from kg.vocab import load_index

    shipped = load_index()
    assert shipped.ids("msr") == ("dataset:msr",) and shipped.ids("lrs2") == ("dataset:lrs2",)
    msr = _entity("task:multi modality speech recognition", "multi-modality speech recognition", "MSR")
    assert link_entity(msr, shipped) is None
    lrs2 = _entity("method:lip reading sentences 2", "Lip Reading Sentences 2", "LRS2")
    assert link_entity(lrs2, shipped) == "dataset:lrs2"
    assert link_entity(_entity("dataset:msr", "MSR", "multi-modality speech recognition"), shipped) == "dataset:msr"
    # an entity that only writes the short form takes the long forms the corpus spells it with elsewhere
    ner = _entity("method:ner", "NER", "NER models")
    assert shipped.ids("ner") == ("dataset:ner",) and link_entity(ner, shipped) == "dataset:ner"
    defined = long_forms_defined([_entity("task:named entity recognition", "named entity recognition", "NER")])
    assert defined == {"NER": ["named entity recognition"]}
    assert link_entity(ner, shipped, defined=defined) is None
    # a metric's generic tail is its head: without it the name is another thing
    assert link_entity(_entity("metric:discriminator score", "discriminator score"), shipped) is None
    assert link_entity(_entity("method:discriminator score", "discriminator score"), shipped) is not None


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("ImageNet classification", "dataset:imagenet"),  # a task head after the name: what it was used for
        ("PASCAL VOC detection", "dataset:pascal-voc"),
        ("ImageNet 256times256", "dataset:imagenet"),  # a size written with LaTeX's \times
        ("CelebA-HQ-256 image generation", "dataset:celeba-hq"),
        ("image classification", None),
        ("panoptic domain adaptation", None),  # a task: the Panoptic dataset would be written as a name
        ("Electronic Health Record", None),  # in Title Case one capitalised word is no name (ReCoRD)
        ("unconditional CIFAR10", "dataset:cifar-10"),
    ],
)
def test_settings_after_a_shipped_dataset_name_are_the_dataset(name: str, entry: str | None) -> None:
    from kg.vocab import load_index
    from kg.vocab.link import variant_of

    assert variant_of(_entity(f"dataset:{name.lower()}", name), load_index()) == entry


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("TREC collection", True),
        ("CUTEst test set", True),
        ("Open Images", True),
        ("VQA-CPv2", True),
        ("3BPA", True),
        ("PINN scenario", False),
        ("1B training example", False),
        ("BEIR retrieval", False),  # a task head after a name: the name with what it was used for
        ("real-world data", False),
    ],
)
def test_a_dataset_is_offered_when_written_as_a_dataset_name(name: str, named: bool) -> None:
    assert written_as_dataset(name, frozenset({"retrieval", "classification"})) is named
    entity = _entity(f"dataset:{name.lower()}", name)
    assert (corpus_confidence(entity, 1.0, frozenset({"retrieval"})) >= OFFER_BAR - 0.1) is named


def test_a_name_s_head_word_gives_its_label(index) -> None:
    framework = _entity("dataset:usf", "USF", "Unified Sampling Framework (USF)")
    assert head_label(framework, index) == "METHOD"
    # the head word added to another of its names says nothing: "CIFAR10 model" is about CIFAR10
    assert head_label(_entity("method:cifar10", "CIFAR10", "CIFAR10 model"), index) is None
    assert (
        head_label(_entity("dataset:data augmentation", "data augmentation", "data augmentation technique"), index)
        is None
    )
    # a method's name ending in a head that ends the shipped vocabulary's task names almost only is a task;
    # "search" ends method names too ("beam search")
    from kg.vocab import load_index

    shipped = load_index()
    assert "classification" in shipped.task_only_heads and "search" not in shipped.task_only_heads
    vit = _entity("method:vit style image classification", "ViT-style image classification")
    assert head_label(vit, shipped) == "TASK"
    assert head_label(_entity("method:beam search", "beam search"), shipped) is None


def test_a_method_named_so_never_links_to_a_dataset_entry(index) -> None:
    # the vocabulary's dataset "MNIST" must not take a paper's "MNIST network (MNIST)"-style method
    entities = {
        "dataset:mnist framework": _entity(
            "dataset:mnist framework", "MNIST", "Multi Node Image Sampling Framework (MNIST)"
        ),
        "dataset:mnist": _entity("dataset:mnist", "MNIST"),
    }
    plan = plan_links(entities, index)
    assert plan.new_id["dataset:mnist"] == "dataset:mnist"  # linked to the entry
    assert plan.new_id["dataset:mnist framework"] == "method:mnist framework"  # a corpus method
    assert plan.out["method:mnist framework"].label == "METHOD"


def test_a_bracket_that_qualifies_another_name_is_kept_in_the_key() -> None:
    from kg.vocab import load_index

    shipped = load_index()
    # "reinforcement learning (Atari games)" is not indexed as "reinforcement learning"; "Vision Transformer
    # (ViT)"-style names still lose their bracket
    assert shipped.ids("reinforcement learning") == ("task:reinforcement-learning",)
    rl = _entity("method:reinforcement learning algorithm", "reinforcement learning algorithm")
    assert link_entity(rl, shipped) != "task:reinforcement-learning-atari-games"


def test_a_dataset_no_entry_vouches_for_needs_a_written_name_and_a_dataset_cue() -> None:
    from kg.vocab import load_index
    from kg.vocab.link import NO_ENTITY

    shipped = load_index()
    entities = {
        "dataset:noisy training data": _entity("dataset:noisy training data", "noisy training data"),
        "dataset:lvis long tailed object detection": _entity(
            "dataset:lvis long tailed object detection", "LVIS long-tailed object detection"
        ),
        "dataset:hflickr": _entity("dataset:hflickr", "HFlickr").model_copy(update={"dataset_cue": True}),
        "dataset:trec collection": _entity("dataset:trec collection", "TREC collection").model_copy(
            update={"dataset_cue": True}
        ),
        # written as a name, but no paper uses it as a dataset ("DPR, ANCE, DeepCT and COIL"): a method
        "dataset:ance": _entity("dataset:ance", "ANCE"),
    }
    plan = plan_links(entities, shipped)
    assert plan.new_id["dataset:noisy training data"] == NO_ENTITY  # a description of data: dropped
    assert "dataset:noisy training data" not in plan.out
    assert plan.new_id["dataset:lvis long tailed object detection"].startswith("task:")  # named by its task
    assert plan.new_id["dataset:hflickr"] == "dataset:hflickr"  # written as a dataset's name: kept
    assert plan.new_id["dataset:trec collection"] == "dataset:trec collection"
    assert plan.new_id["dataset:ance"] == NO_ENTITY
    assert plan.remap(["dataset:hflickr", "dataset:noisy training data"]) == ["dataset:hflickr", NO_ENTITY]


def test_a_dropped_mention_leaves_no_node_and_no_edge() -> None:
    sentence = "We train on noisy training data and HFlickr, unlike ANCE."
    paper = Paper(id="p:1", title="T", abstract=sentence)

    def m(text: str) -> Mention:
        start = sentence.index(text)
        return Mention(
            field="abstract", start=start, end=start + len(text), text=text, label="DATASET", confidence=0.8, sentence=1
        )

    extraction = PaperExtraction(
        paper_id="p:1",
        sentences=["T", sentence],
        mentions=[m("noisy training data"), m("HFlickr"), m("ANCE")],
        relations=[
            Relation(type="EVALUATES_ON", head=None, tail=0, evidence=sentence, confidence=0.9, cue="on"),
            Relation(type="EVALUATES_ON", head=None, tail=1, evidence=sentence, confidence=0.9, cue="on"),
            Relation(type="EVALUATES_ON", head=None, tail=2, evidence=sentence, confidence=0.55, cue="default"),
        ],
    )
    from kg.pipeline import assemble

    graph = assemble([paper], [extraction])
    datasets = {n for n, d in graph.nodes(data=True) if d.get("label") == "Dataset"}
    assert datasets == {"dataset:hflickr"}
    assert [v for _, v in graph.out_edges("p:1")] == ["dataset:hflickr"]


def test_a_metric_head_makes_a_metric_and_vague_or_activity_tasks_are_not_offered() -> None:
    from kg.vocab import load_index
    from kg.vocab.link import vague_task

    shipped = load_index()
    assert {"accuracy", "error", "rate"} <= shipped.metric_only_heads and "loss" not in shipped.metric_only_heads
    assert head_label(_entity("task:click through rate", "Click-Through-Rate"), shipped) == "METRIC"
    assert head_label(_entity("method:focal loss", "focal loss"), shipped) is None  # "loss" ends methods too
    assert vague_task(_entity("task:vision task", "vision task"), shipped)
    assert vague_task(_entity("task:machine learning application", "machine learning applications"), shipped)
    assert not vague_task(_entity("task:classification task", "classification task"), shipped)
    assert not vague_task(_entity("task:inverse problem", "inverse problem"), shipped)  # a problem's own name
    entities = {
        "task:vision task": _entity("task:vision task", "vision task", papers=4),
        "task:ablation study": _entity("task:ablation study", "ablation study", papers=4),
        "task:protein docking": _entity("task:protein docking", "protein docking", papers=4),
    }
    out = plan_links(entities, shipped).out
    assert out["task:vision task"].confidence < OFFER_BAR and out["task:ablation study"].confidence < OFFER_BAR
    assert out["task:protein docking"].confidence >= OFFER_BAR


def test_a_short_form_links_only_where_the_long_forms_agree() -> None:
    from kg.vocab import load_index
    from kg.vocab.link import is_abbreviation

    shipped = load_index()
    # the paper defines VAR as visual autoregressive models; the vocabulary's VAR is vector autoregression
    var = _entity("method:var", "VAR", "VAR models", "Visual Autoregressive Models")
    assert shipped.entries["method:vector-autoregression"].aliases == ["VAR"]
    assert link_entity(var, shipped) is None
    assert link_entity(_entity("method:var", "VAR", "vector autoregression"), shipped) == "method:vector-autoregression"
    # with no long form of its own, a short form links as before; a near spelling of the long form agrees
    assert link_entity(_entity("method:var", "VAR"), shipped) == "method:vector-autoregression"
    fcn = _entity("method:fcn", "FCN", "Fully Convolutional Networks")
    assert link_entity(fcn, shipped) == "method:fcn"
    assert link_entity(_entity("method:fcn", "FCNs", "fully connected neural networks"), shipped) is None
    assert [is_abbreviation(n) for n in ("VAR", "GANs", "VAR models", "Visual Autoregressive", "ResNet")] == [
        True,
        True,
        True,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("Cityscapes test set", "dataset:cityscapes"),
        ("Kinetics test set", "dataset:kinetics"),
        ("YouTube-VIS validation set", "dataset:youtube-vis"),
        ("COCO- 5-shot", "dataset:coco"),
        ("HARD set", None),  # a paper's hard split; the vocabulary's HARD is an ambiguous entry
    ],
)
def test_a_dataset_split_is_the_dataset(name: str, entry: str | None) -> None:
    from kg.vocab import load_index
    from kg.vocab.link import variant_of

    shipped = load_index()
    base = variant_of(_entity(f"dataset:{name.lower()}", name), shipped)
    assert (shipped.entries[base].id if base else None) == entry


def test_a_sole_benchmark_brings_its_task_unnamed() -> None:
    from kg.graph.schema import SOLE_BENCHMARK
    from kg.vocab import load_index
    from kg.vocab.link import main_benchmark_tasks

    shipped = load_index()
    # DTU's leaderboard papers all do 3D reconstruction; CIFAR-10's do many tasks
    assert main_benchmark_tasks(shipped, ["dataset:dtu"]) == {"task:3d-reconstruction"}
    assert main_benchmark_tasks(shipped, ["dataset:cifar-10", "method:transformer"]) == set()
    # a main task (half its papers or more) comes too: MMLU is multi-task language understanding's, so a
    # paper evaluating on it beside image classification does not make it an image classification dataset
    assert main_benchmark_tasks(shipped, ["dataset:mmlu"]) == {"task:multi-task-language-understanding"}
    assert main_benchmark_tasks(shipped, ["dataset:mmlu"], bar=SOLE_BENCHMARK) == set()
    resolution = Resolution(
        entities={"dataset:dtu": _entity("dataset:dtu", "DTU")}, mention_entities={"p1": ["dataset:dtu"]}
    )
    linked = link(resolution, shipped)
    # the task joins the graph with no paper of its own, and the knowledge edge with it
    assert linked.entities["task:3d-reconstruction"].paper_count == 0
    assert ("dataset:dtu", "task:3d-reconstruction", "BENCHMARK_FOR", 1.0) in linked.knowledge


def test_a_dataset_root_knows_what_its_editions_benchmark() -> None:
    from kg.vocab import load_index
    from kg.vocab.link import benchmarks_of, main_benchmark_tasks

    shipped = load_index()
    # PASCAL VOC's own 5 leaderboard papers do graph matching; with its 2012 edition's 79 (folded into it
    # at link time) it is a segmentation and detection benchmark
    links, papers = benchmarks_of(shipped, "dataset:pascal-voc")
    assert papers > shipped.entries["dataset:pascal-voc"].papers
    top = {t.task for t in links[:4]}
    assert "task:semantic-segmentation" in top and "task:graph-matching" not in top
    # HMDB's one own paper (domain adaptation) makes it no sole benchmark once HMDB-51's 45 count
    assert shipped.entries["dataset:hmdb"].benchmarks[0].weight == 1.0
    assert main_benchmark_tasks(shipped, ["dataset:hmdb"]) == set()
    # an entry without editions keeps its own links
    assert benchmarks_of(shipped, "dataset:dtu") == (tuple(shipped.entries["dataset:dtu"].benchmarks), 6)


@pytest.mark.parametrize(
    ("key", "candidate", "typo"),
    [
        ("crowpose", "crowdpose", True),  # (but not as written, "Crow|Pose": a part's start)
        ("distillbert", "distilbert", True),
        ("pooling operator", "pooling operation", True),
        ("fashion mnist", "fashionmnist", True),
        ("l2 regularization", "l1 regularization", False),  # another number
        ("wmt 2014", "wmt 2018", False),
        ("face detection", "false detection", False),  # a short word
        ("mean pooling", "max pooling", False),
        ("vggnet", "vsgnet", False),  # a word's start
        ("splade", "spade", False),
        ("jpeg decompression", "jpeg compression", False),
    ],
)
def test_a_near_miss_must_look_like_a_misspelling(key: str, candidate: str, typo: bool) -> None:
    from kg.vocab import load_index
    from kg.vocab.link import plausible_typo

    assert plausible_typo(key, candidate) is typo
    # the parts of a CamelCase name count as words: "Mobile|Net" is not "Mobile|Det", "Distill|BERT" is "Distil"
    assert not plausible_typo("mobilenet", "mobiledet", "MobileNet") and plausible_typo("mobilenet", "mobiledet")
    assert not plausible_typo("efficientnet l2", "efficientnetv2", "EfficientNet-L2")
    assert plausible_typo("distillbert", "distilbert", "DistillBERT")
    if not typo:  # and the shipped vocabulary's entry is not guessed for it
        entry = link_entity(_entity(f"method:{key}", key), load_index())
        assert entry is None or name_key(load_index().entries[entry].name) != candidate
