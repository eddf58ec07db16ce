"""Edit distance between normalised names (did-you-mean at query time, near-miss linking at build time)."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance with adjacent transpositions (optimal string alignment, as Lucene's fuzzy
    queries count); with `limit`, any distance above it is reported as limit + 1 (faster)."""
    return OSA.distance(a, b, score_cutoff=limit)
