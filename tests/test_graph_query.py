"""Graph assembly, save/load and the query helpers on a small hand-checked corpus.

The resolution is written by hand here so these tests pin the graph and query behaviour alone.
"""

from __future__ import annotations

import json

import networkx as nx
import pytest

from kg import KnowledgeGraph
from kg.graph.build import build_graph
from kg.graph.export import export_graph
from kg.graph.store import GraphFileError, load_graph, load_records, save_graph
from kg.models import Entity, Mention, Paper, PaperExtraction, Relation, Resolution

S_RANK = "We propose Rank-DETR, a detection transformer for object detection."
S_COCO = "Experiments on COCO show that Rank-DETR improves DINO-DETR."
S_VIT = "Vision transformers are applied to image classification on ImageNet."
S_SEG = "We use a vision transformer backbone."
S_SEG2 = "Semantic segmentation remains hard."
S_MT = "The Transformer is the standard model for machine translation."
S_CNN = "We train a CNN for object detection."


def _m(text: str, label: str, sentence: int, sentence_text: str) -> Mention:
    start = sentence_text.index(text)
    return Mention(
        field="abstract", start=start, end=start + len(text), text=text, label=label, confidence=0.9, sentence=sentence
    )


PAPERS = [
    Paper(
        id="arxiv:1",
        title="Rank-DETR for object detection",
        abstract=f"{S_RANK} {S_COCO}",
        year=2023,
        references=["doi:10.1/cited"],
    ),
    Paper(id="arxiv:2", title="Vision transformers at scale", abstract=f"{S_VIT}", year=2021),
    Paper(id="arxiv:3", title="Segmenting with ViT", abstract=f"{S_SEG} {S_SEG2}", year=2022),
    Paper(id="arxiv:4", title="Attention is all you need", abstract=S_MT, year=2017),
    Paper(id="arxiv:5", title="Detectors without transformers", abstract=S_CNN, year=2019),
    Paper(id="doi:10.1/cited", title="A cited paper without abstract", external_ids=["doi:10.1/cited"]),
]

EXTRACTIONS = [
    PaperExtraction(
        paper_id="arxiv:1",
        sentences=[PAPERS[0].title, S_RANK, S_COCO],
        mentions=[
            _m("Rank-DETR", "METHOD", 1, S_RANK),
            _m("object detection", "TASK", 1, S_RANK),
            _m("COCO", "DATASET", 2, S_COCO),
            _m("DINO-DETR", "METHOD", 2, S_COCO),
        ],
        relations=[
            Relation(type="PROPOSES", head=None, tail=0, evidence=S_RANK, confidence=0.9),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S_RANK, confidence=0.8),
            Relation(type="USED_FOR", head=0, tail=1, evidence=S_RANK, confidence=0.8),
            Relation(type="EVALUATES_ON", head=None, tail=2, evidence=S_COCO, confidence=0.9),
            Relation(type="EVALUATED_ON", head=0, tail=2, evidence=S_COCO, confidence=0.7),
            Relation(type="USES", head=None, tail=3, evidence=S_COCO, confidence=0.5),
        ],
    ),
    PaperExtraction(
        paper_id="arxiv:2",
        sentences=[PAPERS[1].title, S_VIT],
        mentions=[
            _m("Vision transformers", "METHOD", 1, S_VIT),
            _m("image classification", "TASK", 1, S_VIT),
            _m("ImageNet", "DATASET", 1, S_VIT),
        ],
        relations=[
            Relation(type="USES", head=None, tail=0, evidence=S_VIT, confidence=0.7),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S_VIT, confidence=0.8),
            Relation(type="EVALUATES_ON", head=None, tail=2, evidence=S_VIT, confidence=0.8),
            Relation(type="USED_FOR", head=0, tail=1, evidence=S_VIT, confidence=0.8),
        ],
    ),
    PaperExtraction(
        paper_id="arxiv:3",
        sentences=[PAPERS[2].title, S_SEG, S_SEG2],
        mentions=[_m("vision transformer", "METHOD", 1, S_SEG), _m("Semantic segmentation", "TASK", 2, S_SEG2)],
        relations=[
            Relation(type="USES", head=None, tail=0, evidence=S_SEG, confidence=0.9),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S_SEG2, confidence=0.6),
        ],
    ),
    PaperExtraction(
        paper_id="arxiv:4",
        sentences=[PAPERS[3].title, S_MT],
        mentions=[_m("Transformer", "METHOD", 1, S_MT), _m("machine translation", "TASK", 1, S_MT)],
        relations=[
            Relation(type="USES", head=None, tail=0, evidence=S_MT, confidence=0.6),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S_MT, confidence=0.8),
            Relation(type="USED_FOR", head=0, tail=1, evidence=S_MT, confidence=0.8),
        ],
    ),
    PaperExtraction(
        paper_id="arxiv:5",
        sentences=[PAPERS[4].title, S_CNN],
        mentions=[_m("CNN", "METHOD", 1, S_CNN), _m("object detection", "TASK", 1, S_CNN)],
        relations=[
            Relation(type="USES", head=None, tail=0, evidence=S_CNN, confidence=0.8),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S_CNN, confidence=0.8),
            Relation(type="USED_FOR", head=0, tail=1, evidence=S_CNN, confidence=0.8),
        ],
    ),
    PaperExtraction(paper_id="doi:10.1/cited"),
]


