"""What the build stores for fast answers (issue 18): per-paper sentences, the text index, the counts.

Each stored form must give exactly what the query engine computed from scratch before, and a graph
without it (built earlier, made in memory, damaged) must still answer the same way.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from kg.api import KnowledgeGraph
from kg.graph.build import text_properties
from kg.graph.counts import graph_stats
from kg.graph.sentences import decode, encode, sentence_rows
from kg.graph.store import load_graph, load_graph_stored, save_graph
from kg.graph.text_index import TermIndex, paper_nodes
from kg.pipeline import assemble
from kg.query.embedded import NetworkxAccess
from kg.query.text import make_sentence, paper_parts, paper_sentences
from kg.resolve.terms import index_terms
from tests.test_graph_query import EXTRACTIONS, PAPERS

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seed_abstracts.jsonl"


@pytest.fixture(scope="module")
def seed_texts() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r.get("title", ""), r.get("abstract", "")) for r in rows[:300]]


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[nx.MultiDiGraph, Path]:
    graph = assemble(PAPERS, EXTRACTIONS)
    return graph, save_graph(graph, tmp_path_factory.mktemp("stored") / "g.json.gz")


def test_stored_sentences_are_what_the_judge_computed(seed_texts):
    for title, abstract in seed_texts:
        terms, stored = text_properties(title, abstract)
        computed = [make_sentence(text, is_title=is_title) for text, is_title in paper_parts(title, abstract)]
        assert paper_sentences(title, abstract, stored) == computed
        assert terms.split() == index_terms(f"{title} {abstract}")


def test_latex_accents_and_empty_papers_index_as_one_text():
    title, abstract = 'Schr\\"odinger bridges', "We solve it.\\. Erd\\H{o}s graphs. Done!"
    terms, stored = text_properties(title, abstract)
    assert terms.split() == index_terms(f"{title} {abstract}")
    assert decode(stored, len(paper_parts(title, abstract))) == sentence_rows(title, abstract)
    assert text_properties("", "") == ("", "")
    assert paper_sentences("", "", "") == []


def test_sentences_stored_for_another_split_are_computed_again():
    title, abstract = "A title", "First sentence here. Second one follows."
    _, stored = text_properties(title, abstract)
    assert decode(stored, 2) is None and decode(stored, 4) is None
    assert decode("x|word", 1) is None  # an unknown role code
    # the abstract changed since the build (or another version split it): computed from the text
    longer = abstract + " A third sentence."
    assert paper_sentences(title, longer, stored) == paper_sentences(title, longer)
    rows = sentence_rows(title, abstract)
    assert decode(encode(rows), 3) == rows


def test_text_index_round_trips_through_the_file(saved):
    graph, path = saved
    loaded, stored = load_graph_stored(path)
    assert nx.utils.graphs_equal(loaded, graph)  # the index travels beside the graph, not in it
    built = TermIndex.of_graph(graph)
    restored = TermIndex.from_payload(stored.term_index, paper_nodes(loaded))
    assert restored is not None and restored.vocabulary == built.vocabulary
    assert np.array_equal(restored._postings, built._postings) and np.array_equal(restored._offsets, built._offsets)
    groups = [[(t,)] for t in built.vocabulary[:20]] + [[("neur*",), ("network*",)]]
    assert restored.search(groups) == built.search(groups) and built.search(groups)
    # a payload for other papers, or one whose chunks are cut short or damaged, is refused (the index is built instead)
    assert TermIndex.from_payload(stored.term_index, paper_nodes(loaded)[:-1]) is None
    header, chunks = built.payload()
    assert TermIndex.read_payload(header, iter(list(chunks)[:-1])) is None
    assert TermIndex.read_payload(header, iter(["!!"])) is None
    assert TermIndex.read_payload({**header, "format": 99}, iter([])) is None


def test_text_index_postings_span_several_lines(saved, tmp_path, monkeypatch):
    import kg.graph.text_index as text_index

    graph, _ = saved
    monkeypatch.setattr(text_index, "CHUNK", 7)  # the hand graph's postings over many J lines
    path = save_graph(graph, tmp_path / "chunked.json.gz")
    tags = [json.loads(line)[0] for line in gzip.decompress(Path(path).read_bytes()).decode("utf-8").splitlines()[1:]]
    assert tags.count("J") > 3
    loaded, stored = load_graph_stored(path)
    restored = TermIndex.from_payload(stored.term_index, paper_nodes(loaded))
    assert restored is not None and np.array_equal(restored._postings, TermIndex.of_graph(graph)._postings)


def test_stored_counts_equal_counting(saved):
    graph, path = saved
    _, stored = load_graph_stored(path)
    assert stored.stats == graph_stats(graph)
    fresh = KnowledgeGraph.from_graph(graph).stats()
    assert KnowledgeGraph.load(path).stats() == fresh
    assert fresh["papers_with_method_and_task"] > 0 and fresh["nodes"]["Paper"] == len(PAPERS)


def test_graph_files_without_stored_data_answer_the_same(saved, tmp_path):
    graph, path = saved
    lines = gzip.decompress(Path(path).read_bytes()).decode("utf-8").splitlines()
    older = []
    for line in lines:
        item = json.loads(line)
        if isinstance(item, list) and item[0] == "I":
            continue
        if isinstance(item, list) and item[0] == "G":
            item[1].pop("stats")
        if isinstance(item, list) and item[0] == "N":
            item[2].pop("sentences", None)
        older.append(json.dumps(item))
    old = tmp_path / "old.json.gz"
    with gzip.open(old, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(older) + "\n")
    _, stored = load_graph_stored(old)
    assert stored.term_index is None and stored.stats is None
    new_kg, old_kg = KnowledgeGraph.load(path), KnowledgeGraph.load(old)
    assert old_kg.stats() == new_kg.stats()
    for x, task in (
        ("DETR", "object detection"),
        ("vision transformer", "segmentation"),
        ("transformer", "object detection"),
    ):
        answer = new_kg.papers_using(x, task=task)
        assert answer and old_kg.papers_using(x, task=task) == answer
    assert NetworkxAccess(load_graph(old)).text_search([[("model",)]]) == new_kg._access.text_search([[("model",)]])


def test_answers_do_not_depend_on_earlier_questions(saved, monkeypatch):
    import kg.query.engine as engine

    graph, _ = saved
    questions = [
        ("transformer", "object detection"),
        ("DETR", "object detection"),
        ("vision transformer", "segmentation"),
        ("ViT", "segmentation"),
        ("transformer", "object detection"),
    ]
    fresh = [KnowledgeGraph.from_graph(graph).papers_using(x, task=t) for x, t in questions]
    assert sum(len(a) for a in fresh) >= 4
    monkeypatch.setattr(engine, "SENTENCE_CACHE", 2)  # the sentence cache fills and starts over between questions
    asked = KnowledgeGraph.from_graph(graph)
    assert [asked.papers_using(x, task=t) for x, t in questions] == fresh


def test_sentence_cache_starting_over_keeps_the_papers_asked_for(saved, monkeypatch):
    import kg.query.engine as engine

    graph, _ = saved
    monkeypatch.setattr(engine, "SENTENCE_CACHE", 2)
    papers = [p for p in paper_nodes(graph) if graph.nodes[p].get("abstract")][:3]
    asked = engine.QueryEngine(NetworkxAccess(graph))
    asked._paper_sentences(papers[:1])
    # the cache overflows: it starts over, and the paper cached before is read again, not dropped
    assert sorted(asked._paper_sentences(papers)) == sorted(papers)


def test_a_prefix_finds_the_papers_of_every_term_it_begins(saved):
    graph, _ = saved
    index = TermIndex.of_graph(graph)
    for stem in ("t", "tra", "detect", "o", "zzz", index.vocabulary[-1]):
        spelled = [t for t in index.vocabulary if t.startswith(stem)]
        union = set().union(*(index.search([[(t,)]]) for t in spelled))
        assert index.search([[(stem + "*",)]]) == union
    assert index.search([[("tra*",)]])  # the prefixes really find papers


def test_graphs_with_other_edge_keys_save_and_count(tmp_path):
    graph = nx.MultiDiGraph()
    graph.add_node("p", id="p", label="Paper", title="A title", abstract="We propose a method.")
    graph.add_node("m", id="m", label="Method", name="method")
    graph.add_edge("p", "m", key="USES")
    graph.add_edge("p", "m")  # networkx's own integer key: not storable as JSON object keys
    graph.add_edge("m", "p", key="SIMILAR_TO")  # a type outside the schema
    path = save_graph(graph, tmp_path / "odd.json.gz")
    loaded, stored = load_graph_stored(path)
    assert stored.stats is None  # not stored: counted on demand, as before
    assert graph_stats(graph)["relationships"]["SIMILAR_TO"] == 1


def test_a_file_of_older_term_rules_is_recomputed_in_memory(saved, tmp_path: Path):
    from kg.graph.build import refresh_text_terms
    from kg.graph.store import StaleTermsWarning

    graph, path = saved
    # the same file as an older build wrote it: no terms scheme in its G line, stale terms on a paper
    old = tmp_path / "old.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as src, gzip.open(old, "wt", encoding="utf-8") as dst:
        for line in src:
            item = json.loads(line)
            if isinstance(item, list) and item[0] == "G":
                item[1].pop("terms_scheme")
            elif isinstance(item, list) and item[0] == "N" and item[2].get("label") == "Paper":
                item[2]["terms"] = "stale"
            dst.write(json.dumps(item) + "\n")
    with pytest.warns(StaleTermsWarning, match="older text-term rules"):
        loaded, stored = load_graph_stored(old)
    assert stored.term_index is None  # built from the old terms: not used
    fresh, _ = load_graph_stored(path)
    for node, attrs in fresh.nodes(data=True):
        for prop in ("terms", "sentences", "name_terms"):
            assert loaded.nodes[node].get(prop) == attrs.get(prop)
    assert refresh_text_terms(nx.MultiDiGraph()) == 0
