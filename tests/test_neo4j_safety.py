"""Hostile input never changes the database: every user-facing parameter (query helpers, lookup label,
cypher/ file parameters, the CLI) is fed injection attempts and oddities against the loaded server; the
database is byte-for-byte the same afterwards (counts and digest), answers equal the embedded
backend's, and the only exception allowed is a clean ValueError. The loader refuses graphs outside the
schema whitelist before sending anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import neo4j
import networkx as nx
import pytest
from test_cypher_files import FILES, run_file
from test_graph_query import EXTRACTIONS, PAPERS, RESOLUTION
from test_neo4j_loader import reset_database
from typer.testing import CliRunner

from kg import KnowledgeGraph
from kg.graph.build import build_graph
from kg.neo4j.bulk import export_neo4j_import
from kg.neo4j.loader import load_graph_into_neo4j, plan_load, snapshot_database, snapshot_graph
from kg.neo4j.saved_queries import load
from kg.neo4j.settings import connect
from kg.query.neo4j_backend import Neo4jAccess

pytestmark = pytest.mark.neo4j  # every test here belongs to the Neo4j suite (`-m neo4j`)

HOSTILE = [
    "x}) DETACH DELETE n //",
    "' OR 1=1 //",
    '" OR 1=1 //',
    "x'}) MATCH (n) DETACH DELETE n RETURN 1 //",
    "`) DETACH DELETE n //",
    "method:transformer'}) SET n.name = 'pwned' //",
    "]->(x) DELETE x //",
    "$x",
    "{id: 'arxiv:1'}",
    "\u0000",
    "null\u0000byte",
    "a" * 10_000,
    "é" * 20_000,  # 40 kB of UTF-8: beyond Lucene's term limit
    '" OR *:*',
    "*",
    "\\",
    'vit"',
    "Paper",
    "\ud800",  # a lone surrogate: not valid Unicode, cannot even be sent
    "CALL db.clearQueryCaches()",
    "; MATCH (n) DETACH DELETE n",
]
IDS = [repr(h[:24]) for h in HOSTILE]


@pytest.fixture(scope="module")
def loaded(neo4j_server) -> Iterator[tuple[neo4j.Driver, str, nx.MultiDiGraph]]:
    driver = connect(neo4j_server.settings)
    database = neo4j_server.settings.database
    graph = build_graph(PAPERS, EXTRACTIONS, RESOLUTION)
    reset_database(driver, database)
    load_graph_into_neo4j(graph, driver, database=database)
    try:
        yield driver, database, graph
    finally:
        driver.close()


@pytest.fixture
def unchanged(loaded):
    """Asserts the database is identical after the test."""
    driver, database, graph = loaded
    before = snapshot_database(driver, database=database)
    assert before == snapshot_graph(graph)
    yield
    assert snapshot_database(driver, database=database) == before


def _calls(h: str) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    return [
        ("papers_using", (h,), {}),
        ("papers_using", ("transformer",), {"task": h}),
        ("papers_using", (h,), {"task": h}),
        ("papers_proposing", (h,), {}),
        ("methods_for", (h,), {}),
        ("datasets_for", (h,), {}),
        ("tasks_for", (h,), {}),
        ("related_papers", (h,), {}),
        ("lookup", (h,), {}),
        ("lookup", ("vit",), {"label": h}),
        ("lookup", (h,), {"label": h}),
    ]


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_query_helpers_with_hostile_input(hostile, loaded, unchanged):
    driver, database, graph = loaded
    neo = KnowledgeGraph(Neo4jAccess(driver, database))
    embedded = KnowledgeGraph.from_graph(graph)
    for name, args, kwargs in _calls(hostile):
        try:
            expected = getattr(embedded, name)(*args, **kwargs)
        except ValueError as exc:
            expected = exc
        try:
            got = getattr(neo, name)(*args, **kwargs)
        except ValueError as exc:  # the only acceptable failure
            got = exc
        if isinstance(expected, Exception) or isinstance(got, Exception):
            assert type(got) is type(expected), (name, args, kwargs, got, expected)
        else:
            assert got == expected, (name, args, kwargs)


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_primitives_with_hostile_ids(hostile, loaded, unchanged):
    driver, database, _ = loaded
    access = Neo4jAccess(driver, database)
    assert access.match_entities(hostile, ["Method", "Task"]) == []
    assert access.match_entities("vit", [hostile]) == []
    assert access.families([hostile], ["Method", "Task"]) == {}
    assert access.paper_links([hostile], ["USES", hostile]) == []
    assert access.paper_links_of([hostile], ["USES"]) == []
    assert access.entity_links(hostile) == []
    assert access.entity_links("USED_FOR", sources=[hostile], targets=[hostile]) == []
    assert access.papers([hostile]) == {} and access.entities([hostile]) == {}
    assert access.citations(hostile) == ([], [])


@pytest.fixture(scope="module")
def embedded(loaded) -> KnowledgeGraph:
    return KnowledgeGraph.from_graph(loaded[2])


@pytest.fixture(scope="module")
def engine(embedded) -> Iterator[str]:
    """The guide server answering papers-using over the loaded corpus (papers_using_x_for_y_judged asks it)."""
    from test_guide_server import serving

    from kg.browser import serve

    yield from serving(serve.engine_answers(embedded))


@pytest.mark.parametrize("hostile", HOSTILE, ids=IDS)
def test_cypher_files_with_hostile_params(hostile, loaded, engine, embedded, unchanged):
    driver, database, _ = loaded
    if hostile == "\ud800":
        pytest.skip("a lone surrogate cannot be encoded as a query parameter at all (client-side error)")
    for path in FILES:
        params = load(path).params
        hostile_params = {k: (hostile if isinstance(v, str) else v) for k, v in params.items()}
        if "engine" in params:  # the server's address is no question: the question's words are hostile
            hostile_params["engine"] = engine
        rows = run_file(driver, database, path, **hostile_params)
        if "engine" in params:  # the engine reads any words as `kg query` does ('vit"' is ViT); cut at 500
            asked = hostile[:500]
            expected = [p.paper_id for p in embedded.papers_using(asked, asked)]
            assert [r["paper"] for r in rows] == expected, (path.stem, rows)
        elif any(isinstance(v, str) for v in params.values()):
            assert rows == [], (path.stem, rows)


@pytest.mark.parametrize("number", [-1, 0, 10**12, -(2**63)])
def test_cypher_files_with_hostile_numbers(number, loaded, engine, unchanged):
    driver, database, _ = loaded
    for path in FILES:
        params = load(path).params
        if any(isinstance(v, int) for v in params.values()):
            numbers = {k: number for k, v in params.items() if isinstance(v, int)}
            run_file(driver, database, path, **numbers, **({"engine": engine} if "engine" in params else {}))


@pytest.mark.parametrize("address", ["x}) DETACH DELETE n //", "file:///etc/passwd", "http://localhost:1/"])
def test_the_judged_file_with_a_hostile_engine_address_fails_and_changes_nothing(address, loaded, unchanged):
    from test_cypher_files import CYPHER

    driver, database, _ = loaded
    with pytest.raises(neo4j.exceptions.Neo4jError):
        run_file(driver, database, CYPHER / "papers_using_x_for_y_judged.cypher", engine=address)


def test_cli_with_hostile_arguments(loaded, neo4j_server, unchanged):
    from kg.cli import app

    settings = neo4j_server.settings
    env = {"NEO4J_USERNAME": settings.username, "NEO4J_DATABASE": settings.database, "NEO4J_URI": settings.uri}
    if settings.password is not None:
        env["NEO4J_PASSWORD"] = settings.password.get_secret_value()
    runner = CliRunner()
    for hostile in HOSTILE[:9]:
        for args in (
            ["papers-using", hostile, "--for", hostile],
            ["lookup", hostile, "--label", hostile],
            ["related", hostile],
            ["methods-for", hostile],
        ):
            result = runner.invoke(app, ["query", *args, "--json"], env=env)
            if args[0] == "related":  # no such paper: one error line (issue 13 item 8)
                assert result.exit_code == 2 and "is not in the graph" in result.output, result.output
                continue
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["results"] == []


# -- the loader and exporter refuse graphs outside the schema, before touching the database ----------
class ExplodingDriver:
    """Stands in for a driver: any use at all fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the loader touched the driver ({name}) before validating the graph")


