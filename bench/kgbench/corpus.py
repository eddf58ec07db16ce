"""Synthetic corpora (bench/generate.py) on disk, and reading them back."""

from __future__ import annotations

import json
from pathlib import Path

import generate  # noqa: E402  (bench/generate.py)

from kgbench.rows import REPO, out_dir


# corpora
def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def corpus_path(size: int, seed: int) -> Path:
    return out_dir() / f"corpus-{size}-s{seed}.jsonl"


def ensure_corpus(size: int, seed: int) -> Path:
    path = corpus_path(size, seed)
    generate.write_corpus(path, size, seed)  # always rewritten (seconds): never a stale corpus
    return path


def read_records(path: Path, limit: int | None = None) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if limit is not None and len(out) >= limit:
                break
    return out


def words_of(rec: dict) -> int:
    """Words extraction reads: whitespace tokens of title + abstract."""
    return len(rec["title"].split()) + len(rec["abstract"].split())


def corpus_words(path: Path) -> int:
    total = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            total += words_of(json.loads(line))
    return total
