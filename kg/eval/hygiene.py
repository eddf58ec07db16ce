"""Entity hygiene of a built graph: single-paper share per label, math debris, generic heads, fragments.

    python -m kg.eval.hygiene graph.json.gz [--show 20]

The same rules as extraction (kg.extract.components.entity_filters) applied to entity display names,
so a graph built before those rules shows what they remove.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract.components.entity_filters import MACRO_WORDS, _is_math_token, is_fragment, is_generic

ENTITY_KINDS = ("Method", "Dataset", "Task", "Metric")


def is_debris(name: str) -> bool:
    """A name with a math token ("O(1", "L_{1", "FID=1.42") or an unclosed bracket."""
    return any(_is_math_token(t) or t.lower() in MACRO_WORDS for t in name.split()) or name.count("(") > name.count(")")


@dataclass
class Hygiene:
    entities: Counter = field(default_factory=Counter)  # label -> entities
    single: Counter = field(default_factory=Counter)  # label -> entities with at most one paper
    debris: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)

    def render(self, show: int = 20) -> str:
        lines = []
        for lab in ENTITY_KINDS:
            n, k = self.entities[lab], self.single[lab]
            lines.append(f"{lab:<8} {n:>6} entities, single-paper {k:>6} ({k / n if n else 0:.1%})")
        n, k = sum(self.entities.values()), sum(self.single.values())
        lines.append(f"{'all':<8} {n:>6} entities, single-paper {k:>6} ({k / n if n else 0:.1%})")
        for name, items in (("debris", self.debris), ("generic", self.generic), ("fragments", self.fragments)):
            lines.append(f"{name}: {len(items)} {items[:show]}")
        return "\n".join(lines)


def graph_hygiene(graph) -> Hygiene:
    """Counts over the entity nodes of a networkx graph as kg.graph.store loads it."""
    h = Hygiene()
    for _, d in graph.nodes(data=True):
        lab = d.get("label")
        if lab not in ENTITY_KINDS:
            continue
        name = d.get("name", "")
        h.entities[lab] += 1
        h.single[lab] += d.get("paper_count", 0) <= 1
        if is_debris(name):
            h.debris.append(name)
        if is_generic(name, lab.upper()):
            h.generic.append(name)
        if is_fragment(name):
            h.fragments.append(name)
    return h


def main(argv: list[str] | None = None) -> None:
    from kg.graph.store import load_graph

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", type=Path)
    ap.add_argument("--show", type=int, default=20)
    args = ap.parse_args(argv)
    print(graph_hygiene(load_graph(args.graph)).render(args.show))


if __name__ == "__main__":
    main()
