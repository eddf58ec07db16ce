"""Turn the shared gold corpora into spaCy DocBins under training/corpus/ (gitignored).

    python training/convert.py [--data ../shared/data] [--out training/corpus] [--scirex-frac 0.33]

Writes (labels METHOD, DATASET, TASK, METRIC; SciERC/SciREX Material -> DATASET):
  scierc_train.spacy        SciERC train, Generic/OtherScientificTerm tokens = O
  scierc_train_x.spacy      same, Generic/OtherScientificTerm kept as extra labels GENERIC/OTHERTERM
                            (dropped at output by the pipeline: see training/README.md)
  scierc_train_m.spacy      same, Generic/OtherScientificTerm tokens = missing (no supervision)
  scierc_dev.spacy          SciERC dev (scoring only)
  tdmsci_train.spacy        TDMSci train part (85%), untagged tokens = O
  tdmsci_train_mm.spacy     untagged tokens that look like methods (acronyms, known method names
                            from SciERC/SciREX train) = missing, other untagged tokens = O
  tdmsci_train_am.spacy     every untagged token = missing
  tdmsci_dev.spacy          TDMSci fixed dev: sentence index % 20 in {0, 1, 2} (never trained on)
  scirex_train.spacy        a seeded sample of SciREX train sentences (--scirex-frac of the
                            sentences with mentions, a tenth as many without), Material -> DATASET
  ml_train.spacy            ml_abstracts train.jsonl (hand-annotated in-domain abstracts) less the
                            held-out slice, strings -> token spans (training/ml_abstracts.py)
  ml_dev.spacy, ml_dev.jsonl  the seeded 60-abstract held-out slice (model selection; .jsonl in the
                            entities-dev format for `kg eval entities`)
  raw_text.txt              raw training text (SciERC/TDMSci/SciREX train, PwC train abstracts)
                            for the optional static vectors (training/vectors.py)
Nested gold spans keep the longest one. SciREX dev and the TDMSci dev part are never written to a
training file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # training/ml_abstracts.py


def _load_readers():
    # Load kg/eval/readers.py by path so conversion does not import the whole kg package.
    spec = importlib.util.spec_from_file_location("kg_eval_readers", REPO / "kg" / "eval" / "readers.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["kg_eval_readers"] = mod
    spec.loader.exec_module(mod)
    return mod


R = _load_readers()
EXTRA_MAP = {"Generic": "GENERIC", "OtherScientificTerm": "OTHERTERM"}
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Za-z0-9][A-Za-z0-9\-\.]*$")


def make_doc(nlp, words, spans, missing_spans=(), default="outside"):
    doc = Doc(nlp.vocab, words=words)
    ents = [Span(doc, s, e, label=lab) for s, e, lab in R.non_overlapping(spans)]
    taken = {i for s, e, _ in [(x.start, x.end, 0) for x in ents] for i in range(s, e)}
    miss_tok = sorted({i for s, e in missing_spans for i in range(s, e)} - taken)
    missing = []  # contiguous runs of missing tokens
    for i in miss_tok:
        if missing and missing[-1][1] == i:
            missing[-1][1] = i + 1
        else:
            missing.append([i, i + 1])
    missing = [Span(doc, s, e) for s, e in missing]
    doc.set_ents(ents, missing=missing, default=default)
    return doc


def save(docs, path: Path):
    db = DocBin(store_user_data=False)
    n_ents = Counter()
    for d in docs:
        db.add(d)
        n_ents.update(e.label_ for e in d.ents)
    db.to_disk(path)
    print(f"{path.name}: {len(db)} docs, {sum(len(d) for d in docs)} tokens, {dict(n_ents)}")


def method_lexicon(scierc_train, scirex_path: Path) -> set[tuple[str, ...]]:
    """Lower-cased token tuples of Method mentions in SciERC train and SciREX train."""
    counts: Counter = Counter()
    for d in scierc_train:
        for s, e, lab in d.spans:
            if lab == "Method":
                counts[tuple(w.lower() for w in d.words[s:e])] += 2
    for _, sents in R.read_scirex(scirex_path):
        for d in sents:
            for s, e, lab in d.spans:
                if lab == "Method" and e - s <= 6:
                    counts[tuple(w.lower() for w in d.words[s:e])] += 1
    return {k for k, c in counts.items() if c >= 2 and any(len(w) > 2 for w in k)}


def methodish_spans(words, gold, lexicon, max_len=6):
    """Untagged token runs that could be unannotated methods: lexicon matches and acronyms."""
    tagged = {i for s, e, _ in gold for i in range(s, e)}
    low = [w.lower() for w in words]
    out = []
    i = 0
    while i < len(words):
        hit = 0
        for n in range(min(max_len, len(words) - i), 0, -1):
            if tuple(low[i : i + n]) in lexicon and not any(j in tagged for j in range(i, i + n)):
                hit = n
                break
        if hit:
            out.append((i, i + hit))
            i += hit
            continue
        if i not in tagged and _ACRONYM.match(words[i]) and not words[i].isdigit():
            out.append((i, i + 1))
        i += 1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=R.data_dir())
    ap.add_argument("--out", type=Path, default=HERE / "corpus")
    ap.add_argument("--scirex-frac", type=float, default=0.33)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    data, out = args.data, args.out
    out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    with open(out / "raw_text.txt", "w", encoding="utf-8") as raw:
        # SciERC
        train = R.read_scierc(data / "scierc" / "train.json")
        dev = R.read_scierc(data / "scierc" / "dev.json")
        save([make_doc(nlp, d.words, d.mapped_spans(R.SCIERC_LABEL_MAP)) for d in train], out / "scierc_train.spacy")
        xmap = {**R.SCIERC_LABEL_MAP, **EXTRA_MAP}
        save([make_doc(nlp, d.words, d.mapped_spans(xmap)) for d in train], out / "scierc_train_x.spacy")
        save(
            [
                make_doc(
                    nlp,
                    d.words,
                    d.mapped_spans(R.SCIERC_LABEL_MAP),
                    missing_spans=[(s, e) for s, e, lab in d.spans if lab in EXTRA_MAP],
                )
                for d in train
            ],
            out / "scierc_train_m.spacy",
        )
        save([make_doc(nlp, d.words, d.mapped_spans(R.SCIERC_LABEL_MAP)) for d in dev], out / "scierc_dev.spacy")
        for d in train:
            raw.write(d.text + "\n")

        # TDMSci
        conll = data / "tdmsci" / "train_1500_v2.conll"
        ttrain = R.read_tdmsci(conll, "train")
        tdev = R.read_tdmsci(conll, "dev")
        lex = method_lexicon(train, data / "scirex" / "train.jsonl")
        print(f"method lexicon: {len(lex)} entries")
        save([make_doc(nlp, d.words, d.spans) for d in ttrain], out / "tdmsci_train.spacy")
        mm = []
        n_missing = 0
        for d in ttrain:
            ms = methodish_spans(d.words, d.spans, lex)
            n_missing += sum(e - s for s, e in ms)
            mm.append(make_doc(nlp, d.words, d.spans, missing_spans=ms))
        print(f"tdmsci method-ish missing tokens: {n_missing}")
        save(mm, out / "tdmsci_train_mm.spacy")
        save([make_doc(nlp, d.words, d.spans, default="missing") for d in ttrain], out / "tdmsci_train_am.spacy")
        save([make_doc(nlp, d.words, d.spans) for d in tdev], out / "tdmsci_dev.spacy")
        for d in ttrain:
            raw.write(d.text + "\n")

        # SciREX train: sample sentences
        rng = random.Random(args.seed)
        sample = []
        for _, sents in R.read_scirex(data / "scirex" / "train.jsonl"):
            for d in sents:
                if len(d.words) >= 4 and not (d.words[0] == "section" and d.words[1:2] == [":"]):
                    raw.write(d.text + "\n")
                if len(d.words) < 5 or len(d.words) > 80 or d.words[:2] == ["section", ":"]:
                    continue
                p = args.scirex_frac if d.spans else args.scirex_frac / 10
                if rng.random() < p:
                    sample.append(make_doc(nlp, d.words, d.mapped_spans(R.SCIREX_LABEL_MAP)))
        save(sample, out / "scirex_train.spacy")

        # ml_abstracts: hand-annotated in-domain abstracts (paper-level strings -> spans)
        ml_path = data / "ml_abstracts" / "train.jsonl"
        if ml_path.exists():
            import ml_abstracts as ML

            ml_train, ml_dev = ML.split(ML.read(ml_path))
            save([ML.record_doc(nlp, r) for r in ml_train], out / "ml_train.spacy")
            save([ML.record_doc(nlp, r) for r in ml_dev], out / "ml_dev.spacy")
            ML.write_entities_jsonl(ml_dev, out / "ml_dev.jsonl")

        # PwC train abstracts: raw text only (labels are paper-level, not spans)
        tok = nlp.tokenizer
        n = 0
        with open(data / "pwc_sota" / "train.jsonl", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                for key in ("title_latex", "abstract_latex"):
                    t = rec.get(key)
                    if t:
                        t = re.sub(r"\\[a-zA-Z]+\*?(\{[^}]*\})?|[{}$~]", " ", t)
                        raw.write(" ".join(w.text for w in tok(" ".join(t.split()))) + "\n")
                        n += 1
    print(f"raw_text.txt: + {n} PwC titles/abstracts")


if __name__ == "__main__":
    main()
