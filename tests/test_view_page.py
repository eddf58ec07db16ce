"""kg view's page: self-contained, every input text inert, the data recoverable; the analytics commands."""

from __future__ import annotations

import json
import re

import pytest
from field_graph import INJECTED, INJECTED_PAPER, field_graph
from typer.testing import CliRunner

from kg.api import KnowledgeGraph
from kg.cli import app
from kg.graph.store import save_graph
from kg.view.data import view_data
from kg.view.page import render, script_json

runner = CliRunner()
DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("field") / "field.json.gz"
    save_graph(field_graph(), path)
    return path


def test_script_json_escapes_everything_that_could_end_the_element():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_injected_abstract_and_title_stay_text():
    kg_ = KnowledgeGraph.from_graph(field_graph())
    page = render(view_data(kg_.graph, kg_._engine, "ViT"))
    # three script elements: data, renderer, app; the injected one never becomes a fourth
    assert page.count("<script") == 3 and page.count("</script>") == 3
    assert "__kgInjected" not in DATA.sub("", page)  # only inside the JSON, as escaped text
    assert "<img" not in page and "<b>bold" not in page
    data = json.loads(DATA.search(page).group(1))
    node = next(n for n in data["nodes"] if n["id"] == INJECTED_PAPER)
    assert INJECTED in node["text"] and node["name"] == "ViT <b>bold</b> {{DATA}}"
    assert page.count('id="kg-data"') == 1  # the {{DATA}} in the title was not replaced


def test_page_is_self_contained():
    kg_ = KnowledgeGraph.from_graph(field_graph())
    page = render(view_data(kg_.graph, kg_._engine))
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "cytoscape" in page


def test_map_and_neighbourhood_data():
    kg_ = KnowledgeGraph.from_graph(field_graph())
    data = view_data(kg_.graph, kg_._engine)
    ids = {n["id"] for n in data["nodes"]}
    assert "method:resnet" in ids and "method:our-approach" not in ids  # offered entities only
    assert len(data["fronts"]) == 2 and all(n["front"] is not None for n in data["nodes"] if n["label"] == "Task")
    resnet = next(n for n in data["nodes"] if n["id"] == "method:resnet")
    assert sum(resnet["trend"]) == resnet["papers"] and len(resnet["trend"]) == len(data["years"])
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in data["nodes"])
    near = view_data(kg_.graph, kg_._engine, "transformers")
    centre = {n["id"] for n in near["nodes"] if n["centre"]}
    assert centre == {"method:transformer", "method:vision-transformer"}
    assert any(e["type"] == "IS_A" for e in near["edges"])
    assert any(e["text"] for e in near["edges"] if e["type"] == "USES")
    paper = view_data(kg_.graph, kg_._engine, INJECTED_PAPER)
    assert [n["id"] for n in paper["nodes"] if n["centre"]] == [INJECTED_PAPER]
    related = {r.paper_id for r in kg_.related_papers(INJECTED_PAPER, limit=60)}
    assert related and {n["id"] for n in paper["nodes"] if n["label"] == "Paper"} == {INJECTED_PAPER} | related
    with pytest.raises(ValueError, match="no entity or paper"):
        view_data(kg_.graph, kg_._engine, "no such thing")


def test_cli_trends_rising_analyze_view(graph_file, tmp_path):
    result = runner.invoke(
        app, ["trends", "ViT", "transformer", "-g", str(graph_file), "--json", "-o", str(tmp_path / "t.svg")]
    )
    assert result.exit_code == 0, result.output
    trends = json.loads(result.stdout)
    assert [t["name"] for t in trends] == ["ViT", "transformer"] and sum(trends[0]["papers"]) == 19
    svg = (tmp_path / "t.svg").read_text()
    assert svg.startswith("<svg") and svg.count("<polyline") == 2
    result = runner.invoke(app, ["trends", "--rising", "--label", "Method", "-g", str(graph_file), "--json"])
    assert result.exit_code == 0 and "Vision Transformer" in [r["name"] for r in json.loads(result.stdout)]
    assert runner.invoke(app, ["trends", "ViT", "-o", str(tmp_path / "t.png"), "-g", str(graph_file)]).exit_code == 2
    assert runner.invoke(app, ["trends", "-g", str(graph_file)]).exit_code == 2
    copy = tmp_path / "g.json.gz"
    copy.write_bytes(graph_file.read_bytes())
    result = runner.invoke(app, ["analyze", "-g", str(copy), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["fronts"]) == 2
    assert KnowledgeGraph.load(copy).graph.nodes["method:resnet"]["front"] is not None
    result = runner.invoke(app, ["view", "-g", str(copy), "-o", str(tmp_path / "v.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "v.html").read_text().count("<script") == 3
