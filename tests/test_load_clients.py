"""Issue 18 reliability: 8 concurrent clients asking mixed questions for 60 s against each backend, no error.

The figures (p50 / p95) are printed as the bench row of bench/load_test.py; this test asserts only that
every question was answered without an error, never a timing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_neo4j_loader import reset_database

from kg import KnowledgeGraph
from kg.neo4j.loader import load_graph_into_neo4j

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import load_test  # noqa: E402  (bench/load_test.py)

pytestmark = pytest.mark.slow

SAMPLE = REPO / "examples" / "seed_abstracts.jsonl"
PAPERS = 200  # a slice of the sample: every helper has real answers, the build takes seconds


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> KnowledgeGraph:
    path = tmp_path_factory.mktemp("load-clients") / "sample.jsonl"
    path.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:PAPERS]), "utf-8")
    return KnowledgeGraph.build([path])


def _check(result: load_test.LoadResult, questions: list[tuple[str, list]]) -> None:
    row = load_test.row(result, PAPERS)
    print(f"\n{row.name}: {row.measured}; {row.note}")
    assert result.errors == []
    assert result.questions > 0 and set(result.per_helper) == {h for h, _ in questions}  # every helper was asked


def test_eight_clients_for_a_minute_embedded(graph):
    questions = load_test.question_mix(graph.graph)
    result = load_test.run_clients(lambda: graph, questions, backend="embedded", close_clients=False)
    _check(result, questions)


def test_eight_clients_for_a_minute_neo4j(graph, neo4j_server, clean_database):
    settings = neo4j_server.settings
    load_graph_into_neo4j(graph.graph, clean_database, database=settings.database)
    questions = load_test.question_mix(graph.graph)
    auth = (settings.username, settings.password.get_secret_value()) if settings.password else None
    result = load_test.run_clients(
        lambda: KnowledgeGraph.neo4j(settings.uri, auth=auth, database=settings.database), questions, backend="neo4j"
    )
    try:
        _check(result, questions)
    finally:
        reset_database(clean_database, settings.database)
