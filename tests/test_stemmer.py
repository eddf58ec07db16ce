"""PyStemmer (snowballstemmer's C backend, a dependency for start-up time) stems as the pure-Python one.

Graph files store their papers' terms, and questions are stemmed at query time: a stem that differed
between the two backends would make a graph built with one answer differently under the other. Every
word of the shipped vocabulary, the seed lexicon and the sample abstracts is compared.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import Stemmer
from snowballstemmer.english_stemmer import EnglishStemmer

import kg.resolve.terms as terms
from kg.resolve.spelling import fold_word

REPO = Path(__file__).resolve().parents[1]
TEXTS = [
    REPO / "kg" / "vocab" / "data" / "ml_vocab.jsonl.gz",
    REPO / "kg" / "extract" / "lexicon" / "seed_lexicon.jsonl",
    REPO / "examples" / "seed_abstracts.jsonl",
]


def _words() -> set[str]:
    found: set[str] = set()
    for path in TEXTS:
        text = gzip.decompress(path.read_bytes()).decode("utf-8") if path.suffix == ".gz" else path.read_text("utf-8")
        found.update(fold_word(w[: terms.MAX_TERM_CHARS]) for w in terms.words(text))
    return found


def test_terms_use_the_c_stemmer():
    assert isinstance(terms._STEMMER, Stemmer.Stemmer)


def test_c_and_python_stems_agree_on_vocabulary_lexicon_and_sample():
    words = _words()
    assert len(words) > 10_000
    python, c = EnglishStemmer(), Stemmer.Stemmer("english")
    differ = [(w, python.stemWord(w), c.stemWord(w)) for w in sorted(words) if python.stemWord(w) != c.stemWord(w)]
    assert differ == []
