"""papers_using X for Y: each ladder step, text evidence, judgment, explanations, and `kg eval questions`.

The corpus is written by hand so each case isolates one rule: papers whose NER found nothing (text
is the only source), British and American spellings, an abbreviation defined in one paper, a name
used only as a baseline or in a sentence about other work, a question phrased as a user would.
"""

from __future__ import annotations

import heapq
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg import KnowledgeGraph
from kg.graph.build import build_graph
from kg.graph.store import save_graph
from kg.models import Entity, Mention, Paper, PaperExtraction, Relation, Resolution
from kg.query.names import did_you_mean, edit_distance, head_dropped
from kg.query.text import (
    BACKGROUND,
    NEUTRAL,
    OWN,
    content_terms,
    covers,
    find,
    is_baseline,
    name_variants,
    paper_sentences,
    sentence_role,
    terms,
)

PAPERS = [
    # p1: NER found the PINN pair; the abstract spells the task the American way
    Paper(
        id="p1",
        title="Physics-informed neural networks for PDEs",
        abstract="We propose physics-informed neural networks (PINNs) for solving partial differential equations.",
    ),
    # p2: nothing extracted; British spelling and a Greek letter in the text
    Paper(
        id="p2",
        title="A study of regularisation",
        abstract="We show that weight decay regularises deep networks. Our α-divergence bound is tight.",
    ),
    # p3: weight decay only as a baseline
    Paper(
        id="p3",
        title="A new optimiser",
        abstract="Our optimiser outperforms weight decay when regularizing neural networks.",
    ),
    # p4: weight decay only in a sentence about other work
    Paper(
        id="p4",
        title="Sharp minima",
        abstract="Existing works typically use weight decay to regularize neural networks. We study sharp minima.",
    ),
    # p5: the Weisfeiler-Leman spelling, never extracted
    Paper(
        id="p5",
        title="Expressive graph networks",
        abstract="We bound the expressive power of graph neural networks with the Weisfeiler-Leman hierarchy.",
    ),
    # p6: mini-ImageNet written closed
    Paper(
        id="p6",
        title="Continual learning at scale",
        abstract="We evaluate continual learning methods on miniImageNet and report accuracy.",
    ),
]
S1 = PAPERS[0].abstract


def _mention(text: str, label: str) -> Mention:
    start = S1.index(text)
    return Mention(
        field="abstract", start=start, end=start + len(text), text=text, label=label, confidence=0.9, sentence=1
    )


EXTRACTIONS = [
    PaperExtraction(
        paper_id="p1",
        sentences=[PAPERS[0].title, S1],
        mentions=[
            _mention("physics-informed neural networks (PINNs)", "METHOD"),
            _mention("partial differential equations", "TASK"),
        ],
        relations=[
            Relation(type="PROPOSES", head=None, tail=0, evidence=S1, confidence=0.9),
            Relation(type="ADDRESSES", head=None, tail=1, evidence=S1, confidence=0.8),
        ],
    ),
    *[PaperExtraction(paper_id=p.id) for p in PAPERS[1:]],
]
RESOLUTION = Resolution(
    entities={
        "method:physics-informed neural network": Entity(
            id="method:physics-informed neural network",
            label="METHOD",
            name="physics-informed neural network",
            aliases=["physics-informed neural networks (PINNs)", "PINNs", "PINN"],
            paper_count=1,
        ),
        "task:partial differential equation": Entity(
            id="task:partial differential equation",
            label="TASK",
            name="partial differential equation",
            aliases=["partial differential equations"],
            paper_count=1,
        ),
    },
    mention_entities={"p1": ["method:physics-informed neural network", "task:partial differential equation"]},
)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(PAPERS, EXTRACTIONS, RESOLUTION)


@pytest.fixture(scope="module")
def kg(graph) -> KnowledgeGraph:
    return KnowledgeGraph.from_graph(graph)


def _ids(kg: KnowledgeGraph, x: str, y: str) -> list[str]:
    return [r.paper_id for r in kg.papers_using(x, task=y)]


# -- the ladder ----------------------------------------------------------------------------------
def test_key_step_matches_an_abbreviation_the_corpus_defines(kg):
    answer = kg.answer_papers_using("PINNs", "solving partial differential equations")
    assert [r.paper_id for r in answer.results] == ["p1"]
    assert answer.resolution["x"][0].startswith("key: 'pinn' -> physics-informed neural network")


