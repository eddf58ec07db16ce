"""A stack sampler that `kg build` loads at start-up when bench puts this folder on PYTHONPATH.

Python imports `sitecustomize` by itself, so the build runs unchanged. With BENCH_STAGE_SAMPLER=STEM
set, a daemon thread looks at the main thread's stack every 50 ms, files the sample under a stage
(read, extract, resolve, graph, save, imports, ...) by the innermost kg module on the stack, and at
exit writes STEM.<pid>.json: samples and peak RSS per stage, the hottest functions, a timeline.
Worker processes the build spawns inherit the variable but do not sample (BENCH_SAMPLER_CHILD).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from types import CodeType, FrameType
from typing import Any

INTERVAL_S = 0.05
STAGES = (
    ("/kg/ingest/", "read"), ("/kg/extract/", "extract"), ("/kg/resolve/", "resolve"),
    ("/kg/graph/build", "graph"), ("/kg/graph/store", "save"),
)  # fmt: skip


def short_name(code: CodeType) -> str:
    """'kg/extract/pipeline.py:run' rather than an absolute path that names this machine."""
    path = code.co_filename.replace("\\", "/")
    for cut in ("site-packages/", "lib/python3"):
        if cut in path:
            return f"{path.split(cut, 1)[1]}:{code.co_name}"
    if "/kg/" in path:
        return f"kg/{path.rsplit('/kg/', 1)[1]}:{code.co_name}"
    return f"{path}:{code.co_name}"


def classify(frame: FrameType | None) -> tuple[str, str, str]:
    """(stage, innermost function, innermost kg function) of one stack."""
    codes: list[CodeType] = []
    while frame is not None:
        codes.append(frame.f_code)
        frame = frame.f_back
    codes.reverse()
    # a module body running is an import, not its stage's work ("import kg.graph.build" loading networkx)
    stage = next(
        (name for code in codes if code.co_name != "<module>" for needle, name in STAGES if needle in code.co_filename),
        None,
    )
    if stage is None:
        if any("importlib._bootstrap" in c.co_filename for c in codes):
            stage = "imports"
        elif any("/kg/pipeline" in c.co_filename for c in codes):
            stage = "pipeline (other)"
        elif any("/kg/" in c.co_filename for c in codes):
            stage = "cli (other)"
        else:
            stage = "startup/exit"
    inner = short_name(codes[-1]) if codes else "?"
    kg_inner = next((short_name(c) for c in reversed(codes) if "/kg/" in c.co_filename), "-")
    return stage, inner, kg_inner


class StageSampler:
    """Samples one thread's stack until the process exits, then writes what it saw to STEM.<pid>.json."""

    def __init__(self, stem: str) -> None:
        self.stem = stem
        self.pid = os.getpid()
        self.thread_id = threading.get_ident()
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.data: dict[str, Any] = {"interval": INTERVAL_S, "stages": {}, "funcs": {}, "timeline": []}
        self.started = time.perf_counter()

    def rss(self) -> int:
        """Resident set size of this process now (bytes)."""
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self.page

    def record(self, frame: FrameType) -> None:
        """File one sample of `frame` under its stage."""
        stage, inner, kg_inner = classify(frame)
        rss, now = self.rss(), time.perf_counter() - self.started
        seen = self.data["stages"].setdefault(
            stage, {"samples": 0, "first": now, "last": now, "rss_max": 0, "rss_enter": rss}
        )
        seen["samples"] += 1
        seen["last"] = now
        seen["rss_max"] = max(seen["rss_max"], rss)
        key = f"{stage} | {inner} | {kg_inner}"
        self.data["funcs"][key] = self.data["funcs"].get(key, 0) + 1
        timeline = self.data["timeline"]
        if not timeline or timeline[-1][1] != stage or now - timeline[-1][0] > 2:
            timeline.append((round(now, 2), stage, rss))

    def loop(self) -> None:
        """Sample every INTERVAL_S until the process forks away or exits."""
        while True:
            time.sleep(INTERVAL_S)
            if os.getpid() != self.pid:
                return
            frame = sys._current_frames().get(self.thread_id)
            if frame is not None:
                try:
                    self.record(frame)
                except Exception:  # a stack that changed under us: skip this sample
                    continue

    def dump(self) -> None:
        """Write the samples (at exit, in the sampled process only)."""
        if os.getpid() != self.pid:
            return
        self.data["wall"] = time.perf_counter() - self.started
        import resource

        self.data["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        with open(f"{self.stem}.{self.pid}.json", "w") as handle:
            json.dump(self.data, handle)


def install() -> StageSampler | None:
    """Start sampling when BENCH_STAGE_SAMPLER names an output stem (not in spawned workers)."""
    stem = os.environ.get("BENCH_STAGE_SAMPLER")
    if not stem or os.environ.get("BENCH_SAMPLER_CHILD"):
        return None
    os.environ["BENCH_SAMPLER_CHILD"] = "1"  # spawned extraction workers must not sample
    sampler = StageSampler(stem)
    threading.Thread(target=sampler.loop, name="bench-sampler", daemon=True).start()
    atexit.register(sampler.dump)
    return sampler


install()
