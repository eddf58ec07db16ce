"""`kg build` as a subprocess: wall time, peak RSS and the stage sampler's breakdown."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from kgbench.machine import LoadMeter
from kgbench.rows import REPO, NotAvailable, out_dir

# Holds sitecustomize.py, which Python imports at start-up: the sampler runs inside an unchanged `kg build`.
SAMPLER_SITE = Path(__file__).resolve().parent / "sampler"


def kg_executable() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "kg.cli"]


def run_build(corpus: Path, graph_out: Path, processes: int = 2, *, sample: bool = True) -> dict[str, Any]:
    """`kg build CORPUS -o GRAPH --processes N -q` as a subprocess; wall time, peak RSS, stage samples."""
    import psutil

    sampler_dir = out_dir() / "sampler"
    sampler_dir.mkdir(parents=True, exist_ok=True)
    stem = sampler_dir / f"stages-{graph_out.stem}"
    for old in sampler_dir.glob(f"{stem.name}.*.json"):
        old.unlink()
    env = dict(os.environ)
    if sample:
        env["PYTHONPATH"] = os.pathsep.join([str(SAMPLER_SITE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["BENCH_STAGE_SAMPLER"] = str(stem)
    env.pop("BENCH_SAMPLER_CHILD", None)
    graph_out.unlink(missing_ok=True)
    cmd = [*kg_executable(), "build", str(corpus), "-o", str(graph_out), "--processes", str(processes), "-q"]
    meter = LoadMeter()
    stderr_path = out_dir() / f"build-{graph_out.stem}.stderr"
    t0 = time.perf_counter()
    with stderr_path.open("w") as errfh:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errfh, env=env, cwd=str(REPO))
        ps = psutil.Process(proc.pid)
        peak_tree = peak_main = hwm = 0
        while proc.poll() is None:
            with contextlib.suppress(psutil.Error, OSError):
                procs = [ps, *ps.children(recursive=True)]
                tree = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        tree += p.memory_info().rss
                peak_tree = max(peak_tree, tree)
                peak_main = max(peak_main, ps.memory_info().rss)
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]) * 1024)
            time.sleep(0.2)
    wall = time.perf_counter() - t0
    other = meter.other_cores()
    err_text = stderr_path.read_text(errors="replace")
    if proc.returncode != 0:
        tail = [ln for ln in err_text.strip().splitlines() if ln.strip()][-1:] or ["(no stderr)"]
        if "ImportError" in tail[0] or "ModuleNotFoundError" in tail[0]:
            raise NotAvailable(f"kg build cannot run yet: {tail[0][:200]}")
        raise RuntimeError(f"kg build exited {proc.returncode}: {tail[0][:200]}")
    stages = {}
    files = sorted(sampler_dir.glob(f"{stem.name}.*.json"))
    if files:
        with contextlib.suppress(Exception):
            stages = json.loads(files[0].read_text())
    return {
        "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
        "wall_s": wall,
        "peak_rss_tree": peak_tree,
        "peak_rss_main": max(peak_main, hwm, stages.get("ru_maxrss", 0)),
        "graph_file_bytes": graph_out.stat().st_size if graph_out.exists() else 0,
        "other_cores": other,
        "stderr_tail": err_text.strip().splitlines()[-2:],
        "sampler": stages,
    }


def stage_breakdown(sampler: dict, wall: float) -> list[tuple[str, float, int]]:
    """(stage, seconds, max RSS) from the sampler, in order of first appearance."""
    stages = sampler.get("stages", {})
    total = sum(s["samples"] for s in stages.values()) or 1
    ordered = sorted(stages.items(), key=lambda kv: kv[1]["first"])
    return [(name, wall * s["samples"] / total, s["rss_max"]) for name, s in ordered]


def top_functions(sampler: dict, stage: str, n: int = 3) -> list[tuple[str, float]]:
    funcs = Counter()
    for key, count in sampler.get("funcs", {}).items():
        st, inner, kg_inner = key.split(" | ")
        if st == stage:
            funcs[kg_inner if kg_inner != "-" else inner] += count
    total = sum(funcs.values()) or 1
    return [(f, c / total) for f, c in funcs.most_common(n)]
