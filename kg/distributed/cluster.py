"""Which Dask cluster `--dask` names: `local[:N]` (a LocalCluster of N processes) or a scheduler address."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

EXTRA = "paper-kg[dask]"
_LOCAL = re.compile(r"^local(?::(?P<n>\d+))?$")


class DaskMissingError(ValueError):
    """dask.distributed is not installed: the message names the extra to install."""


@dataclass(frozen=True)
class DaskSpec:
    """A parsed --dask value: a LocalCluster of `workers` processes, or a scheduler `address`."""

    address: str | None
    workers: int = 0


def parse_dask_spec(value: str) -> DaskSpec:
    """`local`, `local:N` or a scheduler address (tcp://host:8786, host:8786)."""
    value = value.strip()
    if match := _LOCAL.match(value):
        workers = int(match["n"]) if match["n"] else max(1, min(os.cpu_count() or 1, 4))
        if workers < 1:
            raise ValueError("--dask local:N needs N >= 1 workers")
        return DaskSpec(None, workers)
    if not value or value.startswith("local"):
        raise ValueError(f"--dask {value!r}: use local, local:N or a scheduler address such as tcp://host:8786")
    return DaskSpec(value if "://" in value else f"tcp://{value}")


def require_distributed() -> Any:
    """The dask.distributed module, or one clear error naming the extra."""
    try:
        import distributed
    except ImportError as exc:
        raise DaskMissingError(
            f"--dask needs dask.distributed, which is not installed: pip install '{EXTRA}' ({exc})"
        ) from None
    return distributed


@contextmanager
def open_client(value: str) -> Iterator[Any]:
    """A distributed.Client for a --dask value; a LocalCluster it started is closed on exit."""
    spec = parse_dask_spec(value)
    distributed = require_distributed()
    if spec.address is not None:
        with distributed.Client(spec.address) as client:
            yield client
        return
    # processes=True: spaCy holds the GIL, so only processes use more than one core;
    # one thread per worker: each worker process runs one partition at a time with its own pipeline.
    with (
        distributed.LocalCluster(
            n_workers=spec.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
