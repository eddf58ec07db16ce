"""The guide server's papers-using endpoint (kg.browser.serve), which the saved papers_using_x_for_y_judged
query asks through APOC: answers as JSON, clear errors for bad questions, one question at a time."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from kg.browser import serve


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8"))


def serving(answer: serve.PapersUsing | None) -> Iterator[str]:
    """A guide server on a free port in a thread, answering with `answer`; yields its address."""
    httpd = serve.make_server(0, answer=answer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def asked() -> list[tuple[str, str, int]]:
    return []


@pytest.fixture
def base(asked) -> Iterator[str]:
    def answer(x: str, y: str, limit: int) -> list[dict[str, Any]]:
        asked.append((x, y, limit))
        if x == "boom":
            raise RuntimeError("the graph went away")
        return [{"paper_id": f"p{i}", "score": 1.0 / (i + 1)} for i in range(min(limit, 3))]

    yield from serving(answer)


def test_answers_the_question_as_json(base, asked) -> None:
    status, body = _get(f"{base}{serve.ANSWER_PATH}?x=dense+retrieval&y=passage%20retrieval&limit=2")
    assert status == 200 and asked == [("dense retrieval", "passage retrieval", 2)]
    assert body == {"x": "dense retrieval", "y": "passage retrieval", "results": [
        {"paper_id": "p0", "score": 1.0}, {"paper_id": "p1", "score": 0.5},
    ]}  # fmt: skip
    _get(f"{base}{serve.ANSWER_PATH}?x=a&y=b")
    assert asked[-1] == ("a", "b", serve.DEFAULT_LIMIT)


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("x=transformer", 400, "give both x and y"),
        ("x=+&y=object+detection", 400, "give both x and y"),
        ("x=a&y=b&limit=0", 400, "limit must be"),
        ("x=a&y=b&limit=many", 400, "limit must be"),
        (f"x=a&y=b&limit={serve.MAX_LIMIT + 1}", 400, "limit must be"),
        ("x=boom&y=b", 500, "RuntimeError: the graph went away"),
    ],
)
def test_a_bad_question_gets_a_reason(base, query, status, says) -> None:
    code, body = _get(f"{base}{serve.ANSWER_PATH}?{query}")
    assert code == status and says in body["error"]


def test_without_a_graph_the_endpoint_says_how_to_give_one() -> None:
    for base in serving(None):
        code, body = _get(f"{base}{serve.ANSWER_PATH}?x=a&y=b")
        assert code == 503 and "--uri" in body["error"]
        with urllib.request.urlopen(f"{base}/guide.html", timeout=10) as response:  # the guide is still served
            assert response.status == 200


def test_one_question_at_a_time() -> None:
    inside, most = [0], [0]
    gate = threading.Lock()

    def answer(x: str, y: str, limit: int) -> list[dict[str, Any]]:
        with gate:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        threading.Event().wait(0.05)
        with gate:
            inside[0] -= 1
        return []

    for base in serving(answer):
        threads = [threading.Thread(target=_get, args=(f"{base}{serve.ANSWER_PATH}?x={i}&y=b",)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert most == [1]  # the engine's caches are not shared across threads


def test_kg_neo4j_guide_with_a_graph_answers_as_kg_query(tmp_path) -> None:
    """The command users run: `kg neo4j guide --graph FILE` serves the answers `kg query papers-using` gives."""
    import subprocess
    import sys
    from pathlib import Path

    from test_graph_query import EXTRACTIONS, PAPERS, RESOLUTION

    from kg import KnowledgeGraph
    from kg.graph.build import build_graph
    from kg.graph.store import save_graph

    graph = build_graph(PAPERS, EXTRACTIONS, RESOLUTION)
    path = save_graph(graph, tmp_path / "g.json.gz")
    kg_bin = Path(sys.executable).with_name("kg")
    proc = subprocess.Popen(
        [str(kg_bin), "neo4j", "guide", "--graph", str(path), "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    try:
        lines = [proc.stderr.readline() for _ in range(4)]
        base = lines[0].split(" on ", 1)[1].split()[0].rstrip("/")
        assert f"{base}{serve.ANSWER_PATH}" in lines[3]
        status, body = _get(f"{base}{serve.ANSWER_PATH}?x=transformers&y=object+detection")
        expected = KnowledgeGraph.from_graph(graph).papers_using("transformers", task="object detection")
        assert status == 200 and [r["paper_id"] for r in body["results"]] == [p.paper_id for p in expected]
        assert expected
    finally:
        proc.terminate()
        proc.wait(timeout=30)