def _entity(eid: str, label: str, name: str, aliases: list[str], count: int) -> Entity:
    return Entity(id=eid, label=label, name=name, aliases=aliases, paper_count=count)


RESOLUTION = Resolution(
    entities={
        e.id: e
        for e in [
            _entity("method:rank-detr", "METHOD", "Rank-DETR", ["Rank-DETR"], 1),
            _entity("method:dino-detr", "METHOD", "DINO-DETR", ["DINO-DETR"], 1),
            _entity("method:detr", "METHOD", "DETR", ["DETR", "detection transformer"], 0),
            _entity("method:transformer", "METHOD", "Transformer", ["Transformer", "transformers"], 1),
            _entity(
                "method:vision transformer",
                "METHOD",
                "Vision Transformer",
                ["Vision transformers", "vision transformer", "ViT"],
                2,
            ),
            _entity("method:cnn", "METHOD", "CNN", ["CNN", "convolutional neural network"], 1),
            _entity("task:object detection", "TASK", "object detection", ["object detection"], 2),
            _entity("task:image classification", "TASK", "image classification", ["image classification"], 1),
            _entity("task:semantic segmentation", "TASK", "semantic segmentation", ["Semantic segmentation"], 1),
            _entity("task:machine translation", "TASK", "machine translation", ["machine translation"], 1),
            _entity("dataset:coco", "DATASET", "COCO", ["COCO"], 1),
            _entity("dataset:imagenet", "DATASET", "ImageNet", ["ImageNet"], 1),
        ]
    },
    mention_entities={
        "arxiv:1": ["method:rank-detr", "task:object detection", "dataset:coco", "method:dino-detr"],
        "arxiv:2": ["method:vision transformer", "task:image classification", "dataset:imagenet"],
        "arxiv:3": ["method:vision transformer", "task:semantic segmentation"],
        "arxiv:4": ["method:transformer", "task:machine translation"],
        "arxiv:5": ["method:cnn", "task:object detection"],
    },
    is_a=[
        ("method:rank-detr", "method:detr"),
        ("method:dino-detr", "method:detr"),
        ("method:detr", "method:transformer"),
        ("method:vision transformer", "method:transformer"),
    ],
)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(PAPERS, EXTRACTIONS, RESOLUTION)


@pytest.fixture(scope="module")
def kg(graph) -> KnowledgeGraph:
    return KnowledgeGraph.from_graph(graph, PAPERS, EXTRACTIONS)


def test_schema_labels_and_types(graph):
    labels = {n: a["label"] for n, a in graph.nodes(data=True)}
    assert labels["arxiv:1"] == "Paper" and labels["method:detr"] == "Method" and labels["dataset:coco"] == "Dataset"
    assert graph.has_edge("arxiv:1", "method:rank-detr", key="PROPOSES")
    assert graph.has_edge("arxiv:1", "dataset:coco", key="EVALUATES_ON")
    assert graph.has_edge("arxiv:1", "doi:10.1/cited", key="CITES")
    used_for = graph.edges["method:rank-detr", "task:object detection", "USED_FOR"]
    assert used_for["papers"] == ("arxiv:1",) and used_for["count"] == 1 and used_for["evidence"] == (S_RANK,)
    # the cited paper has no abstract: a node, with nothing extracted
    assert graph.out_degree("doi:10.1/cited") == 0
    assert graph.nodes["method:vision transformer"]["keys"] == ("vision transformer", "vit")


