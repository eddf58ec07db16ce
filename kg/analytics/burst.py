"""Kleinberg's two-state burst detection over counts in batches (Kleinberg 2003, section 4 "enumerating bursts").

Each time step t has d[t] papers of which r[t] mention the entity. A hidden automaton is either in the
base state, where a paper mentions the entity with probability p0 = sum(r) / sum(d) (its share over all
time), or in the burst state, with probability p1 = s * p0. Each step costs the negative log-likelihood
of r[t] under its state's probability; entering the burst state costs gamma * ln(n) (n steps), leaving
it costs nothing. The cheapest state sequence (Viterbi) marks the bursts.

Parameters:
  s      how much larger the share must be in a burst (2.0: twice the entity's usual share)
  gamma  how reluctant the automaton is to enter a burst (1.0; higher: fewer, stronger bursts)
The binomial coefficient is the same in both states, so it is left out of the costs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_S = 2.0
DEFAULT_GAMMA = 1.0
_TINY = 1e-12  # keeps log() finite when a state's probability is 0 or 1


@dataclass(frozen=True, slots=True)
class Burst:
    """One burst: time steps start..end (inclusive indexes) and its weight (cost saved by bursting)."""

    start: int
    end: int
    weight: float


def _cost(r: int, d: int, p: float) -> float:
    """-log P(r of d | p) without the binomial coefficient."""
    p = min(max(p, _TINY), 1 - _TINY)
    return -(r * math.log(p) + (d - r) * math.log(1 - p))


def burst_states(
    r: Sequence[int], d: Sequence[int], *, s: float = DEFAULT_S, gamma: float = DEFAULT_GAMMA
) -> list[int]:
    """The cheapest state (0 base, 1 burst) at each step, by Viterbi over the two-state automaton."""
    if len(r) != len(d):
        raise ValueError("r and d must have the same length")
    if s <= 1:
        raise ValueError("s must be greater than 1")
    n = len(r)
    total_r, total_d = sum(r), sum(d)
    if n == 0 or total_d == 0 or total_r == 0:
        return [0] * n
    p0 = total_r / total_d
    p1 = min(s * p0, 1 - _TINY)
    up = gamma * math.log(n)
    # cost[state] of the cheapest path ending in that state; back[t][state] the state before it
    cost = [0.0, up]
    back: list[tuple[int, int]] = []
    for t in range(n):
        c0, c1 = _cost(r[t], d[t], p0), _cost(r[t], d[t], p1)
        if t == 0:
            cost = [c0, up + c1]
            back.append((0, 0))
            continue
        from0 = (cost[0], 0) if cost[0] <= cost[1] else (cost[1], 1)  # leaving a burst is free
        from1 = (cost[1], 1) if cost[1] <= cost[0] + up else (cost[0] + up, 0)
        cost = [from0[0] + c0, from1[0] + c1]
        back.append((from0[1], from1[1]))
    state = 0 if cost[0] <= cost[1] else 1
    states = [0] * n
    for t in range(n - 1, -1, -1):
        states[t] = state
        state = back[t][state]
    return states


def bursts(r: Sequence[int], d: Sequence[int], *, s: float = DEFAULT_S, gamma: float = DEFAULT_GAMMA) -> list[Burst]:
    """The bursts of a series: runs of burst state, each weighted by the cost the burst state saves."""
    states = burst_states(r, d, s=s, gamma=gamma)
    if not any(states):
        return []
    p0 = sum(r) / sum(d)
    p1 = min(s * p0, 1 - _TINY)
    out: list[Burst] = []
    t = 0
    while t < len(states):
        if not states[t]:
            t += 1
            continue
        start = t
        while t < len(states) and states[t]:
            t += 1
        weight = sum(_cost(r[i], d[i], p0) - _cost(r[i], d[i], p1) for i in range(start, t))
        out.append(Burst(start, t - 1, round(weight, 4)))
    return out
