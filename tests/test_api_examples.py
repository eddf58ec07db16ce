"""The Examples sections of kg/api.py run, on the hand-checked graph of tests/test_graph_query.py."""

from __future__ import annotations

import doctest

import kg.api
from kg import KnowledgeGraph
from kg.graph.build import build_graph
from tests.test_graph_query import EXTRACTIONS, PAPERS, RESOLUTION


def test_api_docstring_examples_run(tmp_path, monkeypatch, capsys):
    graph = build_graph(PAPERS, EXTRACTIONS, RESOLUTION)
    KnowledgeGraph.from_graph(graph, PAPERS, EXTRACTIONS).save(tmp_path / "graph.json.gz")
    monkeypatch.chdir(tmp_path)  # the examples open graph.json.gz and write their exports here
    results = doctest.testmod(kg.api, optionflags=doctest.NORMALIZE_WHITESPACE)
    report = capsys.readouterr().out  # doctest prints each failing example with what it got
    assert results.failed == 0, report
    # every public query documents itself with an example that runs
    assert results.attempted >= 25
