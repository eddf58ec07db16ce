"""Every cypher/*.cypher file runs on the real server, with the parameters of its own `:param` header
lines, over the hand-built corpus loaded by the Bolt loader, and returns the rows it promises."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from kg import KnowledgeGraph
from kg.graph.build import build_graph
from kg.graph.schema import USE_TYPES
from kg.neo4j.loader import load_graph_into_neo4j
from kg.neo4j.settings import connect
from test_graph_query import EXTRACTIONS, PAPERS, RESOLUTION, S_CNN, S_RANK
from test_neo4j_loader import reset_database

CYPHER = Path(__file__).resolve().parent.parent / "cypher"
FILES = sorted(CYPHER.glob("*.cypher"))
EXPECTED_FILES = {
    "papers_using_x_for_y", "methods_for_task", "datasets_for_task", "top_methods_per_task", "papers_proposing",
    "cooccurring_entities", "is_a_tree", "citation_neighbourhood", "papers_per_year_for_method",
}
PARAM_LINE = re.compile(r"^// :param (\w+) => (.+)$", re.M)


def header_params(text: str) -> dict[str, Any]:
    """Parameters from `// :param name => literal` lines (what Neo4j Browser's :param would set)."""
    return {name: ast.literal_eval(value.strip()) for name, value in PARAM_LINE.findall(text)}


def run_file(driver: neo4j.Driver, database: str, path: Path, **overrides: Any) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    params = {**header_params(text), **overrides}
    records, _, _ = driver.execute_query(text, parameters_=params, database_=database)
    return [dict(r) for r in records]


@pytest.fixture(scope="module")
def hand_db(neo4j_server) -> Iterator[tuple[neo4j.Driver, str]]:
    driver = connect(neo4j_server.settings)
    database = neo4j_server.settings.database
    reset_database(driver, database)
    load_graph_into_neo4j(build_graph(PAPERS, EXTRACTIONS, RESOLUTION), driver, database=database)
    try:
        yield driver, database
    finally:
        driver.close()


def test_the_promised_files_exist():
    assert {p.stem for p in FILES} == EXPECTED_FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_header_documents_purpose_and_every_parameter(path):
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("//")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    assert len(header) >= 2 and not header[0].startswith("// :param"), "first line says what the query is for"
    assert text.splitlines()[: len(header)] == header, "the header comes first"
    used = set(re.findall(r"\$(\w+)", body))
    assert used, "parameterised"
    assert used == set(header_params(text)), "each $parameter has a `// :param name => value` line"


EXPECTATIONS = {
    "papers_using_x_for_y": lambda rows: (
        [r["paper"] for r in rows] == ["arxiv:1"]
        and rows[0]["same_sentence"] and rows[0]["evidence"] == S_RANK
        and rows[0]["used"] == ["DINO-DETR", "Rank-DETR"]
    ),
    "methods_for_task": lambda rows: (
        [(r["method"], r["same_sentence"]) for r in rows] == [("CNN", True), ("Rank-DETR", True), ("DINO-DETR", False)]
        and rows[0]["evidence"] == S_CNN
    ),
    "datasets_for_task": lambda rows: [(r["dataset"], r["papers"]) for r in rows] == [("COCO", 1)],
    "top_methods_per_task": lambda rows: (
        [(r["rank"], r["method"]) for r in rows if r["task"] == "object detection"]
        == [(1, "CNN"), (2, "DINO-DETR"), (3, "Rank-DETR")]
        and {r["task"] for r in rows} == {"object detection", "image classification", "machine translation",
                                          "semantic segmentation"}
    ),
    "papers_proposing": lambda rows: [(r["paper"], r["proposes"]) for r in rows] == [("arxiv:1", "Rank-DETR")],
    "cooccurring_entities": lambda rows: {(r["label"], r["name"]) for r in rows}
    == {("Dataset", "COCO"), ("Method", "CNN"), ("Method", "DINO-DETR"), ("Method", "Rank-DETR")},
    "is_a_tree": lambda rows: [(r["depth"], r["entity"]) for r in rows]
    == [(0, "Transformer"), (1, "DETR"), (1, "Vision Transformer"), (2, "DINO-DETR"), (2, "Rank-DETR")]
    and rows[3]["parents"] == ["DETR"],
    "citation_neighbourhood": lambda rows: [(r["paper"], r["distance"], r["cited_by_it"]) for r in rows]
    == [("doi:10.1/cited", 1, True)],
    "papers_per_year_for_method": lambda rows: [(r["year"], r["papers"]) for r in rows]
    == [(2017, 1), (2021, 1), (2022, 1), (2023, 1)],
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_runs_with_its_header_params(path, hand_db):
    rows = run_file(*hand_db, path)
    assert EXPECTATIONS[path.stem](rows), rows


@pytest.mark.parametrize(
    ("stem", "overrides", "expected"),
    [
        # aliases, case and plural reach the same entities
        ("papers_using_x_for_y", {"x": "TRANSFORMERS", "y": "Object Detection"}, ["arxiv:1"]),
        ("papers_using_x_for_y", {"x": "ViT", "y": "image classification"}, ["arxiv:2"]),
        ("papers_using_x_for_y", {"x": "detection transformer", "y": "object detection"}, ["arxiv:1"]),
        ("papers_using_x_for_y", {"x": "CNN", "y": "machine translation"}, []),
        ("papers_proposing", {"x": "detection transformers"}, ["arxiv:1"]),
        ("citation_neighbourhood", {"paper_id": "doi:10.1/cited", "hops": 1}, ["arxiv:1"]),
        ("citation_neighbourhood", {"paper_id": "arxiv:404"}, []),
    ],
)
def test_names_match_through_aliases_case_and_plural(stem, overrides, expected, hand_db):
    rows = run_file(*hand_db, CYPHER / f"{stem}.cypher", **overrides)
    assert [r["paper"] for r in rows] == expected


def test_files_agree_with_the_python_helpers(hand_db):
    kg = KnowledgeGraph.from_graph(build_graph(PAPERS, EXTRACTIONS, RESOLUTION))
    for x, y in [("transformer", "object detection"), ("vision transformer", "image classification"),
                 ("ViT", "semantic segmentation"), ("COCO", "object detection")]:
        rows = run_file(*hand_db, CYPHER / "papers_using_x_for_y.cypher", x=x, y=y)
        assert {r["paper"] for r in rows} == {r.paper_id for r in kg.papers_using(x, task=y, limit=100)}, (x, y)
    for task in ("object detection", "image classification", "machine translation"):
        rows = run_file(*hand_db, CYPHER / "methods_for_task.cypher", task=task)
        assert {r["method"] for r in rows} == {m.name for m in kg.methods_for(task, limit=100)}, task
        rows = run_file(*hand_db, CYPHER / "datasets_for_task.cypher", task=task)
        assert {r["dataset"] for r in rows} == {d.name for d in kg.datasets_for(task, limit=100)}, task
    rows = run_file(*hand_db, CYPHER / "papers_proposing.cypher", x="DETR")
    assert [r["paper"] for r in rows] == [r.paper_id for r in kg.papers_proposing("DETR")]


def test_papers_using_file_covers_the_helpers_use_types():
    # the file and kg.query.engine must mean the same thing by "uses X"
    text = (CYPHER / "papers_using_x_for_y.cypher").read_text(encoding="utf-8")
    for rel in USE_TYPES:
        assert rel in text
