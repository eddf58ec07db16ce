"""Static word vectors from the corpora's raw text: PPMI + truncated SVD (numpy only).

    python training/vectors.py [--raw training/corpus/raw_text.txt] [--out training/corpus/vectors]
                               [--vocab 12000] [--dim 64] [--window 4]

Reads the whitespace-tokenised raw text written by convert.py (SciERC/TDMSci/SciREX train text and
PwC train titles/abstracts; no dev or test text), counts lower-cased co-occurrences within a window
(weighted 1/distance), applies positive PMI with context smoothing 0.75, and keeps the top singular
vectors (U * sqrt(S), rows L2-normalised). Saves a blank spaCy pipeline holding only the vectors,
keyed by LOWER, for `[initialize] vectors`.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", type=Path, default=HERE / "corpus" / "raw_text.txt")
    ap.add_argument("--out", type=Path, default=HERE / "corpus" / "vectors")
    ap.add_argument("--vocab", type=int, default=12000)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.time()
    cased = args.raw.read_text(encoding="utf-8").split()
    counts_cased = Counter(cased)
    tokens = [t.lower() for t in cased]
    del cased
    counts = Counter(tokens)
    vocab = [w for w, c in counts.most_common(args.vocab) if c >= 3]
    index = {w: i for i, w in enumerate(vocab)}
    V = len(vocab)
    ids = np.fromiter((index.get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))
    print(f"{len(tokens):,} tokens, vocab {V:,} ({time.time() - t0:.0f}s)", flush=True)
    M = np.zeros(V * V, dtype=np.float64)
    for d in range(1, args.window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        flat = a[ok] * V + b[ok]
        M += np.bincount(flat, minlength=V * V) / d
        flat = b[ok] * V + a[ok]
        M += np.bincount(flat, minlength=V * V) / d
    M = M.reshape(V, V).astype(np.float32)
    print(f"co-occurrence counted ({time.time() - t0:.0f}s)", flush=True)
    total = M.sum()
    row = M.sum(axis=1, keepdims=True)
    col = M.sum(axis=0, keepdims=True) ** 0.75
    col = col / col.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log(M / total + 1e-30) - np.log(row / total + 1e-30) - np.log(col + 1e-30)
    del M
    pmi[~np.isfinite(pmi)] = 0.0
    np.maximum(pmi, 0.0, out=pmi)
    # randomized truncated SVD
    rng = np.random.default_rng(args.seed)
    k = args.dim + 16
    Y = pmi @ rng.standard_normal((V, k)).astype(np.float32)
    for _ in range(3):
        Q, _r = np.linalg.qr(Y)
        Y = pmi @ (pmi.T @ Q)
    Q, _r = np.linalg.qr(Y)
    B = Q.T @ pmi
    Ub, S, _vt = np.linalg.svd(B, full_matrices=False)
    U = (Q @ Ub)[:, : args.dim]
    vecs = U * np.sqrt(S[: args.dim])[None, :]
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-8
    print(f"SVD done ({time.time() - t0:.0f}s)", flush=True)

    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.blank("en")
    # Keys are matched on ORTH (the attr of a spaCy Vectors table is not saved with a pipeline), so
    # every casing seen in the raw text ("BLEU", "Translation") points at its lower-case row.
    vectors = Vectors(strings=nlp.vocab.strings, shape=(V, args.dim))
    vectors.data[:] = vecs.astype(np.float32)
    for i, w in enumerate(vocab):
        vectors.add(w, row=i)
    n_variants = 0
    for form, c in counts_cased.items():
        row = index.get(form.lower())
        if row is not None and form != form.lower() and c >= 2:
            vectors.add(form, row=row)
            n_variants += 1
    print(f"{n_variants} cased variants mapped", flush=True)
    nlp.vocab.vectors = vectors
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    # nearest-neighbour sanity check
    for w in ("bleu", "lstm", "imagenet", "translation", "accuracy"):
        if w in index:
            sims = vecs @ vecs[index[w]]
            print(w, "->", [vocab[j] for j in np.argsort(-sims)[1:8]])
    print(f"saved {V} x {args.dim} vectors to {args.out} ({time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
