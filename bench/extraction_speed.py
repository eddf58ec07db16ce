"""Extraction speed: words/s and abstracts/s for the tokenizer, the NER model and the full pipeline.

    python bench/extraction_speed.py [--texts FILE.jsonl] [--model kg/extract/model] [--repeat 3]

Texts: examples/seed_abstracts.jsonl (title + abstract per line) if present, else the SciERC dev
abstracts (gold tokens joined by spaces, PTB brackets undone). "words" are whitespace-separated words
of the input; spaCy tokens are printed too. Each measurement is the best of --repeat passes, after a
warm-up, with nlp.pipe(n_process=1) and nlp.pipe(n_process=2). Rows:
  tokenizer         spacy.blank("en") tokenizer only
  ner               the shipped model (tok2vec + ner) plus a sentencizer, as production runs it
  extractor         kg.extract.Extractor (full pipeline), when importable
Pin BLAS threads (OMP_NUM_THREADS=1 ...) for one-core numbers; this script sets them to 1 by default.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def load_texts(path: Path | None) -> tuple[list[str], str]:
    seed = path or REPO / "examples" / "seed_abstracts.jsonl"
    if seed.exists():
        texts = []
        for line in seed.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            text = " ".join(str(rec.get(k) or "") for k in ("title", "abstract")).strip()
            if text:
                texts.append(text)
        return texts, str(seed.relative_to(REPO) if seed.is_relative_to(REPO) else seed)
    data = Path(os.environ.get("KG_DATA_DIR", REPO.parent / "shared" / "data"))
    brackets = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "``": '"', "''": '"'}
    texts = []
    with open(data / "scierc" / "dev.json", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts.append(" ".join(brackets.get(t, t) for s in rec["sentences"] for t in s))
    return texts, "SciERC dev abstracts"


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock seconds and best CPU seconds of this process over ``repeat`` runs."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", type=Path)
    ap.add_argument("--model", type=Path, default=REPO / "kg" / "extract" / "model")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-words", type=int, default=100_000, help="replicate texts up to this many words")
    ap.add_argument("--procs", default="1,2")
    args = ap.parse_args(argv)

    import spacy

    base, source = load_texts(args.texts)
    texts = list(base)
    while sum(len(t.split()) for t in texts) < args.min_words:
        texts += base
    n_words = sum(len(t.split()) for t in texts)
    procs = [int(p) for p in args.procs.split(",")]
    print(f"texts: {source}: {len(base)} abstracts, replicated to {len(texts)} ({n_words:,} words)")
    print(f"spaCy {spacy.__version__}; model {args.model}")
    print("wall = elapsed time; cpu = this process's CPU time (1 process only: robust to other load)")
    print(f"{'pipeline':<12} {'proc':>4} {'words/s':>10} {'tokens/s':>10} {'abstracts/s':>12} {'cpu words/s':>12}")

    def report(name: str, n_proc: int, timing: tuple[float, float], n_tokens: int) -> None:
        seconds, cpu = timing
        cpu_col = f"{n_words / cpu:>12,.0f}" if n_proc == 1 and cpu > 0 else f"{'-':>12}"
        print(
            f"{name:<12} {n_proc:>4} {n_words / seconds:>10,.0f} {n_tokens / seconds:>10,.0f} "
            f"{len(texts) / seconds:>12,.1f} {cpu_col}",
            flush=True,
        )

    def bench_nlp(name: str, nlp) -> None:
        n_tokens = sum(len(d) for d in nlp.pipe(texts[:50]))  # warm-up
        n_tokens = sum(len(d) for d in nlp.tokenizer.pipe(texts))
        for n_proc in procs:

            def run(n_proc: int = n_proc) -> None:
                for _ in nlp.pipe(texts, batch_size=64, n_process=n_proc):
                    pass

            report(name, n_proc, timed(run, args.repeat if n_proc == 1 else 1), n_tokens)

    tok_nlp = spacy.blank("en")
    n_tokens = sum(len(d) for d in tok_nlp.tokenizer.pipe(texts))
    report("tokenizer", 1, timed(lambda: [None for _ in tok_nlp.tokenizer.pipe(texts)], args.repeat), n_tokens)

    if args.model.exists():
        from kg.extract.pipeline import load_model

        nlp = load_model(args.model)  # as production loads it (numpy's BLAS, not BLIS)
        if "sentencizer" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer", first=True)
        bench_nlp("ner", nlp)
    else:
        print(f"ner: no model at {args.model}")

    try:
        from kg.extract import Extractor
        from kg.models import Paper
    except Exception as exc:  # full pipeline not available (yet)
        print(f"extractor: not importable ({exc.__class__.__name__}: {exc})")
        return
    papers = [Paper(id=f"bench:{i}", title="", abstract=t) for i, t in enumerate(texts)]
    for n_proc in procs:
        try:
            ex = Extractor(args.model, n_process=n_proc)
            list(ex.extract(papers[:20]))

            def run(ex: Extractor = ex) -> None:
                for _ in ex.extract(papers):
                    pass

            report("extractor", n_proc, timed(run, args.repeat if n_proc == 1 else 1), n_tokens)
        except Exception as exc:
            print(f"extractor n_process={n_proc}: failed ({exc.__class__.__name__}: {exc})")


if __name__ == "__main__":
    main()
