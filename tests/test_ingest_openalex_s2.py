"""OpenAlex works and Semantic Scholar papers: abstracts, ids, references and citations."""

from __future__ import annotations

import json
from pathlib import Path

from kg.ingest import IngestReport, read_papers
from kg.ingest.openalex import rebuild_abstract

DATA = Path(__file__).parent / "data" / "ingest"
S2_SCHEDULES = "s2:0f9b3ee6d9bf2e1bcb2b1d3c6f7c5e8e2a4d1b10"
S2_DADAPT = "s2:5a2d3c4b5e6f708192a3b4c5d6e7f8091a2b3c4d"
S2_CITING = "s2:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"


def read(*paths: Path) -> tuple[list, IngestReport]:
    report = IngestReport()
    papers = list(read_papers(list(paths), report=report))
    return papers, report


def test_inverted_index_is_put_back_in_word_order() -> None:
    index = {"the": [3, 7], "The": [0], "approach": [5], "and": [6], "of": [1], "use": [2], "Bayes": [4], "end": [8]}
    assert rebuild_abstract(index) == "The of use the Bayes approach and the end"
    assert rebuild_abstract(None) == ""


def test_openalex_page_fields_ids_and_references() -> None:
    papers, report = read(DATA / "openalex_page.json")
    dadapt, mdl, no_abstract = papers
    # An arXiv DOI (and arXiv landing page) make the arXiv id this work's best id.
    assert dadapt.id == "arxiv:2301.07733"
    assert {"openalex:W4318719006", "doi:10.48550/arxiv.2301.07733"} <= set(dadapt.external_ids)
    assert dadapt.abstract == "D-Adaptation is an approach to automatically setting the learning rate."
    assert dadapt.venue == "arXiv (Cornell University)"
    assert mdl.id == "doi:10.1109/18.825807" and mdl.doi == "10.1109/18.825807"
    assert set(mdl.external_ids) == {"doi:10.1109/18.825807", "openalex:W2108325981", "mag:2108325981"}
    assert mdl.abstract == (
        "The relationship between the Bayesian approach and the minimum description length approach is established."
    )
    assert dadapt.references == ["openalex:W2108325981"]
    assert mdl.references == ["openalex:W1999999999", "openalex:W2000000002"]
    assert (mdl.year, mdl.date, mdl.venue) == (2000, "2000-03-01", "IEEE Transactions on Information Theory")
    assert mdl.authors == ["Paul M. B. Vitányi", "Ming Li"]
    assert no_abstract.id == "openalex:W3011122334" and no_abstract.abstract == ""
    assert report.without_abstract == 1
    [problem] = report.problems
    assert problem.line == 99 and "no title and no abstract" in problem.reason


def test_openalex_jsonl_and_bare_array_read_the_same(tmp_path: Path) -> None:
    works = json.loads((DATA / "openalex_page.json").read_text(encoding="utf-8"))["results"][:3]
    as_lines, as_array = tmp_path / "works.jsonl", tmp_path / "works.json"
    as_lines.write_text("".join(json.dumps(w) + "\n" for w in works), encoding="utf-8")
    as_array.write_text(json.dumps(works, indent=1), encoding="utf-8")
    from_lines, _ = read(as_lines)
    from_array, _ = read(as_array)
    expected, _ = read(DATA / "openalex_page.json")
    strip = lambda ps: [p.model_dump(exclude={"source"}) for p in ps]  # noqa: E731
    assert strip(from_lines) == strip(from_array) == strip(expected)


def test_semantic_scholar_ids_references_and_citations() -> None:
    papers, report = read(DATA / "s2_papers.json")
    schedules, dadapt, citing = papers
    assert schedules.id == "arxiv:2310.07831"
    assert {S2_SCHEDULES, "corpusid:263909351", "dblp:journals/corr/abs-2310-07831"} <= set(schedules.external_ids)
    assert schedules.references == [S2_DADAPT]  # the reference without a paperId cannot be linked
    assert schedules.cited_by == [S2_CITING, "s2:1111111111111111111111111111111111111111"]
    assert (schedules.year, schedules.date, schedules.venue) == (2023, "2023-10-11", "arXiv.org")
    assert dadapt.abstract == "" and dadapt.date is None and report.without_abstract == 1
    assert citing.id == S2_CITING
    [problem] = report.problems
    assert problem.line == 36 and "null paper" in problem.reason


def test_semantic_scholar_single_object_file(tmp_path: Path) -> None:
    path = tmp_path / "paper.json"
    record = json.loads((DATA / "s2_papers.json").read_text(encoding="utf-8"))["data"][3]
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    [paper], report = read(path)
    assert paper.id == S2_CITING and report.formats == {"semantic-scholar": 1}
