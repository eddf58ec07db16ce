"""The shipped ML vocabulary: tasks, datasets, methods and metrics with aliases and knowledge links."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kg.vocab.link import VocabIndex, link, vocab_index
from kg.vocab.load import VocabError, load_vocabulary, shipped_vocab_path
from kg.vocab.records import VocabEntry

__all__ = ["VocabEntry", "VocabError", "VocabIndex", "link", "load_index", "load_vocabulary", "shipped_vocab_path"]


def load_index(user_file: Path | str | None = None) -> VocabIndex:
    """The linking index of the shipped vocabulary, extended or overridden by `user_file` (cached)."""
    user = Path(user_file) if user_file is not None else None
    mtime = user.stat().st_mtime if user is not None and user.exists() else -1.0
    return _index(str(user) if user else None, mtime)


@lru_cache(maxsize=4)
def _index(user_file: str | None, _mtime: float) -> VocabIndex:
    return vocab_index(load_vocabulary(user_file))
