"""read_papers end to end: format detection, folders, dedup across formats, encodings, strictness, the report."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from kg.ingest import FORMATS, IngestError, IngestReport, detect_format, read_papers

DATA = Path(__file__).parent / "data" / "ingest"


def read(*paths: Path, **kwargs: object) -> tuple[list, IngestReport]:
    report = IngestReport()
    papers = list(read_papers(list(paths), report=report, **kwargs))
    return papers, report


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("seeds_glued.txt", "seeds-txt"),
        ("papers.jsonl", "jsonl"),
        ("papers_mapped.csv", "csv"),
        ("arxiv_classic.xml", "arxiv-atom"),
        ("arxiv_2025.xml", "arxiv-atom"),
        ("arxiv_snapshot.jsonl", "arxiv-snapshot"),
        ("openalex_page.json", "openalex"),
        ("s2_papers.json", "semantic-scholar"),
    ],
)
def test_detect_format_by_extension_and_content(name: str, expected: str) -> None:
    assert detect_format(DATA / name) == expected
    assert expected in FORMATS


def test_detect_format_sniffs_files_without_a_telling_extension(tmp_path: Path) -> None:
    for name, target in [("openalex_page.json", "works.dat"), ("arxiv_2025.xml", "feed")]:
        shutil.copy(DATA / name, tmp_path / target)
    (tmp_path / "table.out").write_text("Title;Abstract;Year\nA;B;2020\n", encoding="utf-8")
    assert detect_format(tmp_path / "works.dat") == "openalex"
    assert detect_format(tmp_path / "feed") == "arxiv-atom"
    assert detect_format(tmp_path / "table.out") == "csv"
    papers, _ = read(tmp_path / "table.out")
    assert [(p.title, p.abstract, p.year) for p in papers] == [("A", "B", 2020)]


def test_txt_holding_json_is_sniffed_but_bracketed_titles_are_text(tmp_path: Path) -> None:
    shutil.copy(DATA / "s2_papers.json", tmp_path / "export.txt")
    (tmp_path / "seeds.txt").write_text("[Re] A Reproduction Study\n", encoding="utf-8")
    assert detect_format(tmp_path / "export.txt") == "semantic-scholar"
    assert detect_format(tmp_path / "seeds.txt") == "seeds-txt"


def test_unknown_format_file_raises_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.bin"
    path.write_bytes(b"\x00\x01 just some bytes\n")
    with pytest.raises(IngestError, match=r"notes\.bin: looks like a binary file, not a file of papers"):
        read(path)
    path.write_bytes(b"just some words, not papers\n")
    with pytest.raises(IngestError, match=r"notes\.bin: cannot tell the input format.*--format"):
        read(path)
    with pytest.raises(IngestError, match="unknown format 'pdf'"):
        read_papers([DATA / "papers.jsonl"], format="pdf")
    with pytest.raises(IngestError, match="no such file"):
        read_papers([tmp_path / "missing.jsonl"])


def test_format_override_reads_an_oddly_named_file(tmp_path: Path) -> None:
    path = tmp_path / "dump.data"
    shutil.copy(DATA / "seeds_blank_lines.txt", path)
    papers, report = read(path, format="seeds-txt")
    assert len(papers) == 3 and report.formats == {"seeds-txt": 1}


def test_folder_reads_its_files_sorted_and_notes_what_it_skips(tmp_path: Path) -> None:
    shutil.copy(DATA / "seeds_glued.txt", tmp_path / "b.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "arxiv_classic.xml", tmp_path / "sub" / "a.xml")
    (tmp_path / ".hidden.txt").write_text("Hidden Title\n", encoding="utf-8")
    (tmp_path / "README.bin").write_bytes(b"\x00\x00")
    papers, report = read(tmp_path)
    assert report.files == 2 and report.formats == {"seeds-txt": 1, "arxiv-atom": 1}
    # sorted paths: b.txt before sub/a.xml; Rank-DETR appears in both and is merged into the first
    assert papers[0].title.startswith("Learning Effective Representations")
    rank = [p for p in papers if p.title == "Rank-DETR for High Quality Object Detection"]
    assert len(rank) == 1 and rank[0].id == "arxiv:2309.08353"
    assert any("README.bin" in p.file and "file skipped" in p.reason for p in report.problems)
    assert not any(".hidden" in p.file for p in report.problems)


def test_same_papers_across_formats_become_one_each() -> None:
    papers, report = read(
        DATA / "seeds_blank_lines.txt",
        DATA / "arxiv_classic.xml",
        DATA / "arxiv_2025.xml",
        DATA / "openalex_page.json",
        DATA / "s2_papers.json",
    )
    by_id = {p.id: p for p in papers}
    assert len(by_id) == len(papers)
    rank = by_id["arxiv:2309.08353"]  # seeds (title) + classic Atom (arXiv id)
    assert rank.source == "seeds-txt:seeds_blank_lines.txt" and rank.venue == "NeurIPS 2023"
    schedules = by_id["arxiv:2310.07831"]  # seeds + 2025 Atom + S2
    assert "s2:0f9b3ee6d9bf2e1bcb2b1d3c6f7c5e8e2a4d1b10" in schedules.external_ids
    assert schedules.cited_by[0] == "s2:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
    dadapt = by_id["arxiv:2301.07733"]  # 2025 Atom + OpenAlex (arXiv DOI) + S2 (ArXiv id)
    assert {"openalex:W4318719006", "s2:5a2d3c4b5e6f708192a3b4c5d6e7f8091a2b3c4d"} <= set(dadapt.external_ids)
    mdl = by_id["arxiv:cs/9901002"]  # classic Atom + OpenAlex, matched by DOI
    assert "openalex:W2108325981" in mdl.external_ids
    assert mdl.references == ["openalex:W1999999999", "openalex:W2000000002"]
    # D-Adaptation cites MDL by its OpenAlex id, which the merged MDL paper now carries
    assert "openalex:W2108325981" in dadapt.references
    seen = 3 + 2 + 2 + 3 + 3
    assert (report.records_seen, report.papers) == (seen + 2, len(papers))  # 2 bad records also seen
    assert len(papers) == 7 and report.duplicates_merged == seen - 7 == 6
    assert report.files == 5


def test_utf8_bom_and_undecodable_line_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    good = json.dumps({"title": "Ünïcode Title", "abstract": "Fine."}).encode("utf-8")
    bad = '{"title": "Caf\u00e9", "abstract": "Latin-1 bytes."}'.encode("latin-1")
    last = json.dumps({"title": "After", "abstract": "Still read."}).encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n" + last + b"\n")
    papers, report = read(path)
    assert [p.title for p in papers] == ["Ünïcode Title", "After"]
    [problem] = report.problems
    assert problem.line == 2 and "undecodable bytes" in problem.reason


def test_undecodable_bytes_inside_a_json_array_cost_one_record(tmp_path: Path) -> None:
    path = tmp_path / "works.json"
    records = [{"title": f"Paper {i}", "abstract": "Text."} for i in range(3)]
    lines = json.dumps(records, indent=2).encode("utf-8").split(b"\n")
    broken = [line.replace(b"Paper 1", b"Paper \xff1") for line in lines]
    path.write_bytes(b"\n".join(broken))
    papers, report = read(path)
    assert [p.title for p in papers] == ["Paper 0", "Paper 2"]
    [problem] = report.problems
    assert problem.line == next(i for i, line in enumerate(broken, 1) if b"\xff" in line)


def test_gzipped_input_is_read(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.jsonl.gz"
    path.write_bytes(gzip.compress((DATA / "arxiv_snapshot.jsonl").read_bytes()))
    papers, report = read(path)
    assert report.formats == {"arxiv-snapshot": 1} and len(papers) == 3


def test_summary_names_counts_and_first_problems() -> None:
    _, report = read(DATA / "papers.jsonl", DATA / "seeds_glued.txt")
    text = report.summary()
    assert "Read 2 files (jsonl: 1, seeds-txt: 1)" in text
    assert f"{report.papers} papers" in text and "4 bad records skipped" in text
    assert f"{DATA / 'papers.jsonl'}:3: invalid JSON" in text and "(and 2 more)" in text


def test_strict_mode_raises_on_the_first_bad_record_only() -> None:
    papers, _ = read(DATA / "seeds_glued.txt", strict=True)  # notes are not bad records
    assert len(papers) == 4
    with pytest.raises(IngestError, match=r"openalex_page\.json:99: work has no title"):
        read(DATA / "openalex_page.json", strict=True)
