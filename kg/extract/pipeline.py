"""Build the extraction pipeline: the trained NER when present, else the lexicon recogniser."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import use_ops

import kg.extract.components  # noqa: F401  (registers the kg_* factories)
from kg.extract.components.lexicon_ner import SEED_LEXICON
from kg.extract.components.sentences import TITLE_SEPARATOR

MODEL_DIR = Path(__file__).resolve().parent / "model"

__all__ = [
    "MODEL_DIR",
    "SEED_LEXICON",
    "TITLE_SEPARATOR",
    "build_lexicon_pipeline",
    "build_pipeline",
    "has_trained_model",
    "load_model",
]


def has_trained_model(path: str | Path = MODEL_DIR) -> bool:
    """True when path holds a complete spaCy pipeline (a half-written training output does not count)."""
    return (Path(path) / "config.cfg").is_file() and (Path(path) / "meta.json").is_file()


def load_model(path: str | Path) -> Language:
    """spacy.load(path) with the model's matrix products done by numpy's BLAS instead of BLIS.

    The blis wheel falls back to its generic reference kernel on CPUs it does not recognise (3x slower
    matrix products on the machine the benchmarks ran on), while numpy's OpenBLAS picks its kernels by
    CPU features. Layers keep the ops they were built with, so this holds for the pipeline's lifetime;
    the products, and so the predictions, are the same.
    """
    with use_ops("numpy", use_blis=False):
        return spacy.load(path)


def build_pipeline(model: str | Path | None = None, *, vocab_file: str | Path | None = None) -> Language:
    """The extraction pipeline: sentencizer, NER (trained model or lexicon), vocabulary names the NER
    missed (shipped vocabulary, extended by `vocab_file`), abbreviations, cleanup, relations.

    With no model, kg/extract/model/ is used when it holds a pipeline, else the lexicon recogniser.
    """
    path = Path(model) if model is not None else MODEL_DIR
    if model is not None and not has_trained_model(path):
        raise FileNotFoundError(f"no spaCy pipeline at {path} (expected config.cfg and meta.json)")
    if not has_trained_model(path):
        return build_lexicon_pipeline()
    nlp = load_model(path)
    nlp.add_pipe("kg_sentencizer", first=True)
    after = "ner" if "ner" in nlp.pipe_names else nlp.pipe_names[-1]
    nlp.add_pipe("kg_vocab_matcher", after=after, config={"vocab_file": str(vocab_file) if vocab_file else None})
    nlp.add_pipe("kg_abbreviations", after="kg_vocab_matcher")
    # Only the model decides labels; guessing from head nouns would lower its precision.
    nlp.add_pipe(
        "kg_entity_cleanup",
        after="kg_abbreviations",
        config={"guess_abbreviation_labels": False, "vocab_file": str(vocab_file) if vocab_file else None},
    )
    nlp.add_pipe("kg_relations", after="kg_entity_cleanup")
    return nlp


def build_lexicon_pipeline(lexicons: list[str | Path] | None = None) -> Language:
    """The pipeline without a trained model: blank English + the lexicon recogniser (deterministic)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sentencizer")
    nlp.add_pipe("kg_lexicon_ner", config={"lexicons": [str(p) for p in lexicons or []]})
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_entity_cleanup", config={"guess_abbreviation_labels": True})
    nlp.add_pipe("kg_relations")
    return nlp