def test_citation_outside_input_is_dropped():
    papers = [Paper(id="arxiv:9", title="T", abstract="A.", references=["doi:10.9/elsewhere"])]
    g = build_graph(papers, [PaperExtraction(paper_id="arxiv:9")], Resolution())
    assert g.number_of_nodes() == 1 and g.number_of_edges() == 0


def test_papers_using_follows_is_a_and_ranks_linked_sentence_first(kg):
    results = kg.papers_using("transformers", task="object detection")
    # Rank-DETR IS_A DETR IS_A Transformer and one sentence links it to object detection;
    # the CNN paper addresses detection but uses no transformer.
    assert [r.paper_id for r in results] == ["arxiv:1"]
    assert results[0].evidence[0] == S_RANK
    assert "Rank-DETR" in results[0].matched


def test_papers_using_alias_case_and_plural(kg):
    by_alias = [r.paper_id for r in kg.papers_using("ViT")]
    by_plural = [r.paper_id for r in kg.papers_using("VISION TRANSFORMERS")]
    assert by_alias == by_plural == ["arxiv:3", "arxiv:2"]  # USES confidence 0.9 beats 0.7


def test_papers_using_dataset_and_unknown_names(kg):
    assert [r.paper_id for r in kg.papers_using("coco")] == ["arxiv:1"]
    assert kg.papers_using("no such method") == []
    assert kg.papers_using("transformer", task="no such task") == []


def test_linked_sentence_outranks_same_paper(kg):
    # arxiv:3 uses ViT and addresses segmentation in different sentences; arxiv:2 links them in one.
    both = kg.papers_using("vision transformer", task="image classification")
    assert [r.paper_id for r in both] == ["arxiv:2"]
    seg = kg.papers_using("vision transformer", task="semantic segmentation")
    # one sentence naming both scores above a paper naming them in different sentences
    assert [r.paper_id for r in seg] == ["arxiv:3"] and seg[0].score < both[0].score


def test_methods_datasets_tasks_for(kg):
    methods = kg.methods_for("object detection")
    # CNN and Rank-DETR share a sentence with the task (tie at 1.0, broken by the stronger edge, not
    # by name); DINO-DETR only appears in a paper that addresses detection: one co-mention is no answer.
    assert [(m.name, m.score) for m in methods] == [("Rank-DETR", 1.0), ("CNN", 1.0)]
    assert methods[0].evidence == [S_RANK] and methods[0].papers == ["arxiv:1"]
    assert [d.name for d in kg.datasets_for("object detection")] == ["COCO"]
    tasks = kg.tasks_for("transformer")
    # ViT (one IS_A step) is applied to image classification in one sentence; Rank-DETR (two steps) to
    # object detection. "The Transformer is the standard model for machine translation" is background,
    # and semantic segmentation only meets a transformer in the same paper: neither is an answer.
    assert [(t.name, t.score) for t in tasks] == [("image classification", 0.95), ("object detection", 0.7568)]


def test_papers_proposing_and_lookup(kg):
    assert [r.paper_id for r in kg.papers_proposing("DETR")] == ["arxiv:1"]
    found = kg.lookup("detection transformers")
    assert [e.entity_id for e in found] == ["method:detr"]
    assert kg.lookup("vit", label="Task") == []


def test_related_papers_uses_shared_entities_and_citations(kg):
    related = kg.related_papers("arxiv:1")
    ids = [r.paper_id for r in related]
    assert ids[0] == "doi:10.1/cited"  # citation link
    assert "arxiv:5" in ids  # shares object detection
    assert "arxiv:4" not in ids


