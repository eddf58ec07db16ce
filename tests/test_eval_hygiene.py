"""kg.eval.hygiene: the graph-level hygiene counts on a hand-made graph."""

from __future__ import annotations

import networkx as nx

from kg.eval.hygiene import graph_hygiene, is_debris


def test_counts_single_paper_debris_generic_and_fragments():
    g = nx.MultiDiGraph()
    rows = [
        ("method:o(1", "Method", "O(1", 1),
        ("method:l_{1", "Method", "L_{1", 1),
        ("method:framework", "Method", "framework", 3),
        ("method:compute-efficient", "Method", "Compute-Efficient", 1),
        ("method:bert", "Method", "BERT", 12),
        ("dataset:imagenet", "Dataset", "ImageNet", 5),
        ("task:downstream task", "Task", "downstream tasks", 1),
    ]
    for nid, lab, name, n in rows:
        g.add_node(nid, label=lab, name=name, paper_count=n)
    g.add_node("paper:1", label="Paper", title="x")
    h = graph_hygiene(g)
    assert h.entities["Method"] == 5 and h.single["Method"] == 3
    assert sorted(h.debris) == ["L_{1", "O(1"]
    assert sorted(h.generic) == ["downstream tasks", "framework"]
    assert h.fragments == ["Compute-Efficient"]
    assert "single-paper" in h.render()


def test_accented_names_are_no_debris():
    assert not is_debris('Schr\\"odinger Bridge') and not is_debris("CIFAR-10/100")
    assert is_debris("cost O(dm + m^2")
