"""Node positions computed in Python (networkx, seeded), so the page draws at once with a preset layout."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping

import networkx as nx

SEED = 0
SCALE = 1000.0  # page units across the whole drawing
# networkx's dense spring solver takes up to this many nodes (above, it wants scipy, not a dependency)
DENSE_LIMIT = 450
GAP = 0.6  # between packed groups, in the units of a one-node group's radius


def spring(graph: nx.Graph, seed: int = SEED) -> dict[Hashable, tuple[float, float]]:
    """Fruchterman-Reingold positions in [-1, 1] (the dense solver: no scipy needed)."""
    if len(graph) == 0:
        return {}
    if len(graph) == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    pos = nx.spring_layout(graph, seed=seed, weight="weight", method="force", iterations=50)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def layout_group(graph: nx.Graph, node: Hashable, group_of: Mapping[Hashable, int | None]) -> int:
    """The node's group, else that of its strongest neighbour with one (datasets sit by their front), else -1."""
    own = group_of.get(node)
    if own is not None:
        return own
    near = [(-a.get("weight", 1.0), str(v), v) for v, a in graph.adj[node].items() if group_of.get(v) is not None]
    if near:
        return group_of[min(near)[2]]  # type: ignore[return-value]
    return -1


def _split(members: dict[int, list[Hashable]]) -> dict[int, list[Hashable]]:
    """Groups of at most DENSE_LIMIT nodes (a larger one is cut in consecutive pieces)."""
    out: dict[int, list[Hashable]] = {}
    spare = max(members, default=0) + 1
    for group, nodes in sorted(members.items()):
        for start in range(0, len(nodes), DENSE_LIMIT):
            key = group if start == 0 else spare
            spare += start > 0
            out[key] = nodes[start : start + DENSE_LIMIT]
    return out


def pack(radii: Mapping[Hashable, float]) -> dict[Hashable, tuple[float, float]]:
    """Centres for circles of the given radii, largest in the middle, none overlapping (greedy, on a spiral)."""
    placed: list[tuple[float, float, float]] = []
    out: dict[Hashable, tuple[float, float]] = {}
    golden = math.pi * (3 - math.sqrt(5))
    for key in sorted(radii, key=lambda k: (-radii[k], str(k))):
        r = radii[key]
        step = 0
        while True:
            distance = 0.25 * r * math.sqrt(step)
            x, y = distance * math.cos(step * golden), distance * math.sin(step * golden)
            if all(math.hypot(x - px, y - py) >= r + pr + GAP for px, py, pr in placed):
                break
            step += 1
        placed.append((x, y, r))
        out[key] = (x, y)
    return out


def grouped(
    graph: nx.Graph, group_of: Mapping[Hashable, int | None], seed: int = SEED
) -> dict[Hashable, tuple[float, float]]:
    """Positions that keep each group together: each group laid out alone, then the groups packed side by side.

    One spring layout over 2,000 nodes costs seconds (its dense solver is quadratic); per group it is
    a fraction of that, and the groups read as clusters.
    """
    settled = {n: layout_group(graph, n, group_of) for n in graph}
    members: dict[int, list[Hashable]] = defaultdict(list)
    for node in graph:
        members[settled[node]].append(node)
    members = _split(members)
    radii: dict[Hashable, float] = {
        g: math.sqrt(len(nodes)) for g, nodes in members.items()
    }  # area follows the group's size
    centres = pack(radii)
    pos: dict[Hashable, tuple[float, float]] = {}
    for group, nodes in members.items():
        cx, cy = centres[group]
        for node, (x, y) in spring(graph.subgraph(nodes), seed).items():
            pos[node] = (cx + x * radii[group], cy + y * radii[group])
    return pos


def scaled(pos: Mapping[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
    """Positions rounded to page units (SCALE across), so the JSON stays short."""
    if not pos:
        return {}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {
        n: (round((x - min(xs)) / span * SCALE, 1), round((y - min(ys)) / span * SCALE, 1)) for n, (x, y) in pos.items()
    }