def test_stats(kg):
    stats = kg.stats()
    assert stats["nodes"]["Paper"] == 6 and stats["nodes"]["Method"] == 6
    assert stats["relationships"]["IS_A"] == 4 and stats["relationships"]["CITES"] == 1
    assert stats["papers_with_abstract"] == 5
    # arxiv:1,2,3,4,5 each have a method and a task
    assert stats["share_with_method_and_task"] == 1.0


def test_save_load_round_trip(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    loaded = load_graph(path)
    assert nx.utils.graphs_equal(graph, loaded)
    assert sorted(graph.edges(keys=True, data=True)) == sorted(loaded.edges(keys=True, data=True))
    _, papers, extractions = load_records(path)
    assert papers == PAPERS and extractions == EXTRACTIONS
    again = KnowledgeGraph.load(path)
    assert [r.paper_id for r in again.papers_using("transformer", task="object detection")] == ["arxiv:1"]


def test_load_rejects_bad_files(tmp_path):
    with pytest.raises(GraphFileError, match="not found"):
        load_graph(tmp_path / "missing.json.gz")
    bad = tmp_path / "bad.json.gz"
    bad.write_text("not gzip")
    with pytest.raises(GraphFileError, match="cannot read"):
        load_graph(bad)


def test_exports(tmp_path, graph):
    graphml = export_graph(graph, "graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(graphml)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert json.loads(back.nodes["method:detr"]["aliases"]) == ["DETR", "detection transformer"]
    data = json.loads(export_graph(graph, "json", tmp_path / "g.json").read_text())
    assert len(data["nodes"]) == graph.number_of_nodes()
    with pytest.raises(ValueError, match="unknown export format"):
        export_graph(graph, "pdf", tmp_path / "g.pdf")


def test_load_reads_records_only_when_asked(tmp_path, graph):
    path = save_graph(graph, tmp_path / "g.json.gz", papers=PAPERS, extractions=EXTRACTIONS)
    loaded = KnowledgeGraph.load(path)
    assert loaded._papers is None and loaded._extractions is None  # queries need only the graph
    assert loaded.papers == PAPERS and loaded.extractions == EXTRACTIONS
    again = loaded.save(tmp_path / "copy.json.gz")
    assert load_records(again)[1] == PAPERS


def test_a_dataset_of_other_tasks_named_beside_the_task_is_no_answer() -> None:
    """One sentence naming the task and a dataset the vocabulary places under other tasks only lists several
    tasks' datasets: GlaS (segmentation) is not an image classification dataset; FooSet, placed nowhere, is."""
    sentence = "We test image classification on CIFAR-10 and FooSet and segmentation on GlaS."
    papers = [Paper(id="p1", title="T", abstract=sentence)]
    mentions = [
        _m(text, label, 1, sentence)
        for text, label in (
            ("image classification", "TASK"),
            ("CIFAR-10", "DATASET"),
            ("FooSet", "DATASET"),
            ("segmentation", "TASK"),
            ("GlaS", "DATASET"),
        )
    ]
    types = ("ADDRESSES", "EVALUATES_ON", "EVALUATES_ON", "ADDRESSES", "EVALUATES_ON")
    extraction = PaperExtraction(
        paper_id="p1",
        sentences=["T", sentence],
        mentions=mentions,
        relations=[Relation(type=t, head=None, tail=i, evidence=sentence, confidence=0.9) for i, t in enumerate(types)],
    )
    ids = ["task:image classification", "dataset:cifar-10", "dataset:fooset", "task:segmentation", "dataset:glas"]
    entities = {
        i: Entity(id=i, label=i.split(":")[0].upper(), name=m.text, aliases=[m.text], paper_count=1)
        for i, m in zip(ids, mentions, strict=True)
    }
    resolution = Resolution(
        entities=entities,
        mention_entities={"p1": ids},
        knowledge=[
            ("dataset:cifar-10", "task:image classification", "BENCHMARK_FOR", 0.5),
            ("dataset:glas", "task:segmentation", "BENCHMARK_FOR", 1.0),
        ],
    )
    kg = KnowledgeGraph.from_graph(build_graph(papers, [extraction], resolution))
    assert sorted(d.name for d in kg.datasets_for("image classification")) == ["CIFAR-10", "FooSet"]
    assert sorted(d.name for d in kg.datasets_for("segmentation")) == ["FooSet", "GlaS"]  # not CIFAR-10
