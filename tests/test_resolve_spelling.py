"""kg.resolve.spelling: British/American and Greek folds, and name_key through them."""

from __future__ import annotations

import pytest

from kg.resolve import name_key
from kg.resolve.spelling import fold_word


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("regularisation", "regularization"),
        ("quantisation", "quantization"),
        ("optimisers", "optimizers"),
        ("modelling", "modeling"),
        ("labelled", "labeled"),
        ("behaviour", "behavior"),
        ("analyse", "analyze"),
        ("defence", "defense"),
        ("centre", "center"),
    ],
)
def test_british_endings_fold_to_american(british: str, american: str) -> None:
    assert fold_word(british) == fold_word(american) == american


@pytest.mark.parametrize("word", ["supervised", "noise", "precise", "otherwise", "promise", "four", "hours", "contour"])
def test_words_spelled_alike_everywhere_are_kept(word: str) -> None:
    assert fold_word(word) == word


def test_distinct_words_stay_distinct() -> None:
    assert len({fold_word(w) for w in ("filling", "filing", "four", "for", "analyses", "analyzes")}) == 6


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Weisfeiler-Lehman test", "Weisfeiler-Leman test"),
        ("α-divergence", "alpha divergence"),
        ("μP", "muP"),
        ("language modelling", "Language Modeling"),
        ("Schrödinger bridge", "Schrodinger bridges"),
        ("regularisation", "regularization"),
    ],
)
def test_name_key_folds_spelling_variants_together(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)
