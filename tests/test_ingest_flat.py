"""Generic JSONL and CSV: field handling, the column map, and bad records located by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import IngestError, IngestReport, read_papers

DATA = Path(__file__).parent / "data" / "ingest"
CSV_MAP = {"title": "name", "abstract": "summary", "year": "published", "authors": "creators", "arxiv_id": "arxiv"}


def read(*paths: Path, **kwargs: object) -> tuple[list, IngestReport]:
    report = IngestReport()
    papers = list(read_papers(list(paths), report=report, **kwargs))
    return papers, report


def problems(report: IngestReport) -> dict[int | None, str]:
    return {p.line: p.reason for p in report.problems}


def test_jsonl_fields_and_ids() -> None:
    papers, _ = read(DATA / "papers.jsonl")
    rank, title_only, doi_record = papers
    assert rank.id == "arxiv:2309.08353" and rank.year == 2023
    assert rank.authors == ["Yifan Pu", "Weicong Liang"]
    assert title_only.abstract == "" and (title_only.year, title_only.date) == (2022, "2022-05-17")
    assert title_only.id.startswith("title:")
    assert doi_record.id == "doi:10.1000/xyz123" and doi_record.venue == "Journal of Tests"
    assert doi_record.references == ["arxiv:2309.08353", "doi:10.1000/missing"]


def test_jsonl_bad_records_are_reported_by_line() -> None:
    _, report = read(DATA / "papers.jsonl")
    found = problems(report)
    assert sorted(found) == [3, 4, 6, 7]
    assert found[3].startswith("invalid JSON")
    assert found[4] == "empty record"
    assert "fields present: summary, name" in found[6] and "--map" in found[6]
    assert "expected a JSON object, got list" in found[7]
    assert (report.bad_records, report.records_seen, report.papers, report.without_abstract) == (4, 7, 3, 1)
    assert all(p.file == str(DATA / "papers.jsonl") and p.skipped for p in report.problems)


def test_jsonl_column_map_renames_fields() -> None:
    papers, report = read(DATA / "papers.jsonl", column_map={"abstract": "summary", "title": "name"})
    assert [(p.title, p.abstract) for p in papers if p.title == "Mapped Names"] == [
        ("Mapped Names", "An abstract stored under another name.")
    ]
    # Records without the mapped columns still use `title`/`abstract`.
    assert "Rank-DETR for High Quality Object Detection" in [p.title for p in papers]
    assert sorted(problems(report)) == [3, 4, 7]


def test_csv_with_mapped_columns_and_multiline_abstract() -> None:
    papers, report = read(DATA / "papers_mapped.csv", column_map=CSV_MAP)
    rank, group, persistent = papers
    assert rank.id == "arxiv:2309.08353" and rank.authors == ["Yifan Pu", "Weicong Liang"]
    assert group.doi == "10.1109/iccv51070.2023.00610" and group.year == 2023
    assert group.abstract == (
        "Detection transformer (DETR) relies on one-to-one assignment. In this paper, we introduce Group DETR, "
        "a simple yet efficient DETR training approach."
    )
    assert group.authors == ["Qiang Chen", "Xiaokang Chen", "Jian Wang"]
    assert persistent.authors == ["Luis Scoccola", "Siddharth Setlur"] and persistent.year is None
    found = problems(report)
    assert "row has 7 fields but the header has 6" in found[5]
    assert "no title and no abstract (fields present: published)" in found[6]
    assert "year 'n/a' is not a year" in found[7]
    skipped = {p.line: p.skipped for p in report.problems}
    assert skipped == {5: True, 6: True, 7: False}
    assert report.bad_records == 2


def test_csv_missing_required_column_is_one_located_error() -> None:
    # issue 13 item 6: no row of such a file can be right, so the header stops the read
    with pytest.raises(IngestError) as caught:
        read(DATA / "missing_column.csv")
    assert str(caught.value) == (
        f"{DATA / 'missing_column.csv'}:1: no 'title' and no 'abstract' column (found: heading, text, year); "
        "map them with --map title=heading,abstract=text"
    )


def test_csv_without_title_column_names_the_columns_found(tmp_path: Path) -> None:
    path = tmp_path / "no_title.csv"
    path.write_text("name,abstract\nA paper,An abstract.\n", encoding="utf-8")
    with pytest.raises(
        IngestError,
        match=r"no_title\.csv:1: no 'title' column \(found: name, abstract\); "
        r"map one with --map title=name$",
    ):
        read(path)
    papers, _ = read(path, column_map={"title": "name"})
    assert [p.title for p in papers] == ["A paper"]


def test_csv_with_title_but_no_abstract_column_is_read(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text("title,year\nA paper,2020\n", encoding="utf-8")
    papers, _ = read(path)
    assert [(p.title, p.abstract, p.year) for p in papers] == [("A paper", "", 2020)]


def test_csv_missing_column_is_fixed_by_the_map() -> None:
    papers, report = read(DATA / "missing_column.csv", column_map={"title": "heading", "abstract": "text"})
    assert [(p.title, p.year) for p in papers] == [("A Paper", 2020), ("Another Paper", 2021)]
    assert report.problems == []


def test_tsv_and_undecodable_csv_row(tmp_path: Path) -> None:
    path = tmp_path / "papers.tsv"
    path.write_bytes(
        b"title\tabstract\n"
        b"Good One\tFine text.\n"
        b"Caf\xe9 Latin-1\tThis row was saved in Latin-1.\n"
        b"Good Two\tMore text.\n"
    )
    papers, report = read(path)
    assert [p.title for p in papers] == ["Good One", "Good Two"]
    [problem] = report.problems
    assert problem.line == 3 and "undecodable bytes" in problem.reason


def test_unknown_map_field_is_refused_up_front() -> None:
    with pytest.raises(IngestError, match="abstarct"):
        read_papers([DATA / "papers.jsonl"], column_map={"abstarct": "summary"})


def test_strict_mode_raises_with_file_and_line() -> None:
    with pytest.raises(IngestError, match=r"papers\.jsonl:3: invalid JSON"):
        read(DATA / "papers.jsonl", strict=True)
    with pytest.raises(IngestError, match=r"missing_column\.csv:1: no 'title' and no 'abstract' column"):
        read(DATA / "missing_column.csv", strict=True)
