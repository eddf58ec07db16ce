"""The bulk path: `kg export --format neo4j-import` CSVs imported with the real `neo4j-admin database import
full` (through the generated import.sh) give the same database as the Bolt loader.

Community edition holds one user database and the import needs it stopped, so the import goes into a
second, throwaway instance (sharing the fetched jars) that is started only to read the result back.
"""

from __future__ import annotations

import csv
import os
import subprocess
import time

import networkx as nx
import pytest
from test_neo4j_loader import reset_database, synthetic_graph
from typer.testing import CliRunner

from kg.graph.store import save_graph
from kg.neo4j import server
from kg.neo4j.bulk import ARRAY_DELIMITER, export_neo4j_import, read_import_arguments
from kg.neo4j.loader import load_graph_into_neo4j, snapshot_database, snapshot_graph
from kg.neo4j.schema import ensure_schema
from kg.neo4j.settings import Neo4jSettings, connect
from kg.query.embedded import NetworkxAccess
from kg.query.neo4j_backend import Neo4jAccess

pytestmark = pytest.mark.neo4j  # every test here belongs to the Neo4j suite (`-m neo4j`)


def awkward_graph(n_papers: int) -> nx.MultiDiGraph:
    """The synthetic graph plus values that trip CSV writers: quotes, commas, newlines, empty strings."""
    g = synthetic_graph(n_papers, seed=21)
    papers = [n for n, label in g.nodes(data="label") if label == "Paper"]
    g.nodes[papers[0]].update(title='A "quoted", comma; title \\ with backslash', abstract="")
    g.nodes[papers[1]].update(title="Multi\nline title", venue="Ünïcödé 会议 🚀")
    g.nodes[papers[2]].update(title="  leading and trailing spaces  ")
    methods = [n for n, label in g.nodes(data="label") if label == "Method"]
    method = methods[0]
    g.add_edge(methods[1], method, key="IS_A", type="IS_A")  # a family edge, whatever the seed drew
    g.nodes[method]["aliases"] = [*g.nodes[method]["aliases"], 'say "hi"', "a,b", "semi;colon", ""]
    # entity top lists as built graphs have them: a float list (with an int, widened) and a str list
    g.nodes[method].update(top_papers=tuple(papers[:3]), top_conf=(1, 0.5, 0.125))
    edge = next((u, v) for u, v, k in g.edges(keys=True) if k == "USES")
    g.edges[edge[0], edge[1], "USES"]["evidence"] = ['He said "yes", then left.', "Line one\nline two"]
    return g


