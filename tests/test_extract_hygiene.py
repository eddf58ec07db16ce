"""Entity hygiene (kg.extract.components.entity_filters): math debris, generic heads, title fragments."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from kg.extract.components.entity_filters import filter_entity, is_fragment, is_generic

NLP = spacy.blank("en")


def _span(text: str, mention: str, label: str = "METHOD") -> Span:
    doc = NLP(text)
    a = text.index(mention)
    span = doc.char_span(a, a + len(mention), label=label, alignment_mode="expand")
    assert span is not None
    return span


@pytest.mark.parametrize(
    "text, mention",
    [
        ("The method runs in O(1 time per step.", "O(1"),
        ("We bound the L_{1 norm of the error.", "L_{1"),
        ("The update has cost O(dm + m^2 per iteration.", "cost O(dm + m^2"),
        ("The rate Theta(log T is tight.", "Theta(log"),
        ("We report FID=1.42 on CIFAR-10.", "FID=1.42"),
        ("It saves 27\\% cost overall.", "27\\% cost"),
        ("We use additive varepsilon lambda Phi_k terms.", "additive varepsilon lambda Phi_k"),
        ("Under (varepsilon,delta)-differential privacy we prove it.", "varepsilon,delta)-differential privacy"),
    ],
)
def test_math_debris_is_no_entity(text: str, mention: str) -> None:
    assert filter_entity(_span(text, mention)) is None


def test_math_tail_is_cut_and_the_name_kept() -> None:
    span = _span("It achieves an iteration complexity of O(m^2 overall.", "iteration complexity of O(m^2", "METRIC")
    kept = filter_entity(span)
    assert kept is not None and kept.text == "iteration complexity" and kept.label_ == "METRIC"


@pytest.mark.parametrize(
    "text, mention",
    [
        ('We study the Schr\\"odinger Bridge problem.', 'Schr\\"odinger Bridge'),
        ("We use Poincar\\'e ball embeddings.", "Poincar\\'e ball"),
        ("A CIFAR-10/100 study.", "CIFAR-10/100"),
        ("We train a Vision Transformer (ViT) model.", "Vision Transformer (ViT)"),
        ("We use Hierarchical~Fusion for it.", "Hierarchical~Fusion"),
    ],
)
def test_names_with_accents_or_brackets_stay(text: str, mention: str) -> None:
    span = _span(text, mention)
    assert filter_entity(span) is span


@pytest.mark.parametrize(
    "mention, label",
    [
        ("framework", "METHOD"),
        ("method", "METHOD"),
        ("algorithms", "METHOD"),
        ("model", "METHOD"),
        ("approach", "METHOD"),
        ("neural network", "METHOD"),
        ("deep neural networks", "METHOD"),
        ("proposed model", "METHOD"),
        ("baseline methods", "METHOD"),
        ("downstream tasks", "TASK"),
        ("real-world datasets", "DATASET"),
        ("metrics", "METRIC"),
    ],
)
def test_generic_heads_are_no_entities(mention: str, label: str) -> None:
    assert is_generic(mention, label)


@pytest.mark.parametrize(
    "mention, label",
    [
        ("generative model", "METHOD"),
        ("language models", "METHOD"),
        ("deep learning", "METHOD"),
        ("BERT model", "METHOD"),
        ("classification task", "TASK"),
        ("ImageNet dataset", "DATASET"),
        ("dialogue system", "METHOD"),
        ("accuracy", "METRIC"),
    ],
)
def test_named_or_typed_heads_stay(mention: str, label: str) -> None:
    assert not is_generic(mention, label)


@pytest.mark.parametrize(
    "mention",
    ["Compute-Efficient", "Classifier-Centric Perspective", "model-agnostic", "Bayesian perspective", "IDF-aware"],
)
def test_title_fragments_are_no_entities(mention: str) -> None:
    assert is_fragment(mention)


@pytest.mark.parametrize(
    "mention",
    ["Model-Agnostic Meta-Learning", "parameter-efficient fine-tuning", "principal component analysis", "U-Net"],
)
def test_compounds_with_a_noun_stay(mention: str) -> None:
    assert not is_fragment(mention)


def test_cleanup_component_drops_them_in_the_pipeline() -> None:
    from kg.extract.pipeline import build_lexicon_pipeline

    nlp = build_lexicon_pipeline()
    doc = nlp.make_doc("Compute-Efficient Transformers\n\nOur framework trains BERT in O(1 steps.")
    # stand in for the NER: the spans a model might emit
    spans = []
    for mention, label in (
        ("Compute-Efficient", "METHOD"),
        ("framework", "METHOD"),
        ("BERT", "METHOD"),
        ("O(1", "METRIC"),
    ):
        a = doc.text.index(mention)
        spans.append(doc.char_span(a, a + len(mention), label=label, alignment_mode="expand"))
    doc.ents = [s for s in spans if s is not None]
    for name, proc in nlp.pipeline:
        if name in ("kg_abbreviations", "kg_entity_cleanup"):
            doc = proc(doc)
    assert [e.text for e in doc.ents] == ["BERT"]


@pytest.mark.parametrize(
    ("name", "text", "host"),
    [
        ("GitHub", "Code is available on GitHub at https://github.com/a/b.", True),
        ("Hugging Face", "Weights are on Hugging Face (https://huggingface.co/org/m).", True),
        ("GitHub", "We mine 2M GitHub repositories for code completion.", False),  # no link: maybe the data
        ("DiffIR", "DiffIR restores images; see https://diffir.github.io/ for code.", False),  # a project page
        ("COCO", "We train on COCO (https://cocodataset.org).", False),
    ],
)
def test_a_link_host_is_no_entity(name: str, text: str, host: bool) -> None:
    from kg.extract.components.entity_filters import is_url_host

    assert is_url_host(name, text) is host


@pytest.mark.parametrize(
    ("name", "venue"),
    [
        ("NeurIPS 2020", True),
        ("ICALP'18", True),
        ("STOC", True),
        ("CoNLL 2003", False),  # a shared task's dataset, not only a venue
        ("WMT 2014", False),
        ("KDD Cup 2012", False),
        ("CIFAR 2010", False),
    ],
)
def test_a_venue_with_its_year_is_no_entity(name: str, venue: bool) -> None:
    from kg.extract.components.entity_filters import is_venue

    assert is_venue(name) is venue


def test_the_extractor_drops_a_venue_mention() -> None:
    from kg.extract import Extractor
    from kg.models import Paper

    paper = Paper(
        id="t:1",
        title="Faster matching",
        abstract="Our algorithm, presented at STOC 2020, improves on ICALP 2018 results.",
    )
    (extraction,) = Extractor().extract([paper])
    assert not [m.text for m in extraction.mentions if "STOC" in m.text or "ICALP" in m.text]


def test_a_link_is_no_entity() -> None:
    import spacy
    from spacy.tokens import Span

    from kg.extract.components.entity_filters import filter_entity

    doc = spacy.blank("en")("Code is available at: https://github.com/jaeill/CVPR23-VNE on CIFAR-10")
    url = next(t.i for t in doc if t.like_url)
    assert filter_entity(Span(doc, url, url + 1, label="DATASET")) is None
    assert filter_entity(Span(doc, len(doc) - 1, len(doc), label="DATASET")) is not None


@pytest.mark.parametrize(
    ("mention", "adjectival"),
    [
        ("differentially private", True),
        ("Provably Efficient", True),
        ("differentially private SGD", False),  # a noun after it: a method
        ("early stopping", False),  # "early" is no -ly adverb of this kind
        ("anomaly detection", False),
    ],
)
def test_an_adverb_and_its_adjective_are_no_entity(mention: str, adjectival: bool) -> None:
    from kg.resolve.specific import is_adjective_phrase

    assert is_adjective_phrase(mention) is adjectival


@pytest.mark.parametrize(
    ("title", "mention", "kept"),
    [
        (
            "GigaTok: Scaling Visual Tokenizers to 3 Billion Parameters",
            "Scaling Visual Tokenizers",
            "Visual Tokenizers",
        ),
        ("Boosting Low-Rank Adaptation with Sparsity", "Boosting Low-Rank Adaptation", "Low-Rank Adaptation"),
        ("Bound Propagation for Training Verifiably Robust Models", "Training Verifiably Robust Models", None),
        # how names of the field open: the -ing word is part of the name
        ("Denoising Diffusion Models for Images", "Denoising Diffusion Models", "Denoising Diffusion Models"),
        ("Learning Rate Transfer Across Widths", "Learning Rate Transfer", "Learning Rate Transfer"),
        # hyphenated compounds are names ("Self-Tuning Networks")
        ("Self-Tuning Networks for Hyperparameters", "Self-Tuning Networks", "Self-Tuning Networks"),
    ],
)
def test_a_title_s_opening_verb_is_not_part_of_the_name(title: str, mention: str, kept: str | None) -> None:
    from kg.extract.components.entity_cleanup import name_openings
    from kg.extract.components.entity_filters import title_verb_cut
    from kg.extract.pipeline import build_lexicon_pipeline

    nlp = build_lexicon_pipeline()
    doc = nlp.make_doc(f"{title}\n\nWe study it. Training is slow.")
    for _, proc in nlp.pipeline[:1]:  # the sentencizer: the title is the first sentence
        doc = proc(doc)
    a = doc.text.index(mention)
    span = doc.char_span(a, a + len(mention), label="METHOD")
    openings = name_openings(None)
    cut = title_verb_cut(span, openings)
    if kept is None:
        # "Verifiably Robust Models" is what is left: the verb is gone whatever the rest becomes
        assert cut is not None and cut.text == "Verifiably Robust Models"
    else:
        assert cut is not None and cut.text == kept
    # outside the title an -ing word is left to the NER ("Training is slow" is not cut)
    body = doc.char_span(doc.text.index("Training is"), doc.text.index("Training is") + len("Training is"))
    assert title_verb_cut(Span(doc, body.start, body.end, label="METHOD"), openings).text == "Training is"
