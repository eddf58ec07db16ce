"""Every cypher/*.cypher file runs on the real server, with the parameters of its own `:param` lines, over
the hand-built corpus loaded by the Bolt loader, and returns the rows it promises. The file's shape
(paste-and-run in Browser) and the guide's copies of the files are checked in test_saved_queries.py."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from test_graph_query import EXTRACTIONS, PAPERS, RESOLUTION, S_CNN, S_RANK
from test_neo4j_loader import reset_database

from kg import KnowledgeGraph
from kg.analytics.analysis import analyze
from kg.graph.build import build_graph
from kg.graph.schema import USE_TYPES
from kg.neo4j.loader import load_graph_into_neo4j
from kg.neo4j.saved_queries import load, parse_params
from kg.neo4j.settings import connect

pytestmark = pytest.mark.neo4j  # every test here belongs to the Neo4j suite (`-m neo4j`)

CYPHER = Path(__file__).resolve().parent.parent / "cypher"
FILES = sorted(CYPHER.glob("*.cypher"))
EXPECTED_FILES = {
    "papers_using_x_for_y",
    "papers_using_x_for_y_judged",
    "methods_for_task",
    "datasets_for_task",
    "top_methods_per_task",
    "papers_proposing",
    "cooccurring_entities",
    "is_a_tree",
    "citation_neighbourhood",
    "papers_per_year_for_method",
    "tasks_for_method",
    "trends_per_year",
    "front_members",
}


def run_file(driver: neo4j.Driver, database: str, path: Path, **overrides: Any) -> list[dict[str, Any]]:
    """Run NAME.params then NAME.cypher, as a Browser user pastes them."""
    saved = load(path)
    records, _, _ = driver.execute_query(saved.query, parameters_=saved.parameters(**overrides), database_=database)
    return [dict(r) for r in records]


@pytest.fixture(scope="module")
def hand_db(neo4j_server) -> Iterator[tuple[neo4j.Driver, str]]:
    driver = connect(neo4j_server.settings)
    database = neo4j_server.settings.database
    reset_database(driver, database)
    graph = build_graph(PAPERS, EXTRACTIONS, RESOLUTION)
    analyze(graph)  # front, front_name and centrality on the nodes, as `kg analyze` before `kg load`
    load_graph_into_neo4j(graph, driver, database=database)
    try:
        yield driver, database
    finally:
        driver.close()


@pytest.fixture(scope="module")
def hand_kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_graph(build_graph(PAPERS, EXTRACTIONS, RESOLUTION))


@pytest.fixture(scope="module")
def engine_url(hand_kg) -> Iterator[str]:
    """The guide server answering papers-using over the hand-built corpus, as `kg neo4j guide --graph` does
    (the saved papers_using_x_for_y_judged query asks it through APOC)."""
    from test_guide_server import serving

    from kg.browser import serve

    yield from serving(serve.engine_answers(hand_kg))


def test_the_promised_files_exist():
    assert {p.stem for p in FILES} == EXPECTED_FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_header_documents_purpose_and_every_parameter(path):
    saved = load(path)  # raises for an unset $parameter
    assert len(saved.purpose) > 40, "the comment lines say what the query is for"
    used = set(re.findall(r"\$(\w+)", saved.query))
    assert used, "parameterised"
    assert used == set(saved.params), "each $parameter has exactly one `:param name => value;` line"


EXPECTATIONS = {
    # the engine's answer: Rank-DETR's paper first, ranked, with its score and the sentences that say so
    "papers_using_x_for_y_judged": lambda rows: (
        [r["paper"] for r in rows][:1] == ["arxiv:1"]
        and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
        and rows[0]["score"] > 0
        and S_RANK in rows[0]["evidence"]
    ),
    "papers_using_x_for_y": lambda rows: (
        [r["paper"] for r in rows] == ["arxiv:1"]
        and rows[0]["same_sentence"]
        and rows[0]["evidence"] == S_RANK
        and rows[0]["used"] == ["DINO-DETR", "Rank-DETR"]
    ),
    # the helpers' ranking: Rank-DETR and CNN each share a sentence with the task (tie broken by the stronger
    # edge); DINO-DETR only meets it in the same paper (one co-mention is no answer)
    "methods_for_task": lambda rows: (
        [(r["method"], r["score"]) for r in rows] == [("Rank-DETR", 1.0), ("CNN", 1.0)] and rows[1]["evidence"] == S_CNN
    ),
    "tasks_for_method": lambda rows: (
        [(r["task"], r["score"]) for r in rows] == [("image classification", 0.95), ("object detection", 0.7568)]
    ),
    "datasets_for_task": lambda rows: [(r["dataset"], r["papers"]) for r in rows] == [("COCO", 1)],
    "top_methods_per_task": lambda rows: (
        [(r["rank"], r["method"]) for r in rows if r["task"] == "object detection"]
        == [(1, "CNN"), (2, "DINO-DETR"), (3, "Rank-DETR")]
        and {r["task"] for r in rows}
        == {"object detection", "image classification", "machine translation", "semantic segmentation"}
    ),
    "papers_proposing": lambda rows: [(r["paper"], r["proposes"]) for r in rows] == [("arxiv:1", "Rank-DETR")],
    "cooccurring_entities": lambda rows: (
        {(r["label"], r["name"]) for r in rows}
        == {("Dataset", "COCO"), ("Method", "CNN"), ("Method", "DINO-DETR"), ("Method", "Rank-DETR")}
    ),
    "is_a_tree": lambda rows: (
        [(r["depth"], r["entity"]) for r in rows]
        == [(0, "Transformer"), (1, "DETR"), (1, "Vision Transformer"), (2, "DINO-DETR"), (2, "Rank-DETR")]
        and rows[3]["parents"] == ["DETR"]
    ),
    "citation_neighbourhood": lambda rows: (
        [(r["paper"], r["distance"], r["cited_by_it"]) for r in rows] == [("doi:10.1/cited", 1, True)]
    ),
    "papers_per_year_for_method": lambda rows: (
        [(r["year"], r["papers"]) for r in rows] == [(2017, 1), (2021, 1), (2022, 1), (2023, 1)]
    ),
    "trends_per_year": lambda rows: (
        [(r["year"], r["papers"], r["all_papers"], r["share"]) for r in rows]
        == [(2017, 1, 1, 1.0), (2021, 1, 1, 1.0), (2022, 1, 1, 1.0), (2023, 1, 1, 1.0)]
    ),
    # front 0 of the hand corpus: object detection and the methods used for it, most central first
    "front_members": lambda rows: (
        [r["name"] for r in rows] == ["object detection", "CNN", "DINO-DETR", "Rank-DETR"]
        and {r["front"] for r in rows} == {"object detection / DINO-DETR / Rank-DETR"}
        and rows[0]["centrality"] == 1.0
    ),
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_runs_with_its_header_params(path, hand_db, engine_url):
    # the one file that asks the guide server: its header names the default port, the test's server another
    rows = run_file(*hand_db, path, **({"engine": engine_url} if "engine" in load(path).params else {}))
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
    for x, y in [
        ("transformer", "object detection"),
        ("vision transformer", "image classification"),
        ("ViT", "semantic segmentation"),
        ("COCO", "object detection"),
    ]:
        rows = run_file(*hand_db, CYPHER / "papers_using_x_for_y.cypher", x=x, y=y)
        assert {r["paper"] for r in rows} == {r.paper_id for r in kg.papers_using(x, task=y, limit=100)}, (x, y)
    for task in ("object detection", "image classification", "machine translation"):
        rows = run_file(*hand_db, CYPHER / "methods_for_task.cypher", task=task)
        assert {r["method"] for r in rows} == {m.name for m in kg.methods_for(task, limit=100)}, task
        rows = run_file(*hand_db, CYPHER / "datasets_for_task.cypher", task=task)
        assert {r["dataset"] for r in rows} == {d.name for d in kg.datasets_for(task, limit=100)}, task
    for method in ("transformer", "vision transformer", "CNN"):
        rows = run_file(*hand_db, CYPHER / "tasks_for_method.cypher", method=method)
        assert [r["task"] for r in rows] == [t.name for t in kg.tasks_for(method, limit=25)], method
    rows = run_file(*hand_db, CYPHER / "papers_proposing.cypher", x="DETR")
    assert [r["paper"] for r in rows] == [r.paper_id for r in kg.papers_proposing("DETR")]


def test_the_judged_file_gives_kg_query_s_answer(hand_db, hand_kg, engine_url):
    """Same papers, order, scores and sentences as `kg query papers-using`, for entity names and free text."""
    for x, y in [
        ("transformer", "object detection"),
        ("ViT", "image classification"),
        ("detection transformers", "detecting objects"),
        ("COCO", "object detection"),
        ("CNN", "machine translation"),
    ]:
        rows = run_file(*hand_db, CYPHER / "papers_using_x_for_y_judged.cypher", engine=engine_url, x=x, y=y, limit=20)
        expected = hand_kg.papers_using(x, task=y, limit=20)
        assert [(r["paper"], r["score"], r["evidence"]) for r in rows] == [
            (p.paper_id, p.score, p.evidence) for p in expected
        ], (x, y)


def test_the_judged_file_fails_loudly_without_the_guide_server(hand_db):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    with pytest.raises(neo4j.exceptions.Neo4jError, match="(?i)connection refused|failed to invoke"):
        run_file(*hand_db, CYPHER / "papers_using_x_for_y_judged.cypher", engine=f"http://localhost:{port}")


def test_field_files_agree_with_the_python_api(hand_db):
    kg = KnowledgeGraph.from_graph(build_graph(PAPERS, EXTRACTIONS, RESOLUTION))
    for name in ("transformer", "ViT", "object detection", "COCO"):
        (trend,) = kg.trends([name])
        rows = run_file(*hand_db, CYPHER / "trends_per_year.cypher", name=name)
        assert [(r["year"], r["papers"]) for r in rows] == [
            (y, n) for y, n in zip(trend.years, trend.papers, strict=True) if n
        ], name
    result = kg.analyze()
    for front in result.fronts:
        rows = run_file(*hand_db, CYPHER / "front_members.cypher", front=front.id)
        assert sorted(r["name"] for r in rows) == sorted(front.member_names)


def test_papers_using_file_covers_the_helpers_use_types():
    # the file and kg.query.engine must mean the same thing by "uses X"
    text = (CYPHER / "papers_using_x_for_y.cypher").read_text(encoding="utf-8")
    for rel in USE_TYPES:
        assert rel in text


# -- the Neo4j Browser guide and style (kg/browser/, served by `kg neo4j guide`) ----------------------
GUIDE_DIR = Path(__file__).resolve().parent.parent / "kg" / "browser"
RUNNABLE = re.compile(r'<pre class="[^"]*\brunnable\b[^"]*"[^>]*>(.*?)</pre>', re.S)


def guide_blocks() -> list[str]:
    """The runnable blocks of the guide, as Browser puts them in its editor (HTML entities decoded)."""
    return [html.unescape(block).strip() for block in RUNNABLE.findall((GUIDE_DIR / "guide.html").read_text("utf-8"))]


def test_guide_is_a_browser_guide():
    text = (GUIDE_DIR / "guide.html").read_text(encoding="utf-8")
    assert '<article class="guide">' in text and "<carousel" in text and text.count("<slide") >= 6
    assert re.search(r"<title>[^<]+</title>", text)  # `:guide` shows it in the sidebar
    assert "<script" not in text  # Browser strips scripts anyway
    assert len(guide_blocks()) >= 12


def test_guide_queries_run_in_order(hand_db, engine_url):
    driver, database = hand_db
    params: dict[str, Any] = {}
    results: dict[int, list[dict[str, Any]]] = {}
    for i, block in enumerate(guide_blocks()):
        if block.startswith(":param"):  # a params block (a NAME.params file): sets, shows no rows
            params.update(parse_params(block))
            if "engine" in params:  # the guide's server answers on the default port, the test's on another
                params["engine"] = engine_url
        elif block.startswith(":style"):
            assert block.split()[1].endswith("/style.grass")
        else:
            assert not block.startswith(":"), block
            used = set(re.findall(r"\$(\w+)", block))
            records, _, _ = driver.execute_query(block, parameters_={k: params[k] for k in used}, database_=database)
            results[i] = [dict(r) for r in records]
    assert all(rows for rows in results.values()), "every guide query answers on the hand-built corpus"
    using = next(rows for rows in results.values() if rows and "same_sentence" in rows[0] and "used" in rows[0])
    assert [r["paper"] for r in using] == ["arxiv:1"] and using[0]["same_sentence"] and using[0]["evidence"] == S_RANK


def test_style_gives_every_label_a_colour_and_caption():
    text = (GUIDE_DIR / "style.grass").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^(node\.\w+|relationship\.\w+|node|relationship)\s*\{(.*?)^\}", text, re.M | re.S))
    assert "node" in rules and "relationship" in rules
    captions = {
        "Paper": "{title}",
        "Method": "{name}",
        "Dataset": "{name}",
        "Task": "{name}",
        "Metric": "{name}",
        "Author": "{name}",
    }
    for label, caption in captions.items():
        body = rules[f"node.{label}"]
        assert re.search(r"color:\s*#[0-9A-Fa-f]{6};", body) and f'caption: "{caption}";' in body
    colours = {re.search(r"\bcolor:\s*(#\w+)", rules[f"node.{label}"]).group(1) for label in captions}
    assert len(colours) == len(captions)  # each label its own colour


def test_guide_and_style_are_servable_to_browser(neo4j_server, hand_db):
    """What `:play http://localhost:PORT/guide.html` needs: an allow-listed host and CORS answers."""
    import threading
    import urllib.request

    from kg.browser import serve

    httpd = serve.make_server(0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://localhost:{httpd.server_address[1]}"
        origin = neo4j_server.http_url or "http://localhost:7474"
        # the CORS preflight Browser's fetch triggers (it sends pragma / cache-control headers)
        preflight = urllib.request.Request(
            f"{base}/guide.html",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "pragma,cache-control",
            },
        )
        with urllib.request.urlopen(preflight, timeout=10) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert "pragma" in response.headers["Access-Control-Allow-Headers"]
        for name, needle in (("guide.html", '<article class="guide">'), ("style.grass", "node.Paper")):
            request = urllib.request.Request(f"{base}/{name}", headers={"Origin": origin, "Pragma": "no-cache"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
                assert needle in response.read().decode("utf-8")
    finally:
        httpd.shutdown()
        httpd.server_close()
    # the server tells Browser which hosts it may fetch from; `localhost` is allowed out of the box
    driver, database = hand_db
    config = {
        r["name"]: r["value"] for r in driver.execute_query("CALL dbms.clientConfig()", database_=database).records
    }
    allowlist = (
        config.get("browser.remote_content_hostname_allowlist") or config["browser.remote_content_hostname_whitelist"]
    )
    assert allowlist.strip() == "*" or "localhost" in [h.strip() for h in allowlist.split(",")]
    if neo4j_server.http_url:  # the server really serves Browser
        with urllib.request.urlopen(f"{neo4j_server.http_url}/browser/", timeout=30) as response:
            assert response.status == 200 and "<html" in response.read().decode("utf-8", "replace").lower()
