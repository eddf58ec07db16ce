"""Browser parity: the saved Cypher lists the same entities, in the same order, as `kg query methods-for /
datasets-for / tasks-for`, on the sample graph, for every dev helper question whose argument is an entity
of the graph and for the most mentioned tasks and methods; and the saved papers_using_x_for_y_judged
query gives `kg query papers-using`'s papers, in order, for every dev question."""

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


def test_saved_papers_using_gives_no_paper_kg_query_does_not(sample) -> None:
    """The saved "papers using X for Y" reads edges only, so it finds fewer papers than `kg query`, which also
    reads the sentences (README: what only the CLI/API adds); what it finds, `kg query` finds too."""
    from kg.eval.questions import DEFAULT_QUESTIONS, read_questions

    if not DEFAULT_QUESTIONS.exists():
        pytest.skip(f"no dev questions at {DEFAULT_QUESTIONS}")
    kg, driver, database = sample
    asked = [q for q in read_questions(DEFAULT_QUESTIONS) if kg.lookup(q.x) and kg.lookup(q.y, "Task")]
    assert len(asked) >= 10
    found = 0
    for q in asked:
        rows = run_file(driver, database, CYPHER_DIR / "papers_using_x_for_y.cypher", x=q.x, y=q.y)
        cypher = {r["paper"] for r in rows}
        assert cypher <= {r.paper_id for r in kg.papers_using(q.x, q.y, limit=LIMIT)}, (q.qid, q.x, q.y)
        found += len(cypher)
    assert found >= len(asked) // 2  # a subset of empty answers would prove little


def test_saved_judged_papers_using_gives_kg_query_s_papers(sample, neo4j_server) -> None:
    """Every dev question, entity names or free text: the judged file asks the guide server, which answers
    from the same Neo4j database through the query engine (`kg neo4j guide --uri`), as Browser users run it."""
    import threading

    from kg.browser import serve
    from kg.eval.questions import DEFAULT_QUESTIONS, read_questions

    if not DEFAULT_QUESTIONS.exists():
        pytest.skip(f"no dev questions at {DEFAULT_QUESTIONS}")
    kg, driver, database = sample
    settings = neo4j_server.settings
    password = settings.password.get_secret_value() if settings.password else None
    served = KnowledgeGraph.neo4j(
        settings.uri, auth=(settings.username, password) if password else None, database=database
    )
    httpd = serve.make_server(0, answer=serve.engine_answers(served))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    questions = read_questions(DEFAULT_QUESTIONS)
    entities = 0
    try:
        engine = f"http://localhost:{httpd.server_address[1]}"
        for q in questions:
            rows = run_file(
                driver,
                database,
                CYPHER_DIR / "papers_using_x_for_y_judged.cypher",
                engine=engine,
                x=q.x,
                y=q.y,
                limit=LIMIT,
            )
            expected = kg.papers_using(q.x, q.y, limit=LIMIT)
            assert [(r["paper"], r["score"]) for r in rows] == [(p.paper_id, p.score) for p in expected], q.qid
            entities += bool(kg.lookup(q.x) and kg.lookup(q.y, "Task"))
    finally:
        httpd.shutdown()
        httpd.server_close()
        served.close()
    assert len(questions) >= 40 and entities >= 10
    print(f"{len(questions)} dev questions ({entities} with X and Y entities of the graph): same papers on both")
