"""Trends per year and rising entities over a synthetic dated graph (tests/field_graph.py)."""

from __future__ import annotations

import pytest
from field_graph import VIT_PER_YEAR, YEARS, field_graph

from kg.api import KnowledgeGraph


@pytest.fixture(scope="module")
def kg_():
    return KnowledgeGraph.from_graph(field_graph())


def test_trend_counts_papers_per_year_over_all_dated_papers(kg_):
    (vit,) = kg_.trends(["Vision Transformer"])
    assert vit.years == YEARS
    assert vit.papers[:-1] == VIT_PER_YEAR[:-1]
    assert vit.papers[-1] == VIT_PER_YEAR[-1] + 1  # plus the 2019 paper with the injected abstract
    assert vit.undated == 1
    assert vit.totals[0] == 20 and vit.totals[-1] == 21


def test_an_alias_gives_the_same_trend(kg_):
    by_name, by_alias = kg_.trends(["Vision Transformer", "vit"])
    assert by_alias.papers == by_name.papers and by_alias.entities == by_name.entities


def test_a_parent_counts_its_is_a_family_as_queries_do(kg_):
    (transformer,) = kg_.trends(["transformers"])
    assert transformer.entities == ["method:transformer", "method:vision-transformer"]
    own = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]  # its own papers never name ViT too
    assert transformer.papers == [o + v for o, v in zip(own, kg_.trends(["ViT"])[0].papers, strict=True)]


def test_label_filter_and_unknown_names(kg_):
    (as_task,) = kg_.trends(["Vision Transformer"], label="Task")
    assert as_task.entities == [] and sum(as_task.papers) == 0
    with pytest.raises(ValueError):
        kg_.trends(["ViT"], label="Methods")


def test_rising_finds_the_burst_and_not_the_flat_or_unoffered(kg_):
    found = kg_.rising(label="Method")
    names = [r.name for r in found]
    # ViT bursts, and so does Transformer, whose IS_A family it is (the parent rises with it)
    assert set(names[:2]) == {"Vision Transformer", "Transformer"}
    vit = found[names.index("Vision Transformer")]
    assert vit.bursts[-1].start >= 2017 and vit.bursts[-1].end == 2019
    assert vit.papers == kg_.trends(["ViT"])[0].papers and vit.paper_count == 20
    assert "support vector machine" not in names  # flat
    assert "our approach" not in names  # bursts, but below the offer bar
    assert len(names) == len(set(names))


def test_since_after_the_burst_starts_leaves_it_out(kg_):
    assert all(any(b.start >= 2019 for b in r.bursts) for r in kg_.rising(label="Method", since=2019))
    assert "Vision Transformer" in [r.name for r in kg_.rising(label="Method", since=2015)]
    assert "Vision Transformer" not in [r.name for r in kg_.rising(label="Method", since=2019)]
