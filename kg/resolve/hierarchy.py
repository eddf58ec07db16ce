"""IS_A between entities of one label, read off the structure of their names.

"graph neural network" IS_A "neural network" (head-noun suffix), "DINO-DETR" IS_A "DETR" (hyphen
compound; hyphens are spaces in keys), "BERT-large" IS_A "BERT" and "ResNet-50" IS_A "ResNet"
(size/version variants). Only entities present in the corpus count, the result is acyclic, and only
the nearest parent is kept (transitive reduction).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import networkx as nx

from kg.resolve.normalize import PREPOSITIONS
from kg.resolve.suffixes import ALL_SUFFIXES, COMPOUND_TAILS

Node = tuple[str, str]  # (label, canonical key)

# Coordinations ("CNN and transformer") and prepositional names ("mixture of experts") have no
# head noun at the end.
_NO_SUFFIX_WORDS: frozenset[str] = PREPOSITIONS | frozenset({"and", "or", "vs", "versus", "&"})
_VARIANT_TAIL = re.compile(
    r"large|base|small|tiny|huge|giant|medium|mini|xl|xxl|lite|plus|v?\d+(?:\.\d+)?[a-z]?|[a-z]\d+"
)
# One-word versions: "resnet50" -> "resnet", "yolov3" -> "yolo", "pointnet++" -> "pointnet"
_VERSIONED = re.compile(r"(?P<base>[a-z]{3,}?)v?\d+(?:\.\d+)?[a-z]?|(?P<plus>[a-z]{3,})\+\+")


def parent_candidates(key: str) -> tuple[list[str], list[str]]:
    """(head-noun suffixes, variant prefixes) of a key, each nearest (longest) first."""
    words = key.split(" ")
    suffixes: list[str] = []
    if not any(w in _NO_SUFFIX_WORDS for w in words):
        suffixes = [" ".join(words[i:]) for i in range(1, len(words)) if words[i] not in COMPOUND_TAILS]
    prefixes: list[str] = []
    j = len(words)
    while j > 1 and _VARIANT_TAIL.fullmatch(words[j - 1]):
        j -= 1
        prefixes.append(" ".join(words[:j]))
    if len(words) == 1 and (m := _VERSIONED.fullmatch(words[0])):
        prefixes.append(m.group("base") or m.group("plus"))
    return suffixes, prefixes


def _usable_parent(node: Node, abbreviations: Collection[Node]) -> bool:
    key = node[1]
    # Bare generic words ("model", "dataset") would make everything a child of them.
    if len(key) < 2 or key in ALL_SUFFIXES:
        return False
    # A two-letter abbreviation as the parent is too often a coincidence ("k-NN" is no kind of "NN").
    return not (len(key) < 3 and node in abbreviations)


def is_a_edges(
    node_entity: Mapping[Node, str], entities: Collection[str], abbreviations: Collection[Node] = ()
) -> list[tuple[str, str]]:
    """(child id, parent id) pairs: same label, acyclic, transitively reduced, sorted.

    `abbreviations` are nodes merged into an entity as the short form of its long form.
    """
    candidates: set[tuple[str, str]] = set()
    for node, child in node_entity.items():
        # An abbreviation's letters abbreviate the whole long form ("MM-PDE" is a kind of solver,
        # not of PDE): the long form's own words decide.
        if child not in entities or node in abbreviations:
            continue
        label, key = node
        for group in parent_candidates(key):
            for parent_key in group:
                parent = node_entity.get((label, parent_key))
                if parent is None or parent == child or parent not in entities:
                    continue
                if _usable_parent((label, parent_key), abbreviations):
                    candidates.add((child, parent))
                    break  # nearest of this kind only
    dag = nx.DiGraph()
    # Keys shrink along every candidate edge, but an entity holding several keys could still close
    # a cycle; in a deterministic order, an edge that would is dropped.
    for child, parent in sorted(candidates):
        if parent in dag and child in dag and nx.has_path(dag, parent, child):
            continue
        dag.add_edge(child, parent)
    return sorted(nx.transitive_reduction(dag).edges()) if dag.number_of_edges() else []