def test_export_writes_typed_headers_and_import_script(tmp_path):
    graph = awkward_graph(50)
    folder = export_neo4j_import(graph, tmp_path / "import")
    names = {p.name for p in folder.iterdir()}
    assert {
        "nodes_Paper.csv",
        "nodes_Method.csv",
        "relationships_USES.csv",
        "relationships_IS_A.csv",
        "import.sh",
        "schema.cypher",
    } <= names
    with (folder / "nodes_Paper.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:2] == ["id:ID", ":LABEL"] and "year:long" in header and "title:string" in header
    with (folder / "nodes_Method.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert "top_conf:double[]" in header and "top_papers:string[]" in header
    with (folder / "relationships_USED_FOR.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "confidence:double",
        "count:long",
        "evidence:string[]",
        "papers:string[]",
    ]
    assert ARRAY_DELIMITER in rows[1][6] or "," not in rows[1][6]
    script = (folder / "import.sh").read_text()
    assert "database import full" in script and "--array-delimiter=U+001F" in script
    assert "--multiline-fields=true" in script  # the graph has a newline in a title
    assert "--nodes=nodes_Paper.csv" in script and "--relationships=relationships_CITES.csv" in script
    assert "CREATE CONSTRAINT paper_id_unique" in (folder / "schema.cypher").read_text()


def test_read_import_arguments_names_the_database_first_and_absolute_files(tmp_path):
    folder = export_neo4j_import(awkward_graph(20), tmp_path / "import")
    args = read_import_arguments(folder, "papers")
    # picocli would read a database name after --relationships=... as one more file
    assert args[:4] == ["database", "import", "full", "papers"]
    files = [a.split("=", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships="))]
    assert files and all(os.path.isabs(f) and os.path.exists(f) for f in files)
    assert "--multiline-fields=true" in args  # the graph has a newline in a title
    with pytest.raises(ValueError, match="import.json"):
        read_import_arguments(tmp_path / "nothing-here")


def test_neo4j_admin_runs_read_import_arguments_from_any_directory(neo4j_home, tmp_path):
    # server.admin runs neo4j-admin inside the instance: relative file names would not be found there
    graph = awkward_graph(200)
    folder = export_neo4j_import(graph, tmp_path / "csv")
    result = server.admin(
        neo4j_home, *read_import_arguments(folder), instance_dir=tmp_path / "instance", heap="512m", timeout=600
    )
    assert "IMPORT DONE" in result.stdout
    assert f"{graph.number_of_nodes()} nodes" in result.stdout
    assert f"{graph.number_of_edges()} relationships" in result.stdout


def test_cli_export_neo4j_import(tmp_path):
    from kg.cli import app

    path = save_graph(synthetic_graph(30), tmp_path / "g.json.gz")
    result = CliRunner().invoke(
        app, ["export", "--graph", str(path), "--format", "neo4j-import", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "import.sh").exists() and (tmp_path / "out" / "nodes_Paper.csv").exists()


def test_export_rejects_graphs_outside_the_schema(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("x", label="Person")
    with pytest.raises(ValueError, match="unknown node label"):
        export_neo4j_import(g, tmp_path / "bad")
    assert not list((tmp_path / "bad").glob("*")) if (tmp_path / "bad").exists() else True


@pytest.mark.slow
def test_neo4j_admin_import_equals_bolt_load(neo4j_home, clean_database, neo4j_server, tmp_path, record_property):
    graph = awkward_graph(3000)
    folder = export_neo4j_import(graph, tmp_path / "csv")
    instance = tmp_path / "bulk-instance"
    (instance / "conf").mkdir(parents=True)
    (instance / "conf" / "neo4j.conf").write_text(server.render_config(neo4j_home, instance), encoding="utf-8")
    admin = neo4j_home / "bin" / "neo4j-admin"
    assert admin.exists(), "kg.neo4j.server.fetch writes bin/neo4j-admin"
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_OPTS", "NEO4J_HOME", "NEO4J_CONF")}
    env.update(NEO4J_ADMIN=str(admin), NEO4J_HOME=str(instance), NEO4J_CONF=str(instance / "conf"), HEAP_SIZE="512m")
    began = time.perf_counter()
    result = subprocess.run(
        ["sh", str(folder / "import.sh"), "neo4j"], env=env, capture_output=True, text=True, timeout=900
    )
    seconds = time.perf_counter() - began
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    records = graph.number_of_nodes() + graph.number_of_edges()
    record_property("bulk_import_records", records)
    record_property("bulk_import_seconds", round(seconds, 2))
    record_property("bulk_import_records_per_second", round(records / seconds))
    print(
        f"\nneo4j-admin import: {records} records in {seconds:.1f}s ({records / seconds:,.0f} records/s, JVM start included)"
    )

    bolt_port, http_port = server.free_port(), server.free_port()
    while http_port == bolt_port:
        http_port = server.free_port()
    server.start(neo4j_home, bolt_port, http_port, instance_dir=instance, heap="512m", pagecache="128m")
    try:
        imported = connect(Neo4jSettings.resolve(uri=f"bolt://127.0.0.1:{bolt_port}", env={}))
        try:
            bulk = snapshot_database(imported)
            # the Bolt loader on the session's server, same graph
            database = neo4j_server.settings.database
            reset_database(clean_database, database)
            load_graph_into_neo4j(graph, clean_database, database=database)
            bolt = snapshot_database(clean_database, database=database)
            assert bulk.nodes == bolt.nodes and bulk.relationships == bolt.relationships
            assert bulk == bolt == snapshot_graph(graph)  # same ids and properties, not only counts
            # schema.cypher's statements (what ensure_schema runs) make the imported database queryable
            ensure_schema(imported)
            access, reference = Neo4jAccess(imported), NetworkxAccess(graph)
            method = next(n for n, label in graph.nodes(data="label") if label == "Method")
            key = graph.nodes[method]["keys"][0]
            assert access.match_entities(key, ["Method"]) == reference.match_entities(key, ["Method"])
            assert access.stats() == reference.stats()
        finally:
            imported.close()
    finally:
        server.stop(neo4j_home, instance_dir=instance)
        reset_database(clean_database, neo4j_server.settings.database)