def test_contains_step_finds_the_task_inside_a_users_phrase(kg):
    answer = kg.answer_papers_using("physics informed neural networks", "solving partial differential equations")
    assert [r.paper_id for r in answer.results] == ["p1"]
    assert any(line.startswith("contains: 'partial differential equation'") for line in answer.resolution["y"])


def test_head_word_dropped_from_the_name_a_user_types():
    assert head_dropped("Weisfeiler-Lehman test") == "Weisfeiler-Lehman"
    assert head_dropped("dense retrieval models") == "dense retrieval"
    assert head_dropped("neural network") is None  # nothing specific would remain
    assert head_dropped("dropout") is None


def test_spelling_variants_reach_text_the_ner_missed(kg):
    # "regularisation" / "regularizing", "Lehman" / "Leman", "mini-ImageNet" / "miniImageNet"
    assert _ids(kg, "weight decay", "regularisation of deep neural networks") == ["p2"]
    assert _ids(kg, "Weisfeiler-Lehman test", "analysing the expressive power of graph neural networks") == ["p5"]
    assert _ids(kg, "mini-ImageNet", "continual learning") == ["p6"]


def test_empty_answers_explain_themselves(kg):
    unknown = kg.answer_papers_using("weight decai", "continual learning")
    assert unknown.results == [] and "did you mean: weight decay" not in (unknown.explain or "")
    typo = kg.answer_papers_using("physics-informed neural netwrk", "continual learning")
    assert typo.results == []
    assert "did you mean: physics-informed neural network" in typo.explain
    apart = kg.answer_papers_using("PINNs", "continual learning")
    assert apart.results == [] and apart.explain == "no paper mentions both 'PINNs' and 'continual learning'"
    unused = kg.answer_papers_using("weight decay", "sharp minima")
    assert unused.results == [] and "none says 'weight decay' is used for 'sharp minima'" in unused.explain


def test_did_you_mean_keeps_keys_within_two_edits():
    assert edit_distance("leman", "lehman") == 1 and edit_distance("ab", "ba") == 1
    assert did_you_mean("sinkhornn algorithm", ["sinkhorn algorithm", "sorting algorithm", "x"]) == [
        "sinkhorn algorithm"
    ]


# -- judgment ------------------------------------------------------------------------------------
def test_a_baseline_or_background_mention_is_no_answer(kg):
    # p3 outperforms weight decay; p4 names it in a sentence about existing work; p2 uses it
    assert _ids(kg, "weight decay", "regularizing neural networks") == ["p2"]


def test_every_answer_carries_the_sentence_that_says_so(kg):
    (result,) = kg.papers_using("weight decay", task="regularizing neural networks")
    assert result.evidence[0] == "We show that weight decay regularises deep networks."


def test_unrelated_pair_stays_empty(kg):
    assert _ids(kg, "mini-ImageNet", "partial differential equations") == []


# -- text evidence primitives --------------------------------------------------------------------
def test_terms_fold_spelling_accents_latex_and_greek():
    assert terms("Regularisation") == terms("regularization") == terms("regularizing")
    assert terms(r"Schr\"odinger") == terms("Schrödinger") == terms("Schrodinger")
    assert terms("α-divergence") == terms("alpha divergence")
    # a thing and its activity stay apart: transformers are not transformations, a language model is not
    # language modeling (either spelling)
    assert terms("transformers") != terms("transformation")
    assert terms("language modelling") == terms("language modeling") != terms("language models")


def test_name_variants_close_hyphens_and_swap_alternatives():
    assert ("miniimagenet",) in name_variants("mini-ImageNet")
    assert tuple(terms("tensor factorization")) in name_variants("tensor decomposition")


def test_phrase_positions_and_baseline_cues():
    sentence = terms("Our method outperforms LoRA, which we also use.")
    (pos,) = find(sentence, terms("LoRA"))
    assert is_baseline(sentence, pos)
    used = terms("We fine-tune with LoRA.")
    assert not is_baseline(used, find(used, terms("LoRA"))[0])


def test_sentence_roles():
    assert sentence_role("We propose X.") == OWN
    assert sentence_role("Existing works have proposed X.") == BACKGROUND
    assert sentence_role("X is applied to Y.") == NEUTRAL
    assert sentence_role("anything", is_title=True) == OWN
    # cues are whole words as written: "study" is not "studies", the "e" of "i.e." is not "e.g."
    assert sentence_role("This study applies X to Y.") == OWN
    assert sentence_role("X, i.e. a sparse model, is applied to Y.") == NEUTRAL
    assert sentence_role("Sparse models, e.g. X, are applied to Y.") == BACKGROUND
    assert sentence_role("Several studies apply X to Y.") == BACKGROUND
    assert [s.role for s in paper_sentences("T", "We do A. Prior work did B.")] == [OWN, OWN, BACKGROUND]


