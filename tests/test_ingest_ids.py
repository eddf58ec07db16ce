"""Identifier parsing and the paper-id priority."""

from __future__ import annotations

import hashlib

import pytest

from kg.ingest.ids import choose_id, clean_arxiv_id, clean_doi, make_id, normalise_title, parse_id, title_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2101.00001v2", "2101.00001"),
        ("arXiv:2101.00001", "2101.00001"),
        ("http://arxiv.org/abs/2309.08353v2", "2309.08353"),
        ("https://arxiv.org/pdf/2309.08353v1.pdf", "2309.08353"),
        ("http://arxiv.org/abs/cs/9901002v1", "cs/9901002"),
        ("math.AG/0601001", "math/0601001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("10.1109/18.825807", None),
        ("not an id", None),
    ],
)
def test_arxiv_ids_lose_version_and_keep_old_style_slash(raw: str, expected: str | None) -> None:
    assert clean_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1109/ICCV51070.2023.00610", "10.1109/iccv51070.2023.00610"),
        ("http://dx.doi.org/10.1109/18.825807", "10.1109/18.825807"),
        ("doi:10.1000/XYZ", "10.1000/xyz"),
        ("2101.00001", None),
    ],
)
def test_dois_are_bare_and_lowercase(raw: str, expected: str | None) -> None:
    assert clean_doi(raw) == expected


def test_normalised_title_folds_case_width_and_punctuation() -> None:
    assert normalise_title("  Rank-DETR:  High\u2013Quality   ＤＥＴＲ!! ") == "rank detr high quality detr"
    assert normalise_title("Straße") == normalise_title("STRASSE")


def test_title_id_is_sha1_of_normalised_title() -> None:
    expected = hashlib.sha1(b"a theory of meta factorization").hexdigest()[:16]
    assert title_id("A Theory of Meta-Factorization.") == f"title:{expected}"


def test_parse_id_recognises_each_spelling() -> None:
    assert parse_id("https://openalex.org/W2108325981") == "openalex:W2108325981"
    assert parse_id("W123") == "openalex:W123"
    assert parse_id("doi:10.1/ABC") == "doi:10.1/abc"
    assert parse_id("2309.08353v2") == "arxiv:2309.08353"
    assert parse_id("0F9B3EE6D9BF2E1BCB2B1D3C6F7C5E8E2A4D1B10") == "s2:0f9b3ee6d9bf2e1bcb2b1d3c6f7c5e8e2a4d1b10"
    assert parse_id("paper-17") == "paper-17"  # unknown spellings are kept for references in the same input
    assert parse_id("  ") is None


def test_make_id_takes_the_number_from_openalex_urls() -> None:
    assert make_id("pmid", "https://pubmed.ncbi.nlm.nih.gov/29456894") == "pmid:29456894"
    assert make_id("pmcid", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5815332") == "pmcid:5815332"
    assert make_id("mag", "not-a-number") is None


def test_choose_id_follows_priority_not_order() -> None:
    ids = ["title:0123456789abcdef", "s2:" + "a" * 40, "openalex:W1", "doi:10.1/x", "arxiv:2101.00001"]
    assert choose_id(ids) == "arxiv:2101.00001"
    assert choose_id(ids[:4]) == "doi:10.1/x"
    assert choose_id(ids[:3]) == "openalex:W1"
    assert choose_id(ids[:2]) == "s2:" + "a" * 40
    # issue 13 item 16: the input's own id beats the title hash, loses to the global schemes
    assert choose_id(["title:" + "0" * 16, "paper-17"]) == "paper-17"
    assert choose_id(["paper-17", "s2:" + "a" * 40]) == "s2:" + "a" * 40
    assert choose_id([]) is None
