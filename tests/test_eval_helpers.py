"""kg eval helpers: the README's scoring rules on made-up lists, and the command on the sample graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.eval.helpers import HelperQuestion, normalise, read_helper_questions, score_answers
from kg.query.results import EntityResult

runner = CliRunner()


def _result(name: str, *aliases: str) -> EntityResult:
    return EntityResult(
        entity_id=f"method:{name}", name=name, label="Method", aliases=list(aliases), paper_count=2, score=1.0
    )


def test_normalise_follows_the_readme() -> None:
    assert normalise("Vision-Transformers") == "vision transformer"
    assert normalise("  MS COCO!! ") == "ms coco"


def test_precision_counts_a_second_match_of_one_answer_as_wrong() -> None:
    question = HelperQuestion(
        qid="Q",
        helper="methods-for",
        arg="image generation",
        accepted=[
            {"name": "diffusion model", "variants": ["DDPM"], "papers": ["a", "b"]},
            {"name": "GAN", "variants": ["generative adversarial network"], "papers": ["c", "d"]},
            {"name": "rare", "papers": ["e"]},  # one paper: not in recall's denominator
        ],
    )
    score = score_answers(
        question, [_result("diffusion models"), _result("DDPM"), _result("U-Net"), _result("x", "GANs")]
    )
    assert [hit for _, hit in score.answers] == ["diffusion model", None, None, "GAN"]
    assert score.precision == pytest.approx(2 / 4)
    assert score.recall == pytest.approx(1.0)
    assert score_answers(question, []).precision == 0.0


def test_bad_line_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text('{"qid": "A", "helper": "methods-for", "arg": "x"}\n{"qid": "B", "helper": "nope", "arg": "x"}\n')
    with pytest.raises(ValueError, match=r"h.jsonl:2"):
        read_helper_questions(path)


def test_command_scores_a_built_graph(tmp_path) -> None:
    from kg.api import KnowledgeGraph
    from kg.cli import app

    sample = Path(__file__).resolve().parents[1] / "examples" / "seed_abstracts.jsonl"
    papers = tmp_path / "papers.jsonl"
    papers.write_text("".join(sample.read_text(encoding="utf-8").splitlines(keepends=True)[:60]), encoding="utf-8")
    graph_file = KnowledgeGraph.build([papers]).save(tmp_path / "g.json.gz")

    path = tmp_path / "h.jsonl"
    path.write_text(
        json.dumps(
            {
                "qid": "T1",
                "helper": "methods-for",
                "arg": "object detection",
                "accepted": [{"name": "DETR", "variants": ["detection transformer"], "papers": ["p1", "p2"]}],
            }
        )
        + "\n"
    )
    result = runner.invoke(app, ["eval", "helpers", str(path), "--graph", str(graph_file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)[0]
    assert report["questions"][0]["qid"] == "T1" and report["questions"][0]["answers"]
    assert 0.0 <= report["precision_at_10"] <= 1.0