def test_question_words_strong_weak_and_prefixes():
    strong, weak = content_terms("training certifiably robust neural networks")
    assert strong == terms("certifiably robust") and set(weak) == set(terms("training neural networks"))
    assert covers(terms("object detectors"), terms("object detection"))
    assert covers(terms("ImageNet classification"), terms("image classification"))
    assert not covers(terms("graph classification"), terms("image classification"))
    assert covers(terms("a defense method"), terms("defending"))


# -- kg eval questions -------------------------------------------------------------------------------
QUESTIONS = [
    {
        "qid": "q1",
        "x": "weight decay",
        "y": "regularizing neural networks",
        "relevant_titles": ["A study of regularisation", "Sharp minima"],
    },
    {"qid": "q2", "x": "PINNs", "y": "solving PDEs", "relevant_titles": ["Physics-informed neural networks for PDEs"]},
    {"qid": "q3", "x": "mini-ImageNet", "y": "partial differential equations", "relevant_titles": []},
]


def test_eval_questions_scores_a_hand_made_file(kg, graph, tmp_path: Path):
    from kg.eval.questions import evaluate_questions

    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    report = evaluate_questions(kg, path)
    by_qid = {s.qid: s for s in report.product.scores}
    assert by_qid["q1"].found == ["A study of regularisation"] and by_qid["q1"].missed == ["Sharp minima"]
    assert by_qid["q2"].found == ["Physics-informed neural networks for PDEs"]
    assert report.product.recall == pytest.approx((0.5 + 1.0) / 2)
    assert report.product.precision == pytest.approx(1.0)
    assert report.product.empties == (1, 1)
    assert report.product.evidence_share == 1.0
    # the baseline: every content word as a substring of title + abstract
    base = {s.qid: s for s in report.baseline.scores}
    assert base["q1"].answered == ["A new optimiser"]  # the baseline cannot tell a baseline from a use
    assert base["q2"].answered == ["Physics-informed neural networks for PDEs"]

    from kg.cli import app

    saved = save_graph(graph, tmp_path / "g.json.gz")
    result = CliRunner().invoke(app, ["eval", "questions", str(path), "--graph", str(saved)])
    assert result.exit_code == 0, result.output
    assert "missed: Sharp minima" in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert rows["paper-kg"][:3] == ["paper-kg", "1.000", "0.750"]
    assert "word-match" in rows
    as_json = CliRunner().invoke(app, ["eval", "questions", str(path), "--graph", str(saved), "--json"])
    assert json.loads(as_json.stdout)[0]["product"]["recall"] == 0.75


def test_eval_questions_reports_a_bad_line(kg, graph, tmp_path: Path):
    from kg.cli import app

    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(QUESTIONS[0]) + '\n{"qid": 3}\n', encoding="utf-8")
    saved = save_graph(graph, tmp_path / "g.json.gz")
    result = CliRunner().invoke(app, ["eval", "questions", str(path), "--graph", str(saved)])
    assert result.exit_code == 2
    assert f"{path}:2: not a question record" in " ".join(result.output.split())


def test_cli_explain_and_empty_answer(graph, tmp_path: Path):
    from kg.cli import app

    saved = save_graph(graph, tmp_path / "g.json.gz")
    runner = CliRunner()
    shown = runner.invoke(
        app, ["query", "papers-using", "PINNs", "--for", "solving PDEs", "-g", str(saved), "--explain"]
    )
    assert shown.exit_code == 0 and "key: 'pinn'" in shown.output
    empty = runner.invoke(
        app, ["query", "papers-using", "PINNs", "--for", "continual learning", "-g", str(saved), "--json"]
    )
    assert empty.exit_code == 0
    payload = json.loads(empty.stdout)
    assert payload["results"] == [] and payload["explain"].startswith("no paper mentions both")


def test_lookup_lists_the_entitys_papers(kg):
    (pinn,) = kg.lookup("PINNs")
    assert pinn.name == "physics-informed neural network" and pinn.papers == ["p1"] and pinn.paper_count == 1


def test_overlong_words_become_bounded_terms():
    from kg.resolve.terms import MAX_TERM_CHARS

    assert all(len(t) <= MAX_TERM_CHARS for t in terms("a" * 10_000 + " " + "é" * 20_000))


