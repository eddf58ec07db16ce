"""Duplicate merging: shared ids or titles make one paper; distinct ids keep same-titled papers apart."""

from __future__ import annotations

from kg.ingest import merge_duplicates
from kg.ingest.fields import make_paper


def paper(title: str, abstract: str = "", *ids: str, **fields: object):
    return make_paper(title=title, abstract=abstract, source=fields.pop("source", "test"), ids=ids, **fields)


def test_same_doi_merges_fields_first_value_wins_lists_union() -> None:
    a = paper("Graph Nets", "", "doi:10.1/g", authors=["A. One"], year=2020, venue="Venue A")
    b = paper("Graph networks", "The abstract.", "doi:10.1/G", "openalex:W9", authors=["a. one", "B. Two"], year=2021)
    [merged] = merge_duplicates([a, b])
    assert merged.id == "doi:10.1/g"
    assert (merged.title, merged.abstract) == ("Graph Nets", "The abstract.")
    assert (merged.year, merged.venue) == (2020, "Venue A")
    assert merged.authors == ["A. One", "B. Two"]
    assert set(merged.external_ids) == {"doi:10.1/g", "openalex:W9"}


def test_title_match_upgrades_the_id_to_the_best_one() -> None:
    seed = paper("Rank-DETR for High Quality Object Detection", "From a seed dump.")
    atom = paper("Rank DETR for high-quality object detection", "From arXiv.", "arxiv:2309.08353")
    [merged] = merge_duplicates([seed, atom])
    assert merged.id == "arxiv:2309.08353" and merged.abstract == "From a seed dump."
    assert seed.id in merged.external_ids  # the title id still finds it


def test_same_title_with_different_arxiv_ids_stays_apart() -> None:
    first = paper("Introduction", "One.", "arxiv:2101.00001")
    second = paper("Introduction", "Two.", "arxiv:2101.00002")
    assert [p.id for p in merge_duplicates([first, second])] == ["arxiv:2101.00001", "arxiv:2101.00002"]


def test_a_record_bridging_two_groups_folds_them_together_in_first_seen_order() -> None:
    by_doi = paper("Title One", "", "doi:10.1/x")
    other = paper("Unrelated", "Text.")
    by_arxiv = paper("Title One (preprint)", "Preprint text.", "arxiv:2101.00001")
    bridge = paper("Title One", "", "doi:10.1/x", "arxiv:2101.00001")
    merged = list(merge_duplicates([by_doi, other, by_arxiv, bridge]))
    assert [p.title for p in merged] == ["Title One", "Unrelated"]
    assert merged[0].id == "arxiv:2101.00001" and merged[0].abstract == "Preprint text."


def test_prefer_last_lets_newer_values_win() -> None:
    old = paper("A Paper", "Old abstract.", "doi:10.1/a", year=2020)
    new = paper("A Paper", "New abstract.", "doi:10.1/a")
    [merged] = merge_duplicates([old, new], prefer_last=True)
    assert (merged.abstract, merged.year) == ("New abstract.", 2020)


def test_arxiv_doi_is_the_preprint_and_does_not_block_a_title_merge() -> None:
    preprint = paper("Deep Things", "x", "doi:10.48550/arXiv.2101.00001")
    journal = paper("Deep things", "y", "doi:10.1000/journal.1")
    [merged] = merge_duplicates([preprint, journal])
    assert merged.id == "arxiv:2101.00001" and merged.doi == "10.48550/arxiv.2101.00001"
    assert "doi:10.1000/journal.1" in merged.external_ids
