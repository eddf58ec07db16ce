"""Extraction: spaCy pipeline (registered components) turning titles and abstracts into mentions and relations."""

from kg.extract.extractor import Extractor, compose_text, doc_to_extraction, extract_jsonl_record
from kg.extract.pipeline import MODEL_DIR, build_lexicon_pipeline, build_pipeline, has_trained_model

__all__ = [
    "MODEL_DIR",
    "Extractor",
    "build_lexicon_pipeline",
    "build_pipeline",
    "compose_text",
    "doc_to_extraction",
    "extract_jsonl_record",
    "has_trained_model",
]
