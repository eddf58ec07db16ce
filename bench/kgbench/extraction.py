"""Extraction throughput against spaCy baselines, and a per-component profile."""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections import Counter

from kgbench.rows import REPO, NotAvailable, short_exc


# extraction and baselines (in process)
def phrase_terms(records: list[dict], want: int = 3000) -> tuple[list[str], str]:
    """A few thousand terms: the extraction lexicon when there is one, topped up with corpus phrases."""
    import re

    terms: dict[str, None] = {}
    source = []
    lexdir = REPO / "kg" / "extract" / "lexicon"
    if lexdir.is_dir():
        for path in sorted(lexdir.iterdir()):
            with contextlib.suppress(Exception):
                text = path.read_text(encoding="utf-8")
                if path.suffix in (".jsonl",):
                    for line in text.splitlines():
                        if line.strip():
                            rec = json.loads(line)
                            pat = rec.get("pattern") or rec.get("name") or rec.get("text")
                            if isinstance(pat, str):
                                terms.setdefault(pat, None)
                            for a in rec.get("aliases", []) if isinstance(rec, dict) else []:
                                terms.setdefault(a, None)
                elif path.suffix in (".txt", ".tsv", ".csv"):
                    for line in text.splitlines():
                        t = line.split("\t")[0].split(",")[0].strip()
                        if t and not t.startswith("#"):
                            terms.setdefault(t, None)
        if terms:
            source.append(f"{len(terms)} lexicon terms")
    n_lex = len(terms)
    # acronyms and Capitalised multi-word phrases from the corpus, most frequent first
    counts: Counter[str] = Counter()
    pat = re.compile(r"\b(?:[A-Z][A-Za-z0-9\-]+(?: [A-Z][A-Za-z0-9\-]+){1,3}|[A-Z]{2,}[A-Za-z0-9\-]*)\b")
    for rec in records:
        counts.update(pat.findall(rec["abstract"]))
    for term, _ in counts.most_common():
        if len(terms) >= want:
            break
        terms.setdefault(term, None)
    if len(terms) > n_lex:
        source.append(f"{len(terms) - n_lex} corpus phrases")
    return list(terms), " + ".join(source)


BASELINE_PASSES = 3


def time_tokenizer(texts: list[str]) -> float:
    """Best of BASELINE_PASSES timed passes after one warm-up pass (tokenizer cache and vocab warm)."""
    import spacy

    nlp = spacy.blank("en")
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    best = math.inf
    for _ in range(BASELINE_PASSES):
        t0 = time.perf_counter()
        for _ in nlp.tokenizer.pipe(texts, batch_size=256):
            pass
        best = min(best, time.perf_counter() - t0)
    return best


def time_phrasematcher(texts: list[str], terms: list[str]) -> float:
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("TERM", list(nlp.tokenizer.pipe(terms)))
    for doc in nlp.tokenizer.pipe(texts, batch_size=256):  # same warm-up as the tokenizer baseline
        matcher(doc)
    best = math.inf
    for _ in range(BASELINE_PASSES):
        t0 = time.perf_counter()
        for doc in nlp.tokenizer.pipe(texts, batch_size=256):
            matcher(doc)
        best = min(best, time.perf_counter() - t0)
    return best


def to_papers(records: list[dict]) -> list:
    from kg.models import Paper

    return [Paper(id=r["id"], title=r["title"], abstract=r["abstract"], year=r.get("year")) for r in records]


def describe_extractor() -> str:
    model = REPO / "kg" / "extract" / "model"
    with contextlib.suppress(Exception):
        from kg.extract import has_trained_model

        if has_trained_model():
            return "trained NER model (kg/extract/model)"
        return "lexicon recogniser (no kg/extract/model yet)"
    if (model / "meta.json").exists() or (model / "config.cfg").exists():
        return "trained NER model (kg/extract/model)"
    return "lexicon recogniser (no kg/extract/model yet)"


def extractor_class():
    try:
        from kg.extract import Extractor
    except Exception as exc:  # ImportError while kg/extract is being written, or a broken module
        raise NotAvailable(f"kg.extract.Extractor not importable ({short_exc(exc, 120)})") from exc
    return Extractor


def time_extraction(papers: list, n_process: int) -> dict[str, float]:
    """Extract `papers` with n_process workers: total seconds (worker start-up included), time to the first
    record, and the steady-state rate after the first batch; plus mentions and relations found."""
    Extractor = extractor_class()
    ex = Extractor(None, n_process=n_process)
    # warm-up in this process (model load) so it is not timed; workers start inside the timed call
    for _ in Extractor(None, n_process=1).extract(papers[:20]):
        pass
    words = [len(p.title.split()) + len(p.abstract.split()) for p in papers]
    # Records come back a batch at a time: the steady state runs from the first record and counts the
    # words of everything after that first batch.
    first_batch = min(len(papers) - 1, ex.batch_size)
    t0 = time.perf_counter()
    t_first = None
    mentions = relations = 0
    for rec in ex.extract(papers):
        if t_first is None:
            t_first = time.perf_counter()
        mentions += len(rec.mentions)
        relations += len(rec.relations)
    end = time.perf_counter()
    total = end - t0
    steady_words = sum(words[first_batch:])
    steady_s = end - (t_first or t0)
    steady = steady_words / steady_s if len(papers) >= 4 * first_batch and steady_s > 0 else sum(words) / total
    return {
        "seconds": total,
        "first_batch_s": (t_first or t0) - t0,
        "steady_words_per_s": steady,
        "mentions": mentions,
        "relations": relations,
    }


def component_profile(papers: list) -> dict[str, float]:
    """Share of single-process extraction time per spaCy component (finds the spaCy Language in Extractor)."""
    import spacy

    Extractor = extractor_class()
    ex = Extractor(None, n_process=1)
    nlp = None
    for value in vars(ex).values():
        if isinstance(value, spacy.Language):
            nlp = value
            break
    if nlp is None:
        for name in dir(ex):
            with contextlib.suppress(Exception):
                value = getattr(ex, name)
                if isinstance(value, spacy.Language):
                    nlp = value
                    break
    if nlp is None:
        return {}
    texts = [f"{p.title}\n{p.abstract}" for p in papers]
    for _ in ex.extract(papers):  # warm-up: tokenizer cache, vocab, lexicon, like a long run
        pass
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = [nlp.make_doc(t) for t in texts]
    timings["tokenizer"] = time.perf_counter() - t0
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=64))
        else:
            docs = [proc(d) for d in docs]
        timings[name] = time.perf_counter() - t0
    # the rest of Extractor.extract (relations, records) = full single-process time minus the pipeline
    t0 = time.perf_counter()
    for _ in ex.extract(papers):
        pass
    full = time.perf_counter() - t0
    timings["extractor outside spaCy (sentences, relations, records)"] = max(0.0, full - sum(timings.values()))
    return timings
