"""A small synthetic dated graph for the analytics and view tests: known trends, a burst, two fronts.

Built directly with networkx in the schema's shape (no extraction), so each test knows exactly which
paper mentions what and in which year.
"""

from __future__ import annotations

import random

import networkx as nx

from kg.resolve import name_key

YEARS = list(range(2010, 2020))
PAPERS_PER_YEAR = 20
INJECTED = '</script><script>window.__kgInjected = 1</script><img src=x onerror="window.__kgInjected = 2">'
# (id, label, name, aliases, confidence)
ENTITIES = [
    ("method:transformer", "Method", "Transformer", ["transformers"], 1.0),
    ("method:vision-transformer", "Method", "Vision Transformer", ["ViT"], 1.0),
    ("method:support-vector-machine", "Method", "support vector machine", ["SVM"], 1.0),
    ("method:convolutional-neural-network", "Method", "convolutional neural network", ["CNN"], 1.0),
    ("method:resnet", "Method", "ResNet", [], 1.0),
    ("method:lstm", "Method", "LSTM", [], 1.0),
    ("method:attention", "Method", "attention", [], 1.0),
    ("method:our-approach", "Method", "our approach", [], 0.3),  # below OFFER_BAR: never a trend
    ("task:image-classification", "Task", "image classification", [], 1.0),
    ("task:object-detection", "Task", "object detection", [], 1.0),
    ("task:machine-translation", "Task", "machine translation", [], 1.0),
    ("task:summarization", "Task", "summarization", [], 1.0),
]
VISION = ["method:convolutional-neural-network", "method:resnet", "task:image-classification", "task:object-detection"]
LANGUAGE = ["method:lstm", "method:attention", "task:machine-translation", "task:summarization"]
# Vision Transformer papers per year: none, then a burst in the last three years.
VIT_PER_YEAR = [0, 0, 0, 0, 0, 0, 0, 3, 6, 9]  # at most 10: the even papers of a year
INJECTED_PAPER = "arxiv:1901.00666"


def _add_entity(g: nx.MultiDiGraph, eid: str, label: str, name: str, aliases: list[str], confidence: float) -> None:
    names = [name, *aliases]
    g.add_node(
        eid,
        label=label,
        name=name,
        aliases=names,
        keys=sorted({name_key(n) for n in names}),
        paper_count=0,
        confidence=confidence,
        source="vocabulary" if confidence == 1.0 else "corpus",
    )


def _mention(g: nx.MultiDiGraph, paper: str, entity: str) -> None:
    label = g.nodes[entity]["label"]
    key = "ADDRESSES" if label == "Task" else "USES"
    g.add_edge(
        paper, entity, key=key, evidence=[f"We apply {g.nodes[entity]['name']} here."], confidence=0.9, role="own use"
    )


def field_graph() -> nx.MultiDiGraph:
    """The synthetic graph (a new object on every call)."""
    rng = random.Random(0)
    g = nx.MultiDiGraph()
    for entity in ENTITIES:
        _add_entity(g, *entity)
    g.add_edge("method:vision-transformer", "method:transformer", key="IS_A")
    for y, year in enumerate(YEARS):
        for i in range(PAPERS_PER_YEAR):
            pid = f"arxiv:{year % 100:02d}01.{i:05d}"
            cluster = VISION if i % 2 == 0 else LANGUAGE
            g.add_node(
                pid, label="Paper", title=f"Paper {i} of {year}", abstract=f"An abstract from {year}.", year=year
            )
            for entity in rng.sample(cluster, 3):
                _mention(g, pid, entity)
            if i < 4:
                _mention(g, pid, "method:support-vector-machine")  # flat: 4 papers every year
            if i % 2 == 0 and i // 2 < VIT_PER_YEAR[y]:
                _mention(g, pid, "method:vision-transformer")
                _mention(g, pid, "method:our-approach")  # bursts too, but is not offered
            if year >= 2015 and i == 1:
                _mention(g, pid, "method:transformer")
    g.add_node(
        INJECTED_PAPER,
        label="Paper",
        title="ViT <b>bold</b> {{DATA}}",
        abstract=f"Vision Transformer. {INJECTED}",
        year=2019,
    )
    _mention(g, INJECTED_PAPER, "method:vision-transformer")
    g.add_node("arxiv:1001.99999", label="Paper", title="Undated", abstract="No year.")
    _mention(g, "arxiv:1001.99999", "method:vision-transformer")
    for node, attrs in g.nodes(data=True):
        if attrs["label"] != "Paper":
            attrs["paper_count"] = sum(1 for _ in g.predecessors(node) if g.nodes[_]["label"] == "Paper")
    return g
