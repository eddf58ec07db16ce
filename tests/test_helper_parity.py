"""Browser parity for the helpers: the saved Cypher lists the same entities, in the same order, as
`kg query methods-for / datasets-for / tasks-for`, on the sample graph, for every dev helper question
whose argument is an entity of the graph and for the most mentioned tasks and methods."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from test_cypher_files import run_file
from test_neo4j_loader import reset_database

from kg import KnowledgeGraph
from kg.browser import CYPHER_DIR
from kg.eval.helpers import DEFAULT_HELPERS, read_helper_questions
from kg.neo4j.loader import load_graph_into_neo4j
from kg.neo4j.settings import connect

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "seed_abstracts.jsonl"
FILES = {
    "methods-for": ("methods_for_task", "task", "method"),
    "datasets-for": ("datasets_for_task", "task", "dataset"),
    "tasks-for": ("tasks_for_method", "method", "task"),
}
LIMIT = 25


@pytest.fixture(scope="module")
def sample(neo4j_server, tmp_path_factory) -> Iterator[tuple[KnowledgeGraph, neo4j.Driver, str]]:
    kg = KnowledgeGraph.build([SAMPLE])
    driver = connect(neo4j_server.settings)
    database = neo4j_server.settings.database
    reset_database(driver, database)
    load_graph_into_neo4j(kg.graph, driver, database=database)
    try:
        yield kg, driver, database
    finally:
        driver.close()


def _questions(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """The dev helper questions whose argument is an entity of the right label, and the top tasks and methods."""
    asked = []
    if DEFAULT_HELPERS.exists():
        label = {"methods-for": "Task", "datasets-for": "Task", "tasks-for": "Method"}
        asked = [(q.helper, q.arg) for q in read_helper_questions(DEFAULT_HELPERS) if kg.lookup(q.arg, label[q.helper])]
    top = kg.stats(top=5)["top"]
    asked += [(helper, e["name"]) for e in top["Task"] for helper in ("methods-for", "datasets-for")]
    asked += [("tasks-for", e["name"]) for e in top["Method"]]
    return list(dict.fromkeys(asked))


def test_saved_helpers_list_what_kg_query_lists(sample) -> None:
    kg, driver, database = sample
    questions = _questions(kg)
    assert len(questions) >= 15
    answered = 0
    for helper, arg in questions:
        stem, param, column = FILES[helper]
        rows = run_file(driver, database, CYPHER_DIR / f"{stem}.cypher", **{param: arg})
        expected = getattr(kg, helper.replace("-", "_"))(arg, limit=LIMIT)
        assert [(r[column], r["papers"], r["score"]) for r in rows] == [
            (e.name, e.paper_count, e.score) for e in expected
        ], (helper, arg)
        answered += bool(expected)
    assert answered >= len(questions) // 2, (answered, len(questions))  # parity over empty lists would prove little
    print(f"{answered} of {len(questions)} helper questions answered, same on both")
