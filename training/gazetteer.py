"""Gazetteer hints for the NER (experiment M_j_gazetteer): the names list and the kg_gazetteer component.

    python training/gazetteer.py [--data ../shared/data] [--out training/corpus/gazetteer.jsonl]

The component does not decide entities. It writes a BILU tag such as ``B-TASK`` / ``L-TASK`` on
``token.tag_`` for every token inside the longest known name, and the NER's tok2vec embeds ``TAG``
next to NORM/PREFIX/SUFFIX, so the model learns how far to trust a hint. The names ship inside the
model folder (``gazetteer/names.jsonl``). On dev it did not help (training/EXPERIMENTS.md), so the
shipped pipeline does not use it and it lives here, registered for training by components.py.

Building the names:

Sources, none of them span-annotated training text (names taken from the training corpora's own gold
spans would fire on every training mention and teach the NER to trust the hint blindly):
  - PwC SOTA *train* leaderboards: task -> TASK, dataset -> DATASET, metric -> METRIC; a name listed
    under several kinds keeps the kind it is listed under most often;
  - the project's hand-written seed lexicon (kg/extract/lexicon/seed_lexicon.jsonl; the only METHOD
    source).
Each name is also added without a trailing parenthetical ("... after stroke (ATLAS)" gives the long
name and "ATLAS") and, for datasets, without a trailing split word ("COCO test-dev" -> "COCO").
PwC names that are one common word ("test", "german", "time": among the COMMON_WORDS most frequent
words of training/corpus/raw_text.txt) are left out; the seed lexicon may still list such a word.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import filter_spans

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED_LEXICON = REPO / "kg" / "extract" / "lexicon" / "seed_lexicon.jsonl"
KINDS = {"task": "TASK", "dataset": "DATASET", "metric": "METRIC"}
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_SPLIT_WORDS = {"test", "dev", "val", "validation", "train", "test-dev", "test-std", "testdev", "full", "val2017"}
MIN_CHARS = 2
COMMON_WORDS = 2000


def name_forms(name: str, label: str) -> set[str]:
    """The name plus its variants without a parenthetical or (datasets) a trailing split word."""
    name = " ".join(name.split())
    forms = {name}
    paren = _PAREN.match(name)
    if paren:
        outer, inner = paren.group(1), paren.group(2)
        forms.add(outer)
        if re.fullmatch(r"[A-Za-z][\w\-]*[A-Z0-9][\w\-]*", inner):  # an acronym or coined name
            forms.add(inner)
    if label == "DATASET":
        for form in list(forms):
            words = form.split()
            if len(words) > 1 and words[-1].lower() in _SPLIT_WORDS:
                forms.add(" ".join(words[:-1]))
    return {f for f in forms if len(f) >= MIN_CHARS and not f.replace(".", "").isdigit()}


def pwc_name_forms(path: Path) -> Iterator[tuple[str, str]]:
    """(name form, label) for every name on the PwC train leaderboards, in file order and original case."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            for board in json.loads(line).get("leaderboards") or []:
                for key, label in KINDS.items():
                    value = board.get(key)
                    if value:
                        for form in name_forms(str(value), label):
                            yield form, label


def pwc_names(path: Path) -> dict[str, Counter]:
    """lower-cased name -> Counter of labels, over the PwC train leaderboards."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for form, label in pwc_name_forms(path):
        counts[form.lower()][label] += 1
    return counts


def common_words(raw_text: Path, top: int = COMMON_WORDS) -> set[str]:
    """The `top` most frequent lower-cased words of the raw training text (empty if it is missing)."""
    if not raw_text.exists():
        return set()
    counts: Counter = Counter()
    with open(raw_text, encoding="utf-8") as handle:
        for line in handle:
            counts.update(line.lower().split())
    return {word for word, _ in counts.most_common(top)}


def build_names(data_dir: Path, raw_text: Path = HERE / "corpus" / "raw_text.txt") -> list[dict]:
    """The gazetteer rows: seed lexicon first (its labels win), then PwC names by majority label."""
    rows: list[dict] = []
    seen: set[str] = set()
    with open(SEED_LEXICON, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                key = row["pattern"].lower()
                if key not in seen:
                    seen.add(key)
                    rows.append({"pattern": key, "label": row["label"]})
    common = common_words(raw_text)
    for key, labels in sorted(pwc_names(data_dir / "pwc_sota" / "train.jsonl").items()):
        if key not in seen and key not in common:
            seen.add(key)
            rows.append({"pattern": key, "label": labels.most_common(1)[0][0]})
    return rows


NAMES_FILE = "names.jsonl"
MAX_NAME_TOKENS = 8


class Gazetteer:
    """PhraseMatcher (lower-case) over {"pattern", "label"} names; writes BILU-label hints on token.tag_."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.names: dict[str, str] = {}

    def add_names(self, rows: Iterable[dict]) -> None:
        """Add names; a lower-cased pattern keeps the first label it was given."""
        fresh: dict[str, list[Doc]] = {}
        for row in rows:
            pattern, label = str(row["pattern"]).strip(), str(row["label"])
            key = pattern.lower()
            if not key or key in self.names:
                continue
            doc = self.nlp.make_doc(pattern)
            if len(doc) > MAX_NAME_TOKENS:
                continue
            self.names[key] = label
            fresh.setdefault(label, []).append(doc)
        for label, docs in fresh.items():
            self.matcher.add(label, docs)

    def __call__(self, doc: Doc) -> Doc:
        spans = filter_spans(self.matcher(doc, as_spans=True))
        for span in spans:
            label = span.label_
            if len(span) == 1:
                span[0].tag_ = f"U-{label}"
                continue
            span[0].tag_ = f"B-{label}"
            for token in span[1:-1]:
                token.tag_ = f"I-{label}"
            span[-1].tag_ = f"L-{label}"
        return doc

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        names: str | None = None,
    ) -> None:
        """Load the names from a JSONL file (`[initialize.components.<name>] names = ...`)."""
        if names is not None:
            self.names.clear()
            self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            self.add_names(read_names(names))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the names next to the other components' files."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with open(path / NAMES_FILE, "w", encoding="utf-8") as handle:
            for pattern, label in self.names.items():
                handle.write(json.dumps({"pattern": pattern, "label": label}) + "\n")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Gazetteer:
        """Read the names written by to_disk."""
        self.initialize(names=str(Path(path) / NAMES_FILE))
        return self


def read_names(path: str | Path) -> list[dict]:
    """Rows of a names JSONL file ({"pattern": ..., "label": ...} per line)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@Language.factory("kg_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    """Factory for the gazetteer hint component (names are loaded by initialize or from_disk)."""
    return Gazetteer(nlp, name)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KG_DATA_DIR", REPO.parent / "shared" / "data")))
    ap.add_argument("--out", type=Path, default=HERE / "corpus" / "gazetteer.jsonl")
    args = ap.parse_args(argv)
    rows = build_names(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    by_label = Counter(r["label"] for r in rows)
    print(f"{len(rows)} names -> {args.out} ({dict(sorted(by_label.items()))})")


if __name__ == "__main__":
    main()
