"""The shipped ML vocabulary: tasks, datasets, methods and metrics with aliases and knowledge links."""

from kg.vocab.load import VocabError, load_vocabulary, shipped_vocab_path
from kg.vocab.records import VocabEntry

__all__ = ["VocabEntry", "VocabError", "load_vocabulary", "shipped_vocab_path"]
