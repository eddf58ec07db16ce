"""The Bolt loader against a real Neo4j 5.26: the database mirrors the graph file, idempotently.

Also holds `synthetic_graph`, a programmatic graph of any size with the real schema's shape, used by
the bulk-import and safety tests too.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import neo4j
import networkx as nx
import pytest

from kg.graph.schema import RELATIONSHIP_TYPES
from kg.graph.store import save_graph
from kg.neo4j.loader import LoadSummary, load_graph_into_neo4j, snapshot_database, snapshot_graph
from kg.neo4j.schema import schema_items
from kg.resolve import name_key

pytestmark = pytest.mark.neo4j  # every test here belongs to the Neo4j suite (`-m neo4j`)

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "graph neural attention transformer diffusion contrastive sparse latent adversarial recurrent "
    "convolutional residual hierarchical probabilistic variational bayesian federated causal robust "
    "efficient multimodal temporal spatial semantic generative discriminative self-supervised"
).split()
TASK_WORDS = "detection segmentation classification translation retrieval generation parsing tracking".split()


def _phrase(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def synthetic_graph(n_papers: int, seed: int = 0) -> nx.MultiDiGraph:
    """A graph shaped like a built one (labels, properties, every relationship type, IS_A trees)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    sizes = {
        "Method": max(5, n_papers // 10),
        "Task": max(3, n_papers // 50),
        "Dataset": max(3, n_papers // 40),
        "Metric": max(2, min(50, n_papers // 100)),
    }
    entities: dict[str, list[str]] = {}
    for label, count in sizes.items():
        ids = []
        for i in range(count):
            name = f"{_phrase(rng, WORDS, 2)} {rng.choice(TASK_WORDS) if label == 'Task' else label.lower()} {i}"
            eid = f"{label.lower()}:{name}"
            aliases = sorted({name, name.upper(), f"{name}s"})
            g.add_node(
                eid,
                id=eid,
                label=label,
                name=name,
                aliases=aliases,
                keys=sorted({name_key(a) for a in aliases} - {""}),
                paper_count=0,
                source=rng.choice(("vocabulary", "corpus")),
                confidence=round(rng.uniform(0.2, 1.0), 4),
                name_terms=[name.lower()],
            )
            ids.append(eid)
        entities[label] = ids
        for i, child in enumerate(ids[3:], start=3):  # a forest: everything IS_A an earlier entity
            if rng.random() < 0.6:
                g.add_edge(child, ids[rng.randrange(0, i)], key="IS_A", type="IS_A")
    authors = [f"author:{_phrase(rng, WORDS, 2)} {i}" for i in range(max(2, n_papers // 2))]
    for a in authors:
        g.add_node(a, id=a, label="Author", name=a.split(":", 1)[1].title())
    used_for: dict[tuple[str, str], set[str]] = {}
    for i in range(n_papers):
        pid = f"arxiv:{2000 + i // 1000}.{i % 1000:05d}"
        sentences = [f"We study {_phrase(rng, WORDS, 6)} number {i} sentence {k}." for k in range(4)]
        attrs = {
            "title": f"On {_phrase(rng, WORDS, 5)} ({i})",
            "abstract": " ".join(sentences),
            "year": 2010 + i % 15,
            "source": "synthetic",
        }
        if i % 3:
            attrs["doi"] = f"10.1234/{i}"
        g.add_node(pid, id=pid, label="Paper", **attrs)

        def link(target: str, rel: str, pid: str = pid, sentences: list[str] = sentences) -> None:
            if not g.has_edge(pid, target, key=rel):
                ev = rng.sample(sentences, rng.randint(1, 3))
                g.add_edge(
                    pid,
                    target,
                    key=rel,
                    type=rel,
                    evidence=ev,
                    confidence=round(rng.uniform(0.3, 1.0), 4),
                    role=rng.choice(("proposes", "own use", "baseline", "background")),
                )
                g.nodes[target]["paper_count"] += 1

        methods = rng.sample(entities["Method"], rng.randint(1, 3))
        for m in methods:
            link(m, "USES")
        if rng.random() < 0.3:
            link(rng.choice(entities["Method"] + entities["Dataset"]), "PROPOSES")
        tasks = rng.sample(entities["Task"], rng.randint(1, 2))
        for t in tasks:
            link(t, "ADDRESSES")
        for d in rng.sample(entities["Dataset"], rng.randint(0, 2)):
            link(d, "EVALUATES_ON")
        for mt in rng.sample(entities["Metric"], rng.randint(0, 2)):
            link(mt, "REPORTS")
        if rng.random() < 0.5:
            used_for.setdefault((methods[0], tasks[0]), set()).add(pid)
        for a in rng.sample(authors, min(len(authors), rng.randint(1, 4))):
            g.add_edge(a, pid, key="WROTE", type="WROTE")
        for _k in range(rng.randint(0, 3) if i else 0):
            cited = f"arxiv:{2000 + (j := rng.randrange(0, i)) // 1000}.{j % 1000:05d}"
            g.add_edge(pid, cited, key="CITES", type="CITES")
    for (m, t), papers in used_for.items():
        g.add_edge(
            m,
            t,
            key="USED_FOR",
            type="USED_FOR",
            papers=sorted(papers),
            count=len(papers),
            evidence=[f"{m} is used for {t}."],
            confidence=0.8,
        )
        if rng.random() < 0.5:
            d = rng.choice(entities["Dataset"])
            g.add_edge(
                m,
                d,
                key="EVALUATED_ON",
                type="EVALUATED_ON",
                papers=sorted(papers)[:2],
                count=1,
                evidence=[f"{m} is evaluated on {d}."],
                confidence=0.7,
            )
    # vocabulary knowledge, as linking adds it: weighted dataset -> task and metric -> task edges
    for source, rel in [
        *((d, "BENCHMARK_FOR") for d in entities["Dataset"]),
        *((m, "MEASURES") for m in entities["Metric"]),
    ]:
        for t in rng.sample(entities["Task"], rng.randint(1, 2)):
            g.add_edge(source, t, key=rel, type=rel, weight=round(rng.uniform(0.05, 1.0), 4))
    return g


def reextracted(graph: nx.MultiDiGraph, seed: int = 1) -> nx.MultiDiGraph:
    """A copy where some papers were re-extracted: edges dropped, added and changed; an entity gone."""
    rng = random.Random(seed)
    g = graph.copy()
    papers = sorted(n for n, label in g.nodes(data="label") if label == "Paper")
    methods = sorted(n for n, label in g.nodes(data="label") if label == "Method")
    for pid in rng.sample(papers, max(1, len(papers) // 10)):
        for _, target, key in list(g.out_edges(pid, keys=True)):
            if key in ("USES", "ADDRESSES", "REPORTS") and rng.random() < 0.6:
                g.remove_edge(pid, target, key=key)
        new = rng.choice(methods)
        if not g.has_edge(pid, new, key="USES"):
            g.add_edge(pid, new, key="USES", type="USES", evidence=["A new sentence."], confidence=0.5)
        for _, _, attrs in g.out_edges(pid, data=True):
            if "evidence" in attrs:
                attrs["evidence"] = ["Re-extracted evidence."]
        g.nodes[pid].pop("year", None)  # a property the new file no longer has
    gone = methods[-1]
    g.remove_node(gone)  # an entity resolution no longer produces (its IS_A / USED_FOR edges go too)
    g.remove_node(papers[-1])  # a paper dropped from the input
    isa = [(u, v) for u, v, k in g.edges(keys=True) if k == "IS_A"]
    for u, v in isa[: max(1, len(isa) // 5)]:
        g.remove_edge(u, v, key="IS_A")
    return g


def reset_database(driver: neo4j.Driver, database: str) -> None:
    """Delete every node in batches (one huge DETACH DELETE can exceed a small test heap)."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


@pytest.fixture
def database(neo4j_server) -> str:
    return neo4j_server.settings.database


# -- tests -----------------------------------------------------------------------------------------
def test_load_mirrors_graph_and_is_idempotent(clean_database, database):
    graph = synthetic_graph(300, seed=3)
    first = load_graph_into_neo4j(graph, clean_database, database=database, batch_size=97)
    assert isinstance(first, LoadSummary)
    assert first.nodes == graph.number_of_nodes() and first.relationships == graph.number_of_edges()
    assert first.nodes_deleted == first.relationships_deleted == 0
    assert "relationships/s" in str(first) and first.relationships_per_second > 0
    expected = snapshot_graph(graph)
    assert set(expected.relationships) == set(RELATIONSHIP_TYPES)  # the synthetic graph has every type
    assert snapshot_database(clean_database, database=database) == expected
    second = load_graph_into_neo4j(graph, clean_database, database=database, batch_size=1000)
    assert second.nodes_deleted == second.relationships_deleted == 0
    assert snapshot_database(clean_database, database=database) == expected


def with_top_lists(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Entities carry `top_papers` (str list) and `top_conf` (float list, one int among them, widened)
    like built graphs; one paper and one edge have property names that are not plain identifiers."""
    g = graph.copy()
    for node, attrs in g.nodes(data=True):
        if attrs["label"] != "Paper":
            papers = sorted(u for u, _ in g.in_edges(node))[:5]
            if papers:
                attrs["top_papers"] = tuple(papers)
                attrs["top_conf"] = tuple([1] + [round(0.9 - 0.1 * i, 2) for i in range(1, len(papers))])
    paper = next(n for n, label in g.nodes(data="label") if label == "Paper")
    g.nodes[paper]["odd key-1"] = "kept"
    source, target = next((u, v) for u, v, k in g.edges(keys=True) if k == "USES")
    g.edges[source, target, "USES"]["weird`name"] = 0.5
    return g


def test_first_load_creates_what_the_merge_path_writes(clean_database, database):
    graph = with_top_lists(synthetic_graph(300, seed=13))
    expected = snapshot_graph(graph)
    first = load_graph_into_neo4j(graph, clean_database, database=database, batch_size=97)
    assert first.mode == "create"  # the database held no paper-kg node
    assert first.nodes == graph.number_of_nodes() and first.relationships == graph.number_of_edges()
    created = snapshot_database(clean_database, database=database)
    assert created == expected
    conf = clean_database.execute_query(
        "MATCH (n:Method) WHERE n.top_conf IS NOT NULL RETURN n.top_conf AS c, n.top_papers AS p LIMIT 1",
        database_=database,
    ).records[0]
    assert conf["c"][0] == 1.0 and all(isinstance(c, float) for c in conf["c"])
    assert all(isinstance(p, str) for p in conf["p"])

    reset_database(clean_database, database)
    merged = load_graph_into_neo4j(graph, clean_database, database=database, batch_size=97, mode="merge", workers=1)
    assert merged.mode == "merge"
    assert snapshot_database(clean_database, database=database) == created  # same digest, both paths

    again = load_graph_into_neo4j(graph, clean_database, database=database, batch_size=1000)
    assert again.mode == "merge"  # nodes are there now: MERGE and prune
    assert again.nodes_deleted == again.relationships_deleted == 0
    assert snapshot_database(clean_database, database=database) == expected


def test_foreign_nodes_do_not_make_a_load_take_the_merge_path(clean_database, database):
    clean_database.execute_query("CREATE (:Unrelated {id: 'x'})-[:LINKS]->(:Unrelated {id: 'y'})", database_=database)
    graph = synthetic_graph(40, seed=2)
    summary = load_graph_into_neo4j(graph, clean_database, database=database)
    assert summary.mode == "create"
    rows = clean_database.execute_query("MATCH (n:Unrelated) RETURN count(n) AS n", database_=database).records
    assert rows[0]["n"] == 2  # left alone
    assert {
        k: v for k, v in snapshot_database(clean_database, database=database).nodes.items() if k != "Unrelated"
    } == snapshot_graph(graph).nodes


def test_schema_constraints_and_indexes_exist(clean_database, database):
    load_graph_into_neo4j(synthetic_graph(20), clean_database, database=database)
    constraints = {
        r["name"] for r in clean_database.execute_query("SHOW CONSTRAINTS YIELD name", database_=database).records
    }
    indexes = {
        r["name"]: r
        for r in clean_database.execute_query(
            "SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties", database_=database
        ).records
    }
    for item in schema_items():
        assert item.name in constraints | set(indexes)
    assert {"paper_id_unique", "method_id_unique", "author_id_unique"} <= constraints
    keys = indexes["entity_keys"]
    assert keys["type"] == "FULLTEXT" and keys["state"] == "ONLINE" and keys["properties"] == ["keys"]
    assert set(keys["labelsOrTypes"]) == {"Method", "Dataset", "Task", "Metric"}
    assert set(indexes["entity_names"]["properties"]) == {"name", "aliases"}


def test_reload_after_reextraction_replaces_exactly_the_changed_edges(clean_database, database):
    old = synthetic_graph(400, seed=5)
    new = reextracted(old)
    load_graph_into_neo4j(old, clean_database, database=database, batch_size=150)
    summary = load_graph_into_neo4j(new, clean_database, database=database, batch_size=150)
    assert summary.nodes_deleted == 2 and summary.relationships_deleted > 0
    assert snapshot_database(clean_database, database=database) == snapshot_graph(new)
    # spot-check one re-extracted paper: exactly the new graph's edges, with the new evidence
    changed = next(p for p, attrs in new.nodes(data=True) if attrs["label"] == "Paper" and "year" not in attrs)
    rows = clean_database.execute_query(
        "MATCH (p:Paper {id: $id})-[r]->(e) WHERE type(r) <> 'CITES' RETURN type(r) AS t, e.id AS e, r.evidence AS ev",
        id=changed,
        database_=database,
    ).records
    assert sorted((r["t"], r["e"]) for r in rows) == sorted(
        (k, v) for _, v, k in new.out_edges(changed, keys=True) if k != "CITES"
    )
    assert all(r["ev"] in (["Re-extracted evidence."], ["A new sentence."]) for r in rows)
    year = clean_database.execute_query("MATCH (p:Paper {id: $id}) RETURN p.year AS y", id=changed, database_=database)
    assert year.records[0]["y"] is None


def test_reload_removes_duplicates_and_foreign_ids(clean_database, database):
    graph = synthetic_graph(50, seed=8)
    load_graph_into_neo4j(graph, clean_database, database=database)
    paper, target = next((u, v) for u, v, k in graph.edges(keys=True) if k == "USES")
    clean_database.execute_query(  # what a concurrent or foreign writer could leave behind
        "MATCH (p:Paper {id: $p}), (m:Method {id: $m}) CREATE (p)-[:USES {evidence: ['dup']}]->(m) "
        "CREATE (:Paper {id: 'arxiv:stale', title: 'gone'})-[:CITES]->(p) CREATE (:Method {name: 'no id'})",
        p=paper,
        m=target,
        database_=database,
    )
    summary = load_graph_into_neo4j(graph, clean_database, database=database)
    assert summary.relationships_deleted >= 1
    assert snapshot_database(clean_database, database=database) == snapshot_graph(graph)


def _cli_env(neo4j_server) -> dict[str, str]:
    settings = neo4j_server.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        NEO4J_URI=settings.uri, NEO4J_USERNAME=settings.username, NEO4J_DATABASE=settings.database, PYTHONPATH=str(REPO)
    )
    if settings.password is not None:
        env["NEO4J_PASSWORD"] = settings.password.get_secret_value()
    return env


def _count(driver: neo4j.Driver, database: str, query: str) -> int:
    return driver.execute_query(query, database_=database).records[0][0]


@pytest.mark.slow
def test_killed_load_rerun_equals_uninterrupted_load(neo4j_server, clean_database, database, tmp_path):
    graph = synthetic_graph(6000, seed=11)
    path = save_graph(graph, tmp_path / "big.json.gz")
    command = [sys.executable, "-m", "kg.cli", "load", "--graph", str(path), "--quiet", "--batch-size", "500"]
    env = _cli_env(neo4j_server)
    try:
        # the reference: one uninterrupted load of the same file, through the same command
        done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "relationships/s" in done.stderr
        reference = snapshot_database(clean_database, database=database)
        assert reference == snapshot_graph(graph)

        reset_database(clean_database, database)
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 600
        # kill once nodes and the first relationship batches are committed, mid-way through the load
        while _count(clean_database, database, "MATCH ()-[r]->() RETURN count(r)") < 2000:
            assert process.poll() is None, "the load finished before it could be killed: use a bigger graph"
            assert time.monotonic() < deadline, "the load made no progress"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
        partial = snapshot_database(clean_database, database=database)
        assert partial != reference and sum(partial.relationships.values()) < graph.number_of_edges()

        rerun = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert snapshot_database(clean_database, database=database) == reference
    finally:
        reset_database(clean_database, database)
