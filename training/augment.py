"""Mention replacement: copies of a training DocBin whose entities are swapped for other names of the same label.

    python training/augment.py IN.spacy OUT.spacy [--copies 4] [--p 0.7] [--seed 0] [--pwc]

Every copy replaces each entity, with probability p, by a name drawn from the pool of its label: the
entity texts of the input file and, with --pwc, the PwC train leaderboard names of the same label.
Tokens marked missing stay missing and O stays O, so only the names change, never the supervision
around them. The aim is an NER that leans on the context ("... on the X benchmark") rather than on
names it has memorised, which a 1,300-sentence corpus like TDMSci invites.
"""

from __future__ import annotations

import argparse
import os
import random
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

Name = tuple[tuple[str, bool], ...]  # (word, followed by a space) per token


def name_pool(docs, extra: dict[str, list[Name]] | None = None) -> dict[str, list[Name]]:
    """label -> the distinct entity names of the docs (plus extra names), each as (word, space) tokens."""
    pool: dict[str, set[Name]] = defaultdict(set)
    for doc in docs:
        for ent in doc.ents:
            pool[ent.label_].add(tuple((t.text, bool(t.whitespace_)) for t in ent))
    for label, names in (extra or {}).items():
        pool[label].update(names)
    return {label: sorted(names) for label, names in pool.items()}


def replace_mentions(doc, pool: dict[str, list[Name]], p: float, rng: random.Random):
    """A copy of doc with each entity replaced, with probability p, by a random pool name of its label."""
    from spacy.tokens import Doc, Span

    words: list[str] = []
    spaces: list[bool] = []
    ents: list[tuple[int, int, str]] = []
    missing: list[int] = []
    starts = {ent.start: ent for ent in doc.ents}
    i = 0
    while i < len(doc):
        ent = starts.get(i)
        if ent is None:
            if doc[i].ent_iob == 0:
                missing.append(len(words))
            words.append(doc[i].text)
            spaces.append(bool(doc[i].whitespace_))
            i += 1
            continue
        names = pool.get(ent.label_)
        if names and rng.random() < p:
            name = list(rng.choice(names))
            # the last token keeps the original entity's trailing space
            name[-1] = (name[-1][0], bool(ent[-1].whitespace_))
        else:
            name = [(t.text, bool(t.whitespace_)) for t in ent]
        ents.append((len(words), len(words) + len(name), ent.label_))
        words.extend(w for w, _ in name)
        spaces.extend(s for _, s in name)
        i = ent.end
    out = Doc(doc.vocab, words=words, spaces=spaces)
    out.set_ents(
        [Span(out, a, b, label=label) for a, b, label in ents],
        missing=[Span(out, k, k + 1) for k in missing],
        default="outside",
    )
    return out


def pwc_name_pool(data_dir: Path, labels: set[str]) -> dict[str, list[Name]]:
    """PwC train leaderboard names by majority label, in their first-seen case, tokenised by spaCy."""
    import spacy
    from gazetteer import pwc_name_forms

    votes: dict[str, Counter] = defaultdict(Counter)
    cased: dict[str, str] = {}
    for form, label in pwc_name_forms(data_dir / "pwc_sota" / "train.jsonl"):
        votes[form.lower()][label] += 1
        cased.setdefault(form.lower(), form)
    tokenizer = spacy.blank("en").tokenizer
    pool: dict[str, list[Name]] = defaultdict(list)
    for key, counts in votes.items():
        label = counts.most_common(1)[0][0]
        if label in labels:
            pool[label].append(tuple((t.text, bool(t.whitespace_)) for t in tokenizer(cased[key])))
    return dict(pool)


def main(argv: list[str] | None = None) -> None:
    import spacy
    from spacy.tokens import DocBin

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inp", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--p", type=float, default=0.7, help="probability of replacing each entity")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pwc", action="store_true", help="add the PwC train leaderboard names to the pools")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KG_DATA_DIR", REPO.parent / "shared" / "data")))
    args = ap.parse_args(argv)
    vocab = spacy.blank("en").vocab
    docs = list(DocBin().from_disk(args.inp).get_docs(vocab))
    labels = {ent.label_ for doc in docs for ent in doc.ents}
    pool = name_pool(docs, pwc_name_pool(args.data, labels) if args.pwc else None)
    rng = random.Random(args.seed)
    out = [replace_mentions(doc, pool, args.p, rng) for _ in range(args.copies) for doc in docs]
    DocBin(docs=out, store_user_data=False).to_disk(args.out)
    sizes = ", ".join(f"{label} {len(names)}" for label, names in sorted(pool.items()))
    print(f"{len(docs)} docs x {args.copies} copies -> {args.out} (name pools: {sizes})")


if __name__ == "__main__":
    main()
