"""arXiv: Atom feeds in both layouts, broken and error entries, and the metadata snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import IngestError, IngestReport, read_papers

DATA = Path(__file__).parent / "data" / "ingest"


def read(*paths: Path, **kwargs: object) -> tuple[list, IngestReport]:
    report = IngestReport()
    papers = list(read_papers(list(paths), report=report, **kwargs))
    return papers, report


def test_classic_layout_unwraps_summaries_and_keeps_old_style_ids() -> None:
    papers, report = read(DATA / "arxiv_classic.xml")
    rank, mdl = papers
    assert rank.id == "arxiv:2309.08353" and rank.arxiv_id == "2309.08353"
    assert rank.abstract.startswith("Modern detection transformers (DETRs) use a set of object queries to predict")
    assert "\n" not in rank.abstract and "  " not in rank.abstract
    assert (rank.year, rank.date, rank.venue) == (2023, "2023-09-15", "NeurIPS 2023")
    assert rank.authors == ["Yifan Pu", "Weicong Liang"]
    assert mdl.id == "arxiv:cs/9901002"
    assert mdl.title == "Minimum Description Length Induction, Bayesianism, and Kolmogorov Complexity"
    assert mdl.doi == "10.1109/18.825807"
    assert set(mdl.external_ids) == {"arxiv:cs/9901002", "doi:10.1109/18.825807"}
    assert report.problems == []


def test_2025_layout_with_prefixed_namespaces_and_https() -> None:
    papers, _ = read(DATA / "arxiv_2025.xml")
    assert [p.id for p in papers] == ["arxiv:2310.07831", "arxiv:2301.07733"]
    schedules, dadapt = papers
    assert schedules.url == "https://arxiv.org/abs/2310.07831v1"
    assert schedules.authors == ["Aaron Defazio", "Ashok Cutkosky"]
    assert dadapt.doi == "10.48550/arxiv.2301.07733" and dadapt.venue == "ICML 2023"
    assert dadapt.year == 2023 and dadapt.date == "2023-01-18"


def test_fully_prefixed_atom_is_read_by_local_names(tmp_path: Path) -> None:
    path = tmp_path / "prefixed.xml"
    path.write_text(
        '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        "<atom:entry><atom:id>https://arxiv.org/abs/2101.00001v3</atom:id>"
        "<atom:title>Prefixed Title</atom:title><atom:summary>Prefixed summary.</atom:summary>"
        "<atom:published>2021-01-01T00:00:00Z</atom:published><arxiv:doi>10.1/P</arxiv:doi></atom:entry>\n"
        "</atom:feed>\n",
        encoding="utf-8",
    )
    [paper], _ = read(path)
    assert (paper.id, paper.title, paper.doi) == ("arxiv:2101.00001", "Prefixed Title", "10.1/p")
    assert paper.abstract == "Prefixed summary."


def test_malformed_and_empty_entries_are_reported_and_reading_goes_on() -> None:
    papers, report = read(DATA / "arxiv_broken.xml")
    assert [p.title for p in papers] == ["A Well Formed Entry", "The Entry After The Broken Ones"]
    assert report.bad_records == 2 and report.records_seen == 4
    malformed, empty = report.problems
    assert malformed.line == 17 and "entry starting at line 12" in malformed.reason
    assert "mismatched tag" in malformed.reason
    assert empty.line == 18 and "no title and no summary" in empty.reason
    assert all(p.file == str(DATA / "arxiv_broken.xml") for p in report.problems)


def test_api_error_entry_is_a_problem_not_a_paper() -> None:
    papers, report = read(DATA / "arxiv_error.xml")
    assert papers == []
    [problem] = report.problems
    assert problem.line == 4 and "incorrect id format for 1234.12345" in problem.reason


def test_strict_mode_stops_at_the_malformed_entry() -> None:
    with pytest.raises(IngestError, match=r"arxiv_broken\.xml:17: invalid XML"):
        read(DATA / "arxiv_broken.xml", strict=True)


def test_snapshot_year_comes_from_first_version_not_update_date() -> None:
    papers, report = read(DATA / "arxiv_snapshot.jsonl")
    first = papers[0]
    assert first.id == "arxiv:0704.0001"
    assert (first.year, first.date) == (2007, "2007-04-02")  # update_date says 2008
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert first.doi == "10.1103/physrevd.76.013009" and first.venue == "Phys.Rev.D76:013009,2007"
    assert first.url == "https://arxiv.org/abs/0704.0001"
    old_style = papers[1]
    assert (old_style.id, old_style.year) == ("arxiv:math/0406594", 2004)
    assert [p.id for p in papers] == ["arxiv:0704.0001", "arxiv:math/0406594", "arxiv:0704.0003"]
    [problem] = report.problems
    assert problem.line == 3 and problem.reason.startswith("invalid JSON")
    assert report.bad_records == 1
