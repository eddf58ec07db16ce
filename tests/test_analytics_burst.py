"""Kleinberg two-state burst detection (kg.analytics.burst) on synthetic series."""

from __future__ import annotations

import itertools
import math

import pytest

from kg.analytics.burst import _cost, burst_states, bursts

TOTALS = [100] * 10


def _brute_force(r: list[int], d: list[int], s: float, gamma: float) -> list[int]:
    """The cheapest state sequence by trying all of them (the definition Viterbi must meet)."""
    p0 = sum(r) / sum(d)
    p1 = min(s * p0, 1 - 1e-12)
    up = gamma * math.log(len(r))

    def cost(states: tuple[int, ...]) -> float:
        total, previous = 0.0, 0
        for t, state in enumerate(states):
            total += _cost(r[t], d[t], p1 if state else p0) + (up if state > previous else 0.0)
            previous = state
        return total

    return list(min(itertools.product((0, 1), repeat=len(r)), key=cost))


def test_a_jump_in_share_is_one_burst_over_the_jump_years():
    found = bursts([2, 1, 2, 2, 1, 2, 2, 12, 15, 14], TOTALS)
    assert [(b.start, b.end) for b in found] == [(7, 9)]
    assert found[0].weight > 0


def test_a_flat_share_has_no_burst_even_when_totals_grow():
    totals = [50, 80, 100, 150, 200, 300, 400, 500, 600, 700]
    assert bursts([t // 10 for t in totals], totals) == []


def test_more_papers_overall_is_not_a_burst_when_the_share_holds():
    # counts rise tenfold, but so does the field: the share is flat
    assert bursts([1, 2, 4, 8, 10], [10, 20, 40, 80, 100]) == []


def test_higher_gamma_needs_a_stronger_burst():
    series = [2, 2, 2, 2, 5, 2, 2, 2, 2, 2]
    assert bursts(series, TOTALS, gamma=0.1)
    assert not bursts(series, TOTALS, gamma=3.0)


@pytest.mark.parametrize("series", [[0, 1, 0, 5, 6, 1, 0], [3, 3, 9, 2, 8, 3, 3], [1, 0, 0, 0, 0, 0, 9]])
def test_viterbi_finds_the_cheapest_state_sequence(series):
    totals = [40, 40, 50, 50, 60, 60, 60]
    assert burst_states(series, totals, s=2.0, gamma=0.5) == _brute_force(series, totals, 2.0, 0.5)


def test_empty_and_zero_series_and_bad_parameters():
    assert bursts([], []) == []
    assert bursts([0, 0, 0], [10, 10, 10]) == []
    with pytest.raises(ValueError):
        bursts([1, 2], [10])
    with pytest.raises(ValueError):
        bursts([1, 2], [10, 10], s=1.0)