def _base() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("arxiv:1", label="Paper", title="T", abstract="A.")
    g.add_node("method:m", label="Method", name="M", aliases=["M"], keys=["m"], paper_count=1)
    g.add_node("task:t", label="Task", name="T", keys=["t"], paper_count=1)
    g.add_edge("arxiv:1", "method:m", key="USES", type="USES", evidence=["A."], confidence=0.5)
    return g


def _bad_graphs() -> dict[str, nx.MultiDiGraph]:
    bad: dict[str, nx.MultiDiGraph] = {}
    g = _base()
    g.add_node("x", label="Person")
    bad["unknown label"] = g
    g = _base()
    g.add_node("x", label="Paper`) DETACH DELETE n //")
    bad["injected label"] = g
    g = _base()
    g.add_node("x", title="no label")
    bad["missing label"] = g
    g = _base()
    g.add_edge("arxiv:1", "task:t", key="OWNS", type="OWNS")
    bad["unknown type"] = g
    g = _base()
    g.add_edge("arxiv:1", "task:t", key="USES`]->() DETACH DELETE n //")
    bad["injected type"] = g
    g = _base()
    g.add_edge("arxiv:1", "task:t", key="USES", type="USES")
    bad["pair outside schema"] = g
    g = _base()
    g.add_edge("method:m", "arxiv:1", key="CITES", type="CITES")
    bad["reversed pair"] = g
    g = _base()
    g.nodes["arxiv:1"]["meta"] = {"a": 1}
    bad["map property"] = g
    g = _base()
    g.nodes["arxiv:1"]["mixed"] = ["a", 1]
    bad["mixed list"] = g
    g = _base()
    g.nodes["arxiv:1"]["big"] = 2**70
    bad["integer overflow"] = g
    g = _base()
    g.nodes["arxiv:1"]["title"] = "bad \ud800"
    bad["lone surrogate"] = g
    g = _base()
    g.nodes["method:m"]["keys"] = ["k" * 40_000]
    bad["key beyond Lucene's limit"] = g
    return bad


