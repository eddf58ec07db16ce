"""Papers in, PaperExtraction records out: streaming, in input order, offsets into title and abstract."""

from __future__ import annotations

import multiprocessing as mp
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch
from threadpoolctl import threadpool_limits

from kg.extract.components.abbreviations import abbreviation_map
from kg.extract.components.sentences import TITLE_SEPARATOR
from kg.extract.components.util import remember_text, sentence_token_starts
from kg.extract.pipeline import build_pipeline
from kg.models import EntityLabel, Mention, Paper, PaperExtraction, Relation

__all__ = ["Extractor", "compose_text", "doc_to_extraction", "extract_jsonl_record"]


def compose_text(paper: Paper) -> str:
    """The text the pipeline sees: title, separator, abstract (the abstract starts at len(title) + 2)."""
    return f"{paper.title}{TITLE_SEPARATOR}{paper.abstract}" if paper.title else paper.abstract


def doc_to_extraction(paper: Paper, doc: Doc) -> PaperExtraction:
    """Map a processed doc back to the paper: sentences, mentions with field offsets, relations."""
    offset = len(paper.title) + len(TITLE_SEPARATOR) if paper.title else 0
    has_title = bool(paper.title)
    bounds = sentence_token_starts(doc).tolist()
    sents = [doc[a:b] for a, b in zip(bounds, [*bounds[1:], len(doc)], strict=True)]
    sentences: list[str] = []
    for k, sent in enumerate(sents):
        if has_title and k == 0:
            sentences.append(paper.title)
        else:
            sentences.append(paper.abstract[sent.start_char - offset : sent.end_char - offset])
    starts = [s.start for s in sents]
    shorts = {short: long.text for short, long in abbreviation_map(doc).items()}
    longs = {long.lower(): short for short, long in shorts.items()}
    mentions = []
    for ent in doc.ents:
        in_title = has_title and ent.start_char < offset
        base = 0 if in_title else offset
        text = ent.text
        long_form = shorts.get(text) or (shorts.get(text[:-1]) if text.endswith("s") else None)
        mentions.append(
            Mention(
                field="title" if in_title else "abstract",
                start=ent.start_char - base,
                end=ent.end_char - base,
                text=text,
                label=cast(EntityLabel, ent.label_),  # the pipeline's labels are the entity labels
                confidence=ent._.confidence,
                sentence=max(bisect_right(starts, ent.start) - 1, 0),
                long_form=long_form,
                short_form=None if long_form else longs.get(text.lower()),
            )
        )
    relations = []
    for hit in doc._.relations:
        tail = mentions[hit.tail]
        relations.append(
            Relation(
                type=hit.type,
                head=hit.head,
                tail=hit.tail,
                evidence=sentences[tail.sentence] if sentences else "",
                confidence=hit.confidence,
                cue=hit.cue if hit.head is None else None,
            )
        )
    return PaperExtraction(paper_id=paper.id, sentences=sentences, mentions=mentions, relations=relations)


def extract_jsonl_record(extraction: PaperExtraction) -> dict:
    """The `kg extract --jsonl` line for one paper (head None = the paper itself)."""
    return {
        "paper_id": extraction.paper_id,
        "mentions": [
            {
                "field": m.field,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": m.label,
                "confidence": m.confidence,
            }
            for m in extraction.mentions
        ],
        "relations": [
            {"type": r.type, "head": r.head, "tail": r.tail, "evidence": r.evidence, "confidence": r.confidence}
            for r in extraction.relations
        ],
    }


class Extractor:
    """Runs the extraction pipeline over papers with nlp.pipe (one process) or a pool of worker processes."""

    def __init__(
        self,
        model: str | Path | Language | None = None,
        *,
        batch_size: int = 64,
        n_process: int = 1,
        vocab_file: str | Path | None = None,
    ) -> None:
        self.model = model
        self.vocab_file = vocab_file
        self.nlp = model if isinstance(model, Language) else build_pipeline(model, vocab_file=vocab_file)
        self.batch_size = batch_size
        self.n_process = n_process

    def extract(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        """One PaperExtraction per paper, lazily, in input order."""
        if self.n_process > 1:
            return self._extract_parallel(papers)
        return self._extract(self.nlp, papers, self.batch_size)

    def extract_one(self, paper: Paper) -> PaperExtraction:
        """Extraction for a single paper."""
        return next(self._extract(self.nlp, [paper], 1))

    @staticmethod
    def _extract(nlp: Language, papers: Iterable[Paper], batch_size: int) -> Iterator[PaperExtraction]:
        pending: deque[Paper] = deque()

        def docs() -> Iterator[Doc]:
            # nlp.pipe reads ahead of what it yields, so queued papers line up with docs in order.
            # The text is known here; caching it spares the components Doc.text's walk over every token.
            for paper in papers:
                pending.append(paper)
                text = compose_text(paper)
                yield remember_text(nlp.make_doc(text), text)

        for doc in nlp.pipe(docs(), batch_size=batch_size):
            yield doc_to_extraction(pending.popleft(), doc)

    def _extract_parallel(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        # Not nlp.pipe(n_process=...): it ships every Doc back through Doc.to_bytes/from_bytes, which costs as
        # much as the whole lexicon pipeline (measured 4-5x slower than this on 2 cores). Workers here return
        # the small PaperExtraction records instead, and at most 2 batches per worker are in flight.
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        # Forked workers inherit the built pipeline; spawned ones rebuild it from the model argument.
        seed = self.nlp if ctx.get_start_method() == "fork" or isinstance(self.model, Language) else self.model
        with ctx.Pool(
            self.n_process, initializer=_init_worker, initargs=(seed, self.batch_size, self.vocab_file)
        ) as pool:
            in_flight: deque = deque()
            for batch in minibatch(papers, self.batch_size):
                in_flight.append(pool.apply_async(_extract_batch, (batch,)))
                if len(in_flight) >= 2 * self.n_process:
                    yield from in_flight.popleft().get()
            while in_flight:
                yield from in_flight.popleft().get()


_worker_nlp: Language | None = None
_worker_batch_size = 64
_worker_blas_limit: threadpool_limits | None = None


def _init_worker(seed: Language | str | Path | None, batch_size: int, vocab_file: str | Path | None = None) -> None:
    """Pool initializer: the pipeline each worker process uses."""
    global _worker_nlp, _worker_batch_size, _worker_blas_limit
    # The workers already fill the cores: BLAS threads of their own would only contend for them.
    _worker_blas_limit = threadpool_limits(limits=1)
    _worker_nlp = seed if isinstance(seed, Language) else build_pipeline(seed, vocab_file=vocab_file)
    _worker_batch_size = batch_size


def _extract_batch(batch: list[Paper]) -> list[PaperExtraction]:
    """Worker task: extractions for one batch of papers."""
    assert _worker_nlp is not None
    return list(Extractor._extract(_worker_nlp, batch, _worker_batch_size))
