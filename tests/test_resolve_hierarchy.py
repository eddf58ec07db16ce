"""IS_A from name structure: head-noun suffixes, hyphen compounds and size/version variants."""

from __future__ import annotations

import networkx as nx

from kg.models import Mention, PaperExtraction
from kg.resolve import resolve
from kg.resolve.hierarchy import is_a_edges, parent_candidates


def corpus(*specs) -> list[PaperExtraction]:
    """One paper per (text, label[, {long_form/short_form}])."""
    out = []
    for i, (text, label, *extra) in enumerate(specs):
        m = Mention(
            field="abstract",
            start=0,
            end=len(text),
            text=text,
            label=label,
            confidence=0.9,
            sentence=0,
            **(extra[0] if extra else {}),
        )
        out.append(PaperExtraction(paper_id=f"p{i}", sentences=[text], mentions=[m]))
    return out


def is_a(*specs) -> set[tuple[str, str]]:
    return set(resolve(corpus(*specs)).is_a)


def test_head_noun_suffix():
    assert is_a(
        ("graph neural network", "METHOD"),
        ("neural network", "METHOD"),
        ("vision transformers", "METHOD"),
        ("Transformer", "METHOD"),
    ) == {
        ("method:graph neural network", "method:neural network"),
        ("method:vision transformer", "method:transformer"),
    }


def test_detr_family():
    edges = is_a(
        ("DETR", "METHOD"),
        ("DINO-DETR", "METHOD"),
        ("H-DETR", "METHOD"),
        ("Rank-DETR", "METHOD"),
        ("Deformable DETR", "METHOD"),
        ("DETR-based detector", "METHOD"),
    )
    assert edges == {
        ("method:dino detr", "method:detr"),
        ("method:h detr", "method:detr"),
        ("method:rank detr", "method:detr"),
        ("method:deformable detr", "method:detr"),
    }


def test_parent_through_an_abbreviation():
    # DETR is known by its long form; "DINO-DETR" still finds it through the alias.
    edges = is_a(("DETR", "METHOD", {"long_form": "DEtection TRansformer"}), ("DINO-DETR", "METHOD"))
    assert edges == {("method:dino detr", "method:detection transformer")}


def test_parent_must_be_an_entity_of_the_same_label():
    assert is_a(("vision transformer", "METHOD")) == set()
    assert is_a(("vision transformer", "METHOD"), ("transformer", "TASK")) == set()
    assert is_a(("3D object detection", "TASK"), ("object detection", "TASK"), ("detection", "METHOD")) == {
        ("task:3d object detection", "task:object detection"),
    }


def test_nearest_parent_only():
    edges = is_a(
        ("sparse graph neural network", "METHOD"), ("graph neural network", "METHOD"), ("neural network", "METHOD")
    )
    assert edges == {
        ("method:sparse graph neural network", "method:graph neural network"),
        ("method:graph neural network", "method:neural network"),
    }
    # Without the middle one, the grandparent is the nearest parent.
    assert is_a(("sparse graph neural network", "METHOD"), ("neural network", "METHOD")) == {
        ("method:sparse graph neural network", "method:neural network"),
    }


def test_variants():
    edges = is_a(
        ("BERT", "METHOD"),
        ("BERT-large", "METHOD"),
        ("ResNet", "METHOD"),
        ("ResNet-50", "METHOD"),
        ("YOLO", "METHOD"),
        ("YOLOv3", "METHOD"),
        ("Transformer", "METHOD"),
        ("Transformer-XL", "METHOD"),
        ("PointNet", "METHOD"),
        ("PointNet++", "METHOD"),
    )
    assert edges == {
        ("method:bert large", "method:bert"),
        ("method:resnet50", "method:resnet"),
        ("method:yolov3", "method:yolo"),
        ("method:transformer xl", "method:transformer"),
        ("method:pointnet++", "method:pointnet"),
    }


def test_no_generic_parents_no_coordinations_no_prepositions():
    assert (
        is_a(("model", "METHOD"), ("language model", "METHOD"), ("dataset", "DATASET"), ("ImageNet dataset", "DATASET"))
        == set()
    )
    assert is_a(("CNN and transformer", "METHOD"), ("transformer", "METHOD")) == set()
    assert is_a(("mixture of experts", "METHOD"), ("experts", "METHOD")) == set()


def test_no_self_loops_for_merged_aliases():
    # "ViT" and "Vision Transformer" are one entity: no edge between them.
    edges = is_a(("Vision Transformer (ViT)", "METHOD"), ("ViT", "METHOD"), ("Transformer", "METHOD"))
    assert edges == {("method:vision transformer", "method:transformer")}


def test_cycles_from_aliases_are_broken():
    # "red fox" IS_A "fox" by its name, and the fox entity has the alias "big RF" whose head is "RF",
    # an alias of "red fox": a cycle that must not survive.
    r = resolve(
        corpus(
            ("RF", "METHOD", {"long_form": "red fox"}),
            ("big RF", "METHOD", {"long_form": "fox"}),
            ("red fox", "METHOD"),
            ("fox", "METHOD"),
        )
    )
    g = nx.DiGraph(r.is_a)
    assert nx.is_directed_acyclic_graph(g)
    assert len(r.is_a) == 1
    assert all(c != p for c, p in r.is_a)


def test_cycle_guard():
    # Two entities each holding a key whose head is a key of the other: x -> y and y -> x.
    node_entity = {
        ("METHOD", "red fox"): "method:x",
        ("METHOD", "rf"): "method:x",
        ("METHOD", "fox"): "method:y",
        ("METHOD", "big rf"): "method:y",
    }
    edges = is_a_edges(node_entity, {"method:x", "method:y"})
    assert len(edges) == 1


def test_abbreviation_letters_give_no_is_a():
    # "MM-PDE" abbreviates a kind of solver; its "PDE" is no parent. "k-NN" is no kind of "NN".
    edges = is_a(
        ("moving mesh neural PDE solver (MM-PDE)", "METHOD"),
        ("partial differential equations (PDEs)", "METHOD"),
        ("neural networks (NNs)", "METHOD"),
        ("k-NN", "METHOD"),
        ("PDE solver", "METHOD"),
    )
    assert edges == {("method:moving mesh neural pde solver", "method:pde solver")}


def test_is_a_is_acyclic_and_reduced_on_a_mixed_corpus():
    names = [
        "DETR",
        "DINO-DETR",
        "Deformable DETR",
        "deformable DINO-DETR",
        "transformer",
        "vision transformer",
        "hierarchical vision transformer",
        "Swin Transformer",
        "neural network",
        "graph neural network",
        "deep graph neural network",
        "ResNet",
        "ResNet-50",
        "ResNet-101",
    ]
    r = resolve(corpus(*((n, "METHOD") for n in names)))
    g = nx.DiGraph(r.is_a)
    assert nx.is_directed_acyclic_graph(g)
    assert set(g.edges) == set(nx.transitive_reduction(g).edges)
    assert ("method:deformable dino detr", "method:dino detr") in g.edges
    assert ("method:deformable dino detr", "method:detr") not in g.edges  # reached through DINO-DETR
    assert ("method:swin transformer", "method:transformer") in g.edges
    assert ("method:resnet101", "method:resnet") in g.edges
    assert r.is_a == sorted(r.is_a)


def test_parent_candidates():
    assert parent_candidates("graph neural network") == (["neural network", "network"], [])
    assert parent_candidates("detr based detector") == (["detector"], [])
    assert parent_candidates("bert large") == (["large"], ["bert"])
    assert parent_candidates("resnet50") == ([], ["resnet"])
    assert parent_candidates("mixture of experts") == ([], [])
