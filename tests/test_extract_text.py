"""Sentence splitting and Schwartz-Hearst abbreviations on hand-checked sentences (lexicon mode)."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from kg.extract import build_lexicon_pipeline
from kg.extract.components import EntityCleanup
from kg.extract.components.abbreviations import best_long_form, is_short_form, valid_pair

# From /work/shared/seeds/000_858c9133f7abb91c.txt (arXiv abstract of "Supervised Dictionary Learning with
# Auxiliary Covariates"), title + first three sentences.
SDL_TITLE = "Supervised Dictionary Learning with Auxiliary Covariates"
SDL_ABSTRACT = (
    "Supervised dictionary learning (SDL) is a classical machine learning method that simultaneously seeks "
    "feature extraction and classification tasks, which are not necessarily a priori aligned objectives. "
    "The goal of SDL is to learn a class-discriminative dictionary, which is a set of latent feature vectors "
    "that can well-explain both the features as well as labels of observed data. In this paper, we provide a "
    "systematic study of SDL, including the theory, algorithm, and applications of SDL."
)


@pytest.fixture(scope="module")
def nlp():
    return build_lexicon_pipeline()


def sentences(nlp, text):
    return [s.text for s in nlp(text).sents]


def pairs(nlp, text):
    return [(s.text, long.text) for s, long in nlp(text)._.abbreviations]


# ---- sentences ---------------------------------------------------------------------------------------
def test_abbreviations_with_periods_do_not_end_sentences(nlp):
    text = (
        "Deep models, e.g. Transformers, work well (see Fig. 2 and Eq. 3). Smith et al. 2019 disagree, "
        "i.e. They do not. Results hold vs. The baseline. A second sentence! A third? 42 runs were made."
    )
    assert sentences(nlp, text) == [
        "Deep models, e.g. Transformers, work well (see Fig. 2 and Eq. 3).",
        "Smith et al. 2019 disagree, i.e. They do not.",
        "Results hold vs. The baseline.",
        "A second sentence!",
        "A third?",
        "42 runs were made.",
    ]


def test_title_is_one_sentence_and_sets_title_end(nlp):
    doc = nlp("Is Attention All You Need? A Study. Of Things\n\nWe study attention. It helps.")
    sents = [s.text for s in doc.sents]
    assert sents[0].strip() == "Is Attention All You Need? A Study. Of Things"
    assert sents[1:] == ["We study attention.", "It helps."]
    assert doc._.title_end == len("Is Attention All You Need? A Study. Of Things")
    assert nlp("No title here. Two sentences.")._.title_end is None


def test_initials_and_lowercase_continuations(nlp):
    assert sentences(nlp, "Work by J. Smith shows it. approx. three runs. Then more.") == [
        "Work by J. Smith shows it. approx. three runs.",
        "Then more.",
    ]


# ---- Schwartz-Hearst ---------------------------------------------------------------------------------
def test_schwartz_hearst_core():
    assert best_long_form("SDL", "Supervised dictionary learning") == "Supervised dictionary learning"
    assert best_long_form("ViT", "we train a Vision Transformer") == "Vision Transformer"
    assert best_long_form("SKR", "a novel method, namely Sorting Krylov Recycling") == "Sorting Krylov Recycling"
    # The first letter must start a word: "HMM" is not inside "thermometers"
    assert best_long_form("HMM", "thermometers") is None
    assert is_short_form("SDL") and is_short_form("ViT") and is_short_form("k-NN")
    assert not is_short_form("2019") and not is_short_form("ours") and not is_short_form("i")
    assert not is_short_form("see Fig. 2")
    assert valid_pair("SDL", "Supervised dictionary learning")
    # Too many content words for a 4-letter short form: a clause, not a name.
    assert not valid_pair("PSRP", "partially shared module to learn two recalibrating parameters")


def test_sdl_definition_and_every_later_use(nlp):
    doc = nlp(f"{SDL_TITLE}\n\n{SDL_ABSTRACT}")
    assert [(s.text, long.text) for s, long in doc._.abbreviations] == [("SDL", "Supervised dictionary learning")]
    uses = doc._.abbreviation_mentions
    assert [u.text for u in uses] == ["SDL"] * 4  # the definition + 3 later uses
    assert all(u._.long_form.text == "Supervised dictionary learning" for u in uses)
    ents = {(e.text, e.label_) for e in doc.ents}
    # "dictionary learning" is in the lexicon: the definition widens it to the full long form (also in
    # the title, any case), and every SDL becomes a METHOD too.
    assert ("Supervised dictionary learning", "METHOD") in ents
    assert ("Supervised Dictionary Learning", "METHOD") in ents
    assert sum(1 for e in doc.ents if e.text == "SDL" and e.label_ == "METHOD") == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We train a Vision Transformer (ViT) on images.", [("ViT", "Vision Transformer")]),
        ("We train ViT (vision transformer) on images.", [("ViT", "vision transformer")]),
        ("Hidden Markov models (HMMs; Rabiner 1989) are used.", [("HMMs", "Hidden Markov models")]),
        ("We use k-nearest neighbours (k-NN) here.", [("k-NN", "k-nearest neighbours")]),
        (
            "Quadratic Growth (QG) and Polyak-Lojasiewicz (PL) conditions.",
            [("QG", "Quadratic Growth"), ("PL", "Polyak-Lojasiewicz")],
        ),
    ],
)
def test_definitions(nlp, text, expected):
    assert pairs(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The results are consistent (see Fig. 2) across runs.",
        "This was shown before (2019) by others.",
        "The gain is significant (p < 0.05) in all settings.",
        "We make two points: (i) speed and (ii) accuracy.",
        "Our method (ours) is best.",
        "Strong pretrained encoders (e.g., transformers) help.",
        "A model (Smith et al., 2020) was used.",
    ],
)
def test_not_definitions(nlp, text):
    assert pairs(nlp, text) == []


def test_uses_include_plurals_and_modifiers_but_not_other_names(nlp):
    doc = nlp("A Vision Transformer (ViT) is strong. ViTs and ViT-based models help, ViT-2 and ViT-B differ.")
    assert [u.text for u in doc._.abbreviation_mentions] == ["ViT", "ViTs", "ViT"]


def test_unknown_definition_labelled_from_its_head_noun(nlp):
    doc = nlp("We propose a novel Moment Probing (MP) method. MP is fast.")
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ents == [("Moment Probing", "METHOD"), ("MP", "METHOD"), ("MP", "METHOD")]


def test_entity_trimming(nlp):
    # Determiners and punctuation never start or end an entity; "(ViT)" is its own mention.
    doc = nlp("The ResNet-50, and the transformers.")
    assert [e.text for e in doc.ents] == ["ResNet-50", "transformers"]


def test_model_labels_on_later_uses_reach_the_definition(nlp):
    # A trained NER may miss the definition and tag only later uses: the label still reaches the long form.
    doc = nlp.make_doc("Supervised dictionary learning (SDL) is old. We apply SDL here.")
    for name in ("kg_sentencizer", "kg_abbreviations"):
        doc = nlp.get_pipe(name)(doc)
    later = [t.i for t in doc if t.text == "SDL"][-1]
    doc.ents = [Span(doc, later, later + 1, label="METHOD")]
    cleanup = EntityCleanup(nlp, "cleanup", guess_abbreviation_labels=False, labels=["METHOD"])
    assert [(e.text, e.label_) for e in cleanup(doc).ents] == [
        ("Supervised dictionary learning", "METHOD"),
        ("SDL", "METHOD"),
        ("SDL", "METHOD"),
    ]


def test_helper_labels_from_a_model_never_reach_mentions(nlp):
    doc = nlp.make_doc("We use BERT with a margin loss.")
    doc = nlp.get_pipe("kg_sentencizer")(doc)
    doc.ents = [Span(doc, 2, 3, label="METHOD"), Span(doc, 5, 7, label="OTHERTERM")]
    assert [(e.text, e.label_) for e in nlp.get_pipe("kg_entity_cleanup")(doc).ents] == [("BERT", "METHOD")]
