"""Teacher-labelled PwC train abstracts for distilling a bigger NER into the shipped (fast) network.

    python training/pseudo_label.py TEACHER [TEACHER ...] [--n 4000] [--min-votes K]
                                    [--out training/corpus/pwc_pseudo.spacy]

Each abstract (LaTeX stripped as for raw_text.txt) is run through every teacher. A span becomes an
entity when at least K teachers (default: all) predict it with the same label, most votes first
where kept spans would overlap; tokens some teacher tags but no kept span covers are marked missing
(no supervision), every other token O. With one teacher that is plain self-training.
PwC train abstracts are unlabelled at span level and come from no dev or test split.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
_LATEX = re.compile(r"\\[a-zA-Z]+\*?(\{[^}]*\})?|[{}$~]")


def clean_latex(text: str) -> str:
    """PwC title/abstract LaTeX to plain text: commands and math delimiters removed, whitespace collapsed."""
    return " ".join(_LATEX.sub(" ", text).split())


def title_key(title: str) -> str:
    """A title compared across sources: lower case, non-word runs as one space."""
    return "title:" + " ".join(re.sub(r"\W+", " ", title.lower()).split())


def pwc_abstracts(path: Path, n: int, seed: int, exclude: set[str] = frozenset()) -> list[str]:
    """A seeded sample of n cleaned "title. abstract" texts from the PwC train file, less ``exclude``.

    ``exclude`` holds whitespace-collapsed abstracts and title keys (the hand-annotated ml_abstracts,
    whose held-out slice must not come back as teacher-labelled training text, and the sample corpus
    that the in-domain dev set annotates).
    """
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            abstract = rec.get("abstract_latex")
            if abstract and " ".join(abstract.split()) in exclude or title_key(rec.get("title_latex") or "") in exclude:
                continue
            if abstract and len(abstract.split()) >= 30:
                title = clean_latex(rec.get("title_latex") or "")
                texts.append(f"{title}. {clean_latex(abstract)}" if title else clean_latex(abstract))
    return random.Random(seed).sample(texts, min(n, len(texts)))


def voted_spans(views: list[set[tuple[int, int, str]]], min_votes: int) -> set[tuple[int, int, str]]:
    """Spans predicted by at least min_votes views; where kept spans overlap, the most-voted wins."""
    votes: Counter[tuple[int, int, str]] = Counter(span for view in views for span in view)
    kept: set[tuple[int, int, str]] = set()
    taken: set[int] = set()
    # most votes first, then longer spans, then position: deterministic
    for span, n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0][0] - kv[0][1], kv[0])):
        if n < min_votes:
            break
        tokens = set(range(span[0], span[1]))
        if not tokens & taken:
            kept.add(span)
            taken |= tokens
    return kept


def agreed_doc(vocab, docs, min_votes: int | None = None):
    """A Doc with the entities at least min_votes teachers (default all) agree on; other tagged tokens missing."""
    from spacy.tokens import Doc, Span

    first = docs[0]
    spans = [{(e.start, e.end, e.label_) for e in d.ents} for d in docs]
    agreed = voted_spans(spans, min_votes or len(spans))
    inside = {i for (a, b, _) in agreed for i in range(a, b)}
    disputed = {i for s in spans for (a, b, _) in s - agreed for i in range(a, b)} - inside
    out = Doc(vocab, words=[t.text for t in first], spaces=[bool(t.whitespace_) for t in first])
    out.set_ents(
        [Span(out, a, b, label=label) for a, b, label in sorted(agreed)],
        missing=[Span(out, i, i + 1) for i in sorted(disputed)],
        default="outside",
    )
    return out


def main(argv: list[str] | None = None) -> None:
    import components  # noqa: F401  (teachers may use kg_gazetteer or the product scorer)
    import spacy
    from spacy.tokens import Doc, DocBin

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("teachers", nargs="+", type=Path)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KG_DATA_DIR", REPO.parent / "shared" / "data")))
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--min-votes", type=int, help="teachers that must agree on a span (default: all)")
    ap.add_argument("--out", type=Path, default=HERE / "corpus" / "pwc_pseudo.spacy")
    ap.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="JSON lines whose abstracts are left out (e.g. ../shared/data/ml_abstracts/train.jsonl)",
    )
    args = ap.parse_args(argv)
    teachers = [spacy.load(t) for t in args.teachers]
    vocab = spacy.blank("en").vocab
    exclude: set[str] = set()
    for path in args.exclude:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    exclude |= {" ".join(rec.get("abstract", "").split()), title_key(rec.get("title", ""))}
    texts = pwc_abstracts(args.data / "pwc_sota" / "train.jsonl", args.n, args.seed, exclude)
    print(f"{len(exclude)} abstracts excluded", flush=True)
    base = teachers[0]
    docs = []
    n_ents = n_missing = 0
    for doc in base.pipe(texts, batch_size=64):
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        views = [doc] + [t(Doc(t.vocab, words=words, spaces=spaces)) for t in teachers[1:]]
        out = agreed_doc(vocab, views, args.min_votes)
        n_ents += len(out.ents)
        n_missing += sum(1 for t in out if t.ent_iob == 0)
        docs.append(out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(args.out)
    print(f"{len(docs)} abstracts, {n_ents} agreed entities, {n_missing} disputed tokens -> {args.out}")


if __name__ == "__main__":
    main()
