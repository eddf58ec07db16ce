"""DaskExtractor: the Extractor interface (`extract(papers) -> records in input order`) backed by a cluster.

The driver cuts the paper stream into partitions, submits each as one task and keeps at most
`in_flight` partitions outstanding, so memory holds a few partitions whatever the corpus size. Results
come back in input order, so pipeline.build and extract_stream consume them unchanged and the graph
is the one a local build makes. A worker that dies takes its task with it: the scheduler gives the
partition to another worker (`retries` more times); after that the build stops with PartitionFailedError
and the output file is left as it was (the save happens only after extraction).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from kg.distributed.worker import extract_partition
from kg.models import Paper, PaperExtraction


class PartitionFailedError(RuntimeError):
    """A partition could not be extracted on the cluster, even after its retries."""


class DaskExtractor:
    """Extract papers on a dask.distributed cluster, one task per partition, results in input order."""

    def __init__(
        self,
        client: Any,
        model: str | Path | None = None,
        *,
        vocab_file: str | Path | None = None,
        partition_size: int = 128,
        in_flight: int | None = None,
        retries: int = 2,
        batch_size: int = 64,
        on_partition: Callable[[int, int], None] | None = None,
    ) -> None:
        self.client = client
        self.model = str(model) if model else None
        self.vocab_file = str(vocab_file) if vocab_file else None
        self.partition_size = partition_size
        # two partitions per worker thread keep every worker busy while the driver reads ahead
        self.in_flight = in_flight or max(2, 2 * sum(client.nthreads().values()))
        self.retries = retries
        self.batch_size = batch_size
        self.on_partition = on_partition  # (partition number, papers in it), after it came back

    def partitions(self, papers: Iterable[Paper]) -> Iterator[list[Paper]]:
        """The paper stream cut into lists of partition_size papers."""
        it = iter(papers)
        while chunk := list(islice(it, self.partition_size)):
            yield chunk

    def extract(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        """One PaperExtraction per paper, lazily, in input order."""
        pending: deque[tuple[int, Any]] = deque()
        try:
            for number, chunk in enumerate(self.partitions(papers)):
                pending.append((number, self._submit(number, chunk)))
                if len(pending) >= self.in_flight:
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        finally:
            for _, future in pending:  # a stopped consumer (error, Ctrl-C) leaves no work on the cluster
                future.cancel()

    def _submit(self, number: int, chunk: list[Paper]) -> Any:
        payload = [p.model_dump(exclude_defaults=True) for p in chunk]
        return self.client.submit(
            extract_partition,
            payload,
            self.model,
            self.vocab_file,
            self.batch_size,
            key=f"kg-extract-{number}-{id(self):x}",
            retries=self.retries,
            pure=False,
        )

    def _collect(self, number: int, future: Any) -> list[PaperExtraction]:
        try:
            records = future.result()
        except Exception as exc:  # KilledWorker, a lost scheduler, an error inside extraction
            raise PartitionFailedError(
                f"partition {number} failed on the Dask cluster after {self.retries} retries: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            future.release()
        out = [PaperExtraction.model_validate(r) for r in records]
        if self.on_partition is not None:
            self.on_partition(number, len(out))
        return out
