"""spaCy components of the extraction pipeline; importing this package registers their factories."""

from kg.extract.components.abbreviations import AbbreviationDetector
from kg.extract.components.entity_cleanup import EntityCleanup
from kg.extract.components.lexicon_ner import LexiconRecognizer
from kg.extract.components.relations import RelationTyper
from kg.extract.components.sentences import AbstractSentencizer
from kg.extract.components.vocab_matcher import VocabularyMatcher

__all__ = [
    "AbbreviationDetector",
    "AbstractSentencizer",
    "EntityCleanup",
    "LexiconRecognizer",
    "RelationTyper",
    "VocabularyMatcher",
]
