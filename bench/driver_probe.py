"""Where the millions-path driver's memory goes: RSS per stage of build_import and the size of each
structure that could grow with the corpus (issue 17's "driver memory stays flat").

    flock /work/heavy.lock .venv/bin/python bench/driver_probe.py 100000 [--out DIR]

Replays the stored records of bench/scale.py (bench/out/corpus-100000-s7.jsonl and
records-100000-s7.jsonl; make them with `bench/scale.py --memory-only --records-from GRAPH`) through
`build_import` in this process, with a thread sampling VmRSS every 50 ms labelled by the stage running,
and prints JSON: peak RSS per stage (MB), entries per table, stage seconds. A diagnostic, not a bench row.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import scale  # noqa: E402

from kg.distributed import stream  # noqa: E402
from kg.resolve import merge, partitioned  # noqa: E402


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


class Probe:
    """Peak RSS per labelled stage (sampled) and the last size reported for each table."""

    def __init__(self) -> None:
        self.stage = "start"
        self.peaks: dict[str, int] = {}
        self.sizes: dict[str, int] = {}
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), _rss_mb())
            time.sleep(0.05)

    def wrap(self, module: Any, name: str, sizes: Callable[[Any], dict[str, int]] | None = None) -> None:
        """Label the time inside module.name as its stage; record sizes of what it returns."""
        inner = getattr(module, name)

        @functools.wraps(inner)
        def probed(*args: Any, **kwargs: Any) -> Any:
            before, self.stage = self.stage, name
            out = inner(*args, **kwargs)
            if sizes is not None:
                self.sizes.update(sizes(out))
            self.stage = f"after {name}" if before == "start" or before.startswith("after ") else before
            return out

        setattr(module, name, probed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--out", type=Path, default=Path("/tmp/kg-driver-probe"))
    args = parser.parse_args(argv)
    probe = Probe()
    probe.wrap(partitioned, "name_table", lambda t: {"name keys": len(t.counts)})
    probe.wrap(partitioned, "decide", lambda m: {"canonical nodes": len(m.canon), "node entities": len(m.node_entity)})
    probe.wrap(
        partitioned,
        "votes_table",
        lambda v: {"vote occurrences": len(v.occurrences), "entities (resolved)": len(v.paper_counts)},
    )
    probe.wrap(stream, "plan_links", lambda p: {"link plan ids": len(p.new_id)})
    probe.wrap(stream, "finish_links", lambda r: {"entities (linked)": len(r.entities)})
    for name in ("_partition_graph", "_write_entities", "_write_edges", "_write_authors", "finish_import_folder"):
        probe.wrap(stream, name)
    out = REPO / "bench" / "out"
    summary = scale.driver_stream(
        out / "corpus-100000-s7.jsonl", out / "records-100000-s7.jsonl", args.size, args.out / f"probe-{args.size}"
    )
    for cache in (merge._key, merge._display_candidate, merge._prefixed):
        probe.sizes[f"cache {cache.__name__}"] = cache.cache_info().currsize
    print(
        json.dumps(
            {
                "size": args.size,
                "peak_rss_mb": summary["peak_rss"] // 2**20,
                "stage_s": summary["timings"],
                "stage_peak_rss_mb": dict(probe.peaks),
                "entries": probe.sizes,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
