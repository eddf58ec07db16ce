"""Which names are specific enough to be answers."""

from __future__ import annotations

import pytest

from kg.resolve.specific import is_specific


@pytest.mark.parametrize(
    ("name", "specific"),
    [
        ("BERT", True),
        ("vision transformer", True),
        ("seed", True),
        ("proposed model", False),
        ("neural network", False),
        ("pre-trained", False),
        ("compressed", False),
        ("fine-tuned", False),
        ("L_{1", False),
        ("O(n", False),
        ("https://github.com/x/y", False),
        ("speed", True),
        ("state-of-the-art", False),
        ("differentially private", False),  # an adjective phrase (the long form of "DP" as a paper defines it)
        ("differentially private SGD", True),
        ("early stopping", True),
    ],
)
def test_generic_words_participles_and_debris_are_not_names(name: str, specific: bool) -> None:
    assert is_specific(name) is specific