# -- what the engine keeps between questions -----------------------------------------------------
ASKED = [
    ("PINNs", "solving partial differential equations"),
    ("physics informed neural networks", "solving partial differential equations"),
    ("weight decay", "regularisation of deep neural networks"),
    ("Weisfeiler-Lehman test", "analysing the expressive power of graph neural networks"),
    ("mini-ImageNet", "continual learning"),
    ("weight decay", "regularizing neural networks"),
    ("PINNs", "continual learning"),
    ("weight decay", "sharp minima"),
    ("mini-ImageNet", "partial differential equations"),
    ("continual learning", "continual learning"),
]


@pytest.mark.parametrize("broad_family", [2000, 0])  # 0: every family is read as a broad one, per candidate
def test_answers_do_not_depend_on_the_questions_asked_before(graph, monkeypatch, broad_family):
    # Per name the engine keeps its resolution, forms, links and each paper's sentence readings, and the
    # index each name's paper mask; with room for one of each, every question evicts the last one's.
    import kg.graph.text_index as text_index
    import kg.query.engine as engine

    monkeypatch.setattr(engine, "BROAD_FAMILY", broad_family)
    fresh = {q: KnowledgeGraph.from_graph(graph).answer_papers_using(*q) for q in ASKED}
    assert sum(bool(a.results) for a in fresh.values()) >= 5
    kept = KnowledgeGraph.from_graph(graph)
    for q in ASKED * 2 + ASKED[::-1]:
        assert kept.answer_papers_using(*q) == fresh[q], q
    for name, size in (("NAME_CACHE", 1), ("READ_CACHE", 1)):
        monkeypatch.setattr(engine, name, size)
    monkeypatch.setattr(text_index, "MASK_CACHE", 1)
    tight = KnowledgeGraph.from_graph(graph)
    for q in ASKED * 2 + ASKED[::-1]:
        assert tight.answer_papers_using(*q) == fresh[q], q


@pytest.mark.parametrize("size", [0, 5, 100, 3000])
def test_the_likeliest_candidates_are_those_a_full_ranking_gives(size):
    import random

    from kg.query.engine import MAX_VERIFIED, _likeliest

    rng = random.Random(size)
    candidates = {f"p{i:05d}" for i in rng.sample(range(10 * size + 1), size)}
    used_for, x_linked, y_linked, in_text, names_y = (
        {p for p in candidates if rng.random() < share} for share in (0.01, 0.03, 0.02, 0.9, 0.1)
    )

    def signals(p: str) -> int:
        return 2 * (p in used_for) + (p in x_linked) + (p in y_linked) + (p in in_text) + (p in names_y)

    full = heapq.nsmallest(MAX_VERIFIED, candidates, key=lambda p: (-signals(p), p))
    assert _likeliest(candidates, (used_for, x_linked, y_linked), (in_text, names_y)) == full


def test_a_sole_benchmark_says_the_task_where_the_paper_agrees() -> None:
    """DTU is 3D reconstruction's sole benchmark (kg.vocab.link.SOLE_BENCHMARK): a multi-view stereo paper
    evaluated on it that speaks of reconstruction does 3D reconstruction unnamed; one that does not, or a
    model scoring on HumanEval among other benchmarks, does not."""
    from kg.pipeline import build

    papers = [
        Paper(
            id="a",
            title="VisNet: occlusion-aware multi-view stereo",
            abstract="We propose VisNet, a multi-view stereo network. Experiments on DTU show better reconstruction "
            "completeness than prior networks.",
        ),
        Paper(
            id="b",
            title="MoE scaling",
            abstract="We train a mixture-of-experts language model. It achieves 74.4 on HumanEval and 79.4 on MMLU.",
        ),
        Paper(
            id="c",
            title="CodeGen2",
            abstract="We study code generation with large language models. Our model reaches 40 percent pass@1 on "
            "HumanEval.",
        ),
        Paper(
            id="d",
            title="DepthNet for stereo",
            abstract="We propose DepthNet for multi-view stereo. Experiments on DTU show accurate depth maps.",
        ),
    ]
    graph, _, _ = build(papers)
    # no paper names 3D reconstruction: the task came with DTU
    assert graph.has_edge("dataset:dtu", "task:3d-reconstruction", key="BENCHMARK_FOR")
    answers = KnowledgeGraph.from_graph(graph)
    assert [r.paper_id for r in answers.papers_using("DTU", "3D reconstruction")] == ["a"]
    # --explain names the knowledge step
    explained = answers.answer_papers_using("DTU", "3D reconstruction").resolution["y"]
    assert explained[-1] == "benchmark of it (vocabulary): papers evaluating on DTU"
    assert [r.paper_id for r in answers.papers_using("HumanEval", "code generation")] == ["c"]