@pytest.mark.parametrize("case", sorted(_bad_graphs()))
def test_loader_rejects_graphs_outside_the_schema_before_sending(case, tmp_path):
    graph = _bad_graphs()[case]
    with pytest.raises(ValueError):
        plan_load(graph)
    with pytest.raises(ValueError):
        load_graph_into_neo4j(graph, ExplodingDriver())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        export_neo4j_import(graph, tmp_path / "csv")
    assert not list((tmp_path / "csv").glob("*.csv")) if (tmp_path / "csv").exists() else True


def test_loader_rejection_leaves_a_real_database_untouched(loaded, unchanged):
    driver, database, _ = loaded
    for graph in _bad_graphs().values():
        with pytest.raises(ValueError):
            load_graph_into_neo4j(graph, driver, database=database)


def test_odd_but_valid_values_round_trip(clean_database, neo4j_server):
    database = neo4j_server.settings.database
    g = _base()
    g.nodes["arxiv:1"].update(title="x}) DETACH DELETE n // \u0000 ' OR 1=1 //", abstract="a" * 10_000)
    g.nodes["method:m"].update(
        name="`) DETACH DELETE n //",
        aliases=["' OR 1=1 //", "\u0000", "é" * 5_000],
        keys=["' or 1=1 //", "\u0000", "é" * 5_000],
    )
    load_graph_into_neo4j(g, clean_database, database=database)
    assert snapshot_database(clean_database, database=database) == snapshot_graph(g)
    access = Neo4jAccess(clean_database, database)
    assert [r.id for r in access.match_entities("' or 1=1 //", ["Method"])] == ["method:m"]
    assert [r.id for r in access.match_entities("\u0000", ["Method"])] == ["method:m"]
    assert [r.id for r in access.match_entities("é" * 5_000, ["Method"])] == ["method:m"]
    assert access.match_entities("' or 1=1", ["Method"]) == []  # exact keys, not a prefix or token search
