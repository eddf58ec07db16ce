"""The plain-text seed dumps: chrome skipped (even glued to a title), titles told from abstracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import IngestReport, read_papers
from kg.ingest.seeds_txt import looks_like_abstract, strip_chrome

DATA = Path(__file__).parent / "data" / "ingest"


def read(*names: str) -> tuple[list, IngestReport]:
    report = IngestReport()
    papers = list(read_papers([DATA / n for n in names], report=report))
    return papers, report


def test_blank_line_layout_skips_chrome_and_pairs_titles_with_abstracts() -> None:
    papers, report = read("seeds_blank_lines.txt")
    assert [p.title for p in papers] == [
        "Rank-DETR for High Quality Object Detection",
        "When, Why and How Much? Adaptive Learning Rate Scheduling by Refinement",
        "All You Need is Beyond a Good Init: Exploring Better Solution for Training Extremely Deep "
        "Convolutional Neural Networks with Orthonormality and Modulation",
    ]
    assert papers[0].abstract.startswith("Modern detection transformers (DETRs)")
    assert papers[1].abstract.endswith("cosine annealing and linear decay on deep learning problems.")
    assert all(p.source == "seeds-txt:seeds_blank_lines.txt" for p in papers)
    assert report.problems == [] and report.bad_records == 0


def test_glued_subscribe_is_cut_from_the_title() -> None:
    papers, _ = read("seeds_glued.txt")
    assert papers[0].title == (
        "Learning Effective Representations for Retrieval Using Self-Distillation with Adaptive Relevance Margins"
    )
    assert papers[0].abstract.startswith("Representation-based retrieval models")
    assert papers[1].title == "What's in a Prior? Learned Proximal Networks for Inverse Problems"


def test_trailing_title_without_abstract_is_kept_and_noted() -> None:
    papers, report = read("seeds_glued.txt")
    assert papers[-1].title == "A theory of meta-factorization" and papers[-1].abstract == ""
    assert report.without_abstract == 1 and report.bad_records == 0
    [note] = report.problems
    assert (note.file.endswith("seeds_glued.txt"), note.line, note.skipped) == (True, 9, False)


def test_same_title_in_two_dumps_is_one_paper() -> None:
    papers, report = read("seeds_blank_lines.txt", "seeds_glued.txt")
    titles = [p.title for p in papers]
    assert titles.count("Rank-DETR for High Quality Object Detection") == 1
    assert (report.records_seen, report.papers, report.duplicates_merged) == (7, 6, 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("new", ""),
        ("Get trending papers in your email inbox once a day!", ""),
        ("byAK and the research community", ""),
        ("Mar 12", ""),
        ("SubscribeMusER: Musical Element-Based Regularization", "MusER: Musical Element-Based Regularization"),
        ("Subscribe3D Gaussian Splatting", "3D Gaussian Splatting"),
        ("Newton Methods Revisited", "Newton Methods Revisited"),
        ("May 2024 Survey of Transformers", "May 2024 Survey of Transformers"),
    ],
)
def test_strip_chrome(line: str, expected: str) -> None:
    assert strip_chrome(line) == expected


def test_question_titles_are_titles_and_long_lines_are_abstracts() -> None:
    assert not looks_like_abstract(
        "Which Explanation Should I Choose? A Function Approximation Perspective to Characterizing Post Hoc "
        "Explanations"
    )
    assert not looks_like_abstract("To Cool or not to Cool? Temperature Network Meets Large Foundation Models via DRO")
    assert looks_like_abstract("We propose a loss. It is unbiased and converges fast in practice on many games.")
    assert looks_like_abstract(" ".join(["word"] * 45))


def test_a_file_of_bare_abstracts_gives_untitled_papers_with_one_note(tmp_path: Path) -> None:
    abstract = "We study a problem in depth. Our results show improvements on three benchmarks across several settings."
    path = tmp_path / "abstracts.txt"
    path.write_text(f"{abstract}\n{abstract.replace('three', 'four')}\n", encoding="utf-8")
    report = IngestReport()
    papers = list(read_papers([path], report=report))
    assert [p.title for p in papers] == ["", ""]
    assert [p.line for p in report.problems] == [None]
    assert "2 abstracts read without titles" in report.problems[0].reason


def test_undecodable_title_line_is_a_bad_record_and_its_abstract_is_noted(tmp_path: Path) -> None:
    source = (DATA / "seeds_glued.txt").read_bytes().split(b"\n")
    source[4] = source[4].replace(b"What's", b"What\x92s")  # a Windows-1252 apostrophe
    path = tmp_path / "cp1252.txt"
    path.write_bytes(b"\n".join(source))
    report = IngestReport()
    papers = list(read_papers([path], report=report))
    assert [p.title for p in papers][:2] == [
        "Learning Effective Representations for Retrieval Using Self-Distillation with Adaptive Relevance Margins",
        "",
    ]
    by_line = {p.line: p for p in report.problems}
    assert by_line[5].skipped and "undecodable bytes" in by_line[5].reason
    assert not by_line[6].skipped and "no title line before it" in by_line[6].reason
    assert report.bad_records == 1
