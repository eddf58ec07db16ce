"""The machine a run measures on, and the CPU the rest of the machine used meanwhile."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from kgbench.rows import fmt_bytes


# machine and concurrent load
class LoadMeter:
    """CPU the rest of the machine used while a measurement ran (in cores), from /proc/stat deltas."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self._start = self._snap()

    def _snap(self) -> tuple[float, float, float]:
        t = self._psutil.cpu_times()
        busy = sum(t) - t.idle - getattr(t, "iowait", 0.0)
        own = os.times()
        return busy, own.user + own.system + own.children_user + own.children_system, time.monotonic()

    def other_cores(self, extra_own_cpu: float = 0.0) -> float:
        """Average cores busy outside this process and its waited-for children (Neo4j JVM counts here)."""
        busy, own, now = self._snap()
        b0, o0, t0 = self._start
        wall = max(now - t0, 1e-9)
        return max(0.0, ((busy - b0) - (own - o0) - extra_own_cpu) / wall)


def machine_info() -> dict[str, Any]:
    import psutil

    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "memory": fmt_bytes(psutil.virtual_memory().total),
        "cpu": platform.processor() or "?",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    for mod in ("spacy", "networkx", "pydantic", "neo4j"):
        with contextlib.suppress(Exception):
            info[mod if mod != "neo4j" else "neo4j_driver"] = __import__(mod).__version__
    with contextlib.suppress(Exception):
        info["java"] = subprocess.run(
            ["java", "-version"], capture_output=True, text=True, timeout=30
        ).stderr.splitlines()[0]
    return info