def test_a_benchmark_with_a_metric_of_the_task_says_the_task_but_not_the_modifier_asked() -> None:
    """Top-1 accuracy on ImageNet is image classification unnamed (the vocabulary's own top-1 entry measures
    it; plain "accuracy" measures too many tasks); asked for self-supervised image classification, the
    benchmark vouches only where the paper also says self-supervised."""
    from kg.pipeline import build

    papers = [
        Paper(
            id="b",
            title="TinyNet: a compact convolutional network",
            abstract="We propose TinyNet, a compact convolutional network for mobile devices. TinyNet reaches 80.1% "
            "top-1 accuracy on ImageNet with 300M FLOPs.",
        ),
        Paper(
            id="c",
            title="SimNet: self-supervised pretraining",
            abstract="We propose SimNet, a self-supervised pretraining method for vision transformers. Linear "
            "probing reaches 75.3% top-1 accuracy on ImageNet.",
        ),
        Paper(id="e", title="Residual networks", abstract="We study image classification with ResNet on CIFAR-10."),
    ]
    graph, _, _ = build(papers)
    assert graph.has_edge("b", "metric:top-1-accuracy", key="REPORTS")
    answers = KnowledgeGraph.from_graph(graph)
    assert [r.paper_id for r in answers.papers_using("ImageNet", "image classification")] == ["b", "c"]
    assert [r.paper_id for r in answers.papers_using("ImageNet", "self-supervised image classification")] == ["c"]


def test_the_task_asked_is_a_task_not_the_method_collection_of_its_name() -> None:
    """ "stochastic optimization" names a task and (in Papers with Code) a collection of methods with SGD in it:
    asked as Y, the task's family states it, not the collection's members."""
    s1 = "We combine variance reduction with SGD."
    s2 = "Variance reduction speeds up stochastic optimization."
    papers = [Paper(id="p1", title="A", abstract=s1), Paper(id="p2", title="B", abstract=s2)]
    from tests.test_graph_query import _m

    extractions = [
        PaperExtraction(
            paper_id="p1",
            sentences=["A", s1],
            mentions=[_m("variance reduction", "METHOD", 1, s1), _m("SGD", "METHOD", 1, s1)],
            relations=[
                Relation(type="USES", head=None, tail=0, evidence=s1, confidence=0.9),
                Relation(type="USES", head=None, tail=1, evidence=s1, confidence=0.9),
            ],
        ),
        PaperExtraction(
            paper_id="p2",
            sentences=["B", s2],
            mentions=[_m("Variance reduction", "METHOD", 1, s2), _m("stochastic optimization", "TASK", 1, s2)],
            relations=[
                Relation(type="USES", head=None, tail=0, evidence=s2, confidence=0.9),
                Relation(type="ADDRESSES", head=None, tail=1, evidence=s2, confidence=0.9),
            ],
        ),
    ]
    entities = {
        "method:variance reduction": Entity(
            id="method:variance reduction", label="METHOD", name="variance reduction", paper_count=2
        ),
        "method:sgd": Entity(id="method:sgd", label="METHOD", name="SGD", aliases=["SGD"], paper_count=1),
        "method:stochastic optimization": Entity(
            id="method:stochastic optimization", label="METHOD", name="Stochastic Optimization", paper_count=0
        ),
        "task:stochastic optimization": Entity(
            id="task:stochastic optimization", label="TASK", name="stochastic optimization", paper_count=1
        ),
    }
    resolution = Resolution(
        entities=entities,
        mention_entities={
            "p1": ["method:variance reduction", "method:sgd"],
            "p2": ["method:variance reduction", "task:stochastic optimization"],
        },
        is_a=[("method:sgd", "method:stochastic optimization")],
    )
    kg = KnowledgeGraph.from_graph(build_graph(papers, extractions, resolution))
    assert [r.paper_id for r in kg.papers_using("variance reduction", "stochastic optimization")] == ["p2"]
    # asked as X, the name is still the collection with its members
    assert "p1" in {r.paper_id for r in kg.papers_using("stochastic optimization")}
