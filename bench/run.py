"""paper-kg benchmark: one table of throughput, latency and memory figures measured in one run.

    python bench/run.py              # full: 10k + 100k papers (< 30 min on 2 cores)
    python bench/run.py --quick      # small sizes (1k + 2k papers), < 2 min; CI smoke run
    python bench/run.py --json out.json

Every figure comes from this run on this machine, next to its baseline (spaCy's bare tokenizer, a blank
pipeline + PhraseMatcher, a bare Bolt round trip / UNWIND CREATE) and its target. A part of the project
that is missing or fails shows up as a "not available: <reason>" row; nothing is skipped silently.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)

MB = 1024 * 1024
GB = 1024 * MB

HELPERS = (
    "papers_using",
    "papers_using+task",
    "papers_proposing",
    "methods_for",
    "datasets_for",
    "tasks_for",
    "related_papers",
    "lookup",
    "stats",
)

TARGETS = {
    "build_large_s": 600.0,  # 100k abstracts < 10 min with 2 processes
    "extract_words_per_proc": 30_000.0,
    "neo4j_rels_per_s": 50_000.0,
    "bulk_records_per_s": 300_000.0,
    # issue 11: papers_using p95 < 5 ms embedded and < 30 ms on Neo4j at 100k papers
    "papers_using_p95_neo4j_ms": 30.0,
    "papers_using_p95_embedded_ms": 5.0,
    "embedded_rss_bytes": 1.5 * GB,
}


class NotAvailable(Exception):
    """A part of the project this row needs is missing (not written yet, or Java/Maven absent)."""


# ------------------------------------------------------------------------------------------------
# rows
@dataclass
class Row:
    name: str
    papers: int | None = None
    measured: str = ""
    baseline: str = ""
    target: str = ""
    status: str = ""  # met | MISSED | info | n/a | not available | failed
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)


ROW_NAMES = [
    "baseline: spaCy tokenizer",
    "baseline: blank + PhraseMatcher",
    "extraction, 1 process",
    "extraction, 2 processes",
    "kg build, small corpus",
    "kg build, large corpus",
    "embedded graph: load + queries RSS",
    "baseline: Bolt UNWIND CREATE",
    "Neo4j load (Bolt batches)",
    "Neo4j bulk import (neo4j-admin)",
    "baseline: embedded name lookup",
    *[f"query {h} [embedded]" for h in HELPERS],
    "baseline: Neo4j RETURN 1",
    *[f"query {h} [neo4j]" for h in HELPERS],
]


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def fmt_bytes(x: float) -> str:
    return f"{x / GB:.2f} GB" if x >= GB else f"{x / MB:.0f} MB"


def fmt_s(x: float) -> str:
    return f"{x / 60:.1f} min ({x:.0f} s)" if x >= 120 else f"{x:.1f} s"


def wall_share(part: float, whole: float) -> str:
    return f"{part:.0f}s ({part / whole:.0%})" if whole > 0 else f"{part:.0f}s"


def fmt_ms(x: float) -> str:
    if x < 0.1:
        return f"{x * 1000:.1f} µs"
    return f"{x:.2f} ms" if x < 10 else f"{x:.1f} ms"


def short_exc(exc: BaseException, limit: int = 240) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------
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
        info["java"] = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30).stderr.splitlines()[0]
    return info


# ------------------------------------------------------------------------------------------------
# corpora
def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def corpus_path(size: int, seed: int) -> Path:
    return OUT / f"corpus-{size}-s{seed}.jsonl"


def ensure_corpus(size: int, seed: int) -> Path:
    path = corpus_path(size, seed)
    generate.write_corpus(path, size, seed)  # always rewritten (seconds): never a stale corpus
    return path


def read_records(path: Path, limit: int | None = None) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if limit is not None and len(out) >= limit:
                break
    return out


def words_of(rec: dict) -> int:
    """Words extraction reads: whitespace tokens of title + abstract."""
    return len(rec["title"].split()) + len(rec["abstract"].split())


def corpus_words(path: Path) -> int:
    total = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            total += words_of(json.loads(line))
    return total


# ------------------------------------------------------------------------------------------------
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
    return {"seconds": total, "first_batch_s": (t_first or t0) - t0, "steady_words_per_s": steady,
            "mentions": mentions, "relations": relations}


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


# ------------------------------------------------------------------------------------------------
# kg build as a subprocess, with peak RSS and a stage sampler
SAMPLER_SRC = r'''
# Written by bench/run.py: a stack sampler loaded through sitecustomize into `kg build` (no code change).
import os, sys, threading, time, json, atexit
_out = os.environ.get("BENCH_STAGE_SAMPLER")
if _out and not os.environ.get("BENCH_SAMPLER_CHILD"):
    os.environ["BENCH_SAMPLER_CHILD"] = "1"   # spawned workers must not sample
    _pid = os.getpid()
    _main = threading.get_ident()
    _page = os.sysconf("SC_PAGE_SIZE")
    _STAGES = (("/kg/ingest/", "read"), ("/kg/extract/", "extract"), ("/kg/resolve/", "resolve"),
               ("/kg/graph/build", "graph"), ("/kg/graph/store", "save"))
    _data = {"interval": 0.05, "stages": {}, "funcs": {}, "timeline": []}
    _t0 = time.perf_counter()

    def _rss():
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _page

    def _short(code):
        fn = code.co_filename.replace("\\", "/")
        for cut in ("site-packages/", "/work/main/", "lib/python3"):
            if cut in fn:
                fn = fn.split(cut, 1)[1]
        return f"{fn}:{code.co_name}"

    def _classify(frame):
        codes = []
        while frame is not None:
            codes.append(frame.f_code)
            frame = frame.f_back
        codes.reverse()
        stage = None
        for code in codes:
            fn = code.co_filename
            for needle, name in _STAGES:
                if needle in fn:
                    stage = name
                    break
            if stage:
                break
        if stage is None:
            if any("importlib._bootstrap" in c.co_filename for c in codes):
                stage = "imports"
            elif any("/kg/pipeline" in c.co_filename for c in codes):
                stage = "pipeline (other)"
            elif any("/kg/" in c.co_filename for c in codes):
                stage = "cli (other)"
            else:
                stage = "startup/exit"
        inner = _short(codes[-1]) if codes else "?"
        kg_inner = next((_short(c) for c in reversed(codes) if "/kg/" in c.co_filename), "-")
        return stage, inner, kg_inner

    def _run():
        last = None
        while True:
            time.sleep(_data["interval"])
            if os.getpid() != _pid:
                return
            frame = sys._current_frames().get(_main)
            if frame is None:
                continue
            try:
                stage, inner, kg_inner = _classify(frame)
            except Exception:
                continue
            rss = _rss()
            t = time.perf_counter() - _t0
            s = _data["stages"].setdefault(stage, {"samples": 0, "first": t, "last": t, "rss_max": 0, "rss_enter": rss})
            s["samples"] += 1
            s["last"] = t
            s["rss_max"] = max(s["rss_max"], rss)
            key = stage + " | " + inner + " | " + kg_inner
            _data["funcs"][key] = _data["funcs"].get(key, 0) + 1
            if stage != last or len(_data["timeline"]) == 0 or t - _data["timeline"][-1][0] > 2:
                _data["timeline"].append((round(t, 2), stage, rss))
                last = stage

    def _dump():
        if os.getpid() != _pid:
            return
        _data["wall"] = time.perf_counter() - _t0
        try:
            import resource
            _data["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        except Exception:
            pass
        with open(f"{_out}.{_pid}.json", "w") as fh:
            json.dump(_data, fh)

    threading.Thread(target=_run, name="bench-sampler", daemon=True).start()
    atexit.register(_dump)
'''


def kg_executable() -> list[str]:
    exe = Path(sys.executable).parent / "kg"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "kg.cli"]


def run_build(corpus: Path, graph_out: Path, processes: int = 2, *, sample: bool = True) -> dict[str, Any]:
    """`kg build CORPUS -o GRAPH --processes N -q` as a subprocess; wall time, peak RSS, stage samples."""
    import psutil

    sampler_dir = OUT / "sampler"
    sampler_dir.mkdir(parents=True, exist_ok=True)
    (sampler_dir / "sitecustomize.py").write_text(SAMPLER_SRC)
    stem = sampler_dir / f"stages-{graph_out.stem}"
    for old in sampler_dir.glob(f"{stem.name}.*.json"):
        old.unlink()
    env = dict(os.environ)
    if sample:
        env["PYTHONPATH"] = os.pathsep.join([str(sampler_dir), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["BENCH_STAGE_SAMPLER"] = str(stem)
    env.pop("BENCH_SAMPLER_CHILD", None)
    graph_out.unlink(missing_ok=True)
    cmd = [*kg_executable(), "build", str(corpus), "-o", str(graph_out), "--processes", str(processes), "-q"]
    meter = LoadMeter()
    stderr_path = OUT / f"build-{graph_out.stem}.stderr"
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


# ------------------------------------------------------------------------------------------------
# query plan and latency
def pick_plan(graph, k: int) -> dict[str, list]:
    """Query arguments from the graph's most frequent entities (worst realistic cases)."""
    by_label: dict[str, list[tuple[int, str, str]]] = {"Method": [], "Dataset": [], "Task": [], "Metric": []}
    papers: list[str] = []
    for node, attrs in graph.nodes(data=True):
        label = attrs.get("label")
        if label in by_label:
            by_label[label].append((-int(attrs.get("paper_count", 0)), node, attrs.get("name", node)))
        elif label == "Paper":
            papers.append(node)
    for rows in by_label.values():
        rows.sort()
    pairs = []
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if key == "USED_FOR":
            pairs.append((-int(attrs.get("count", 0)), graph.nodes[u].get("name", u), graph.nodes[v].get("name", v)))
    pairs.sort()
    proposed = Counter()
    for u, v, key in graph.edges(keys=True):
        if key == "PROPOSES":
            proposed[graph.nodes[v].get("name", v)] += 1
    use_x = [n for _, _, n in (by_label["Method"][: k - k // 3] + by_label["Dataset"][: k // 3])]
    papers.sort()
    step = max(1, len(papers) // k)
    lookup = [n for lbl in ("Method", "Task", "Dataset", "Metric") for _, _, n in by_label[lbl][: max(1, k // 4)]]
    return {
        "papers_using": [[x] for x in use_x][:k],
        "papers_using+task": [[x, y] for _, x, y in pairs[:k]],
        "papers_proposing": [[x] for x, _ in proposed.most_common(k)],
        "methods_for": [[n] for _, _, n in by_label["Task"][:k]],
        "datasets_for": [[n] for _, _, n in by_label["Task"][:k]],
        "tasks_for": [[n] for _, _, n in by_label["Method"][:k]],
        "related_papers": [[p] for p in papers[::step][:k]],
        "lookup": [[n] for n in lookup[:k]],
        "stats": [[]],
    }


def call_helper(kg_, helper: str, args: list):
    if helper == "papers_using":
        return kg_.papers_using(args[0])
    if helper == "papers_using+task":
        return kg_.papers_using(args[0], task=args[1])
    return getattr(kg_, helper)(*args)


def time_queries(kg_, plan: dict[str, list], reps: int, budget_s: float) -> dict[str, dict]:
    """p50/p95 per helper over plan args x reps (at least one call per arg; capped by budget_s)."""
    out: dict[str, dict] = {}
    for helper in HELPERS:
        arg_list = plan.get(helper) or []
        if not arg_list:
            out[helper] = {"error": "no arguments found in the graph (no such entities/edges)"}
            continue
        times: list[tuple[float, int, str]] = []
        try:
            for args in arg_list:  # warm-up, untimed
                call_helper(kg_, helper, args)
            started = time.perf_counter()
            for rep in range(reps):
                for args in arg_list:
                    t0 = time.perf_counter()
                    res = call_helper(kg_, helper, args)
                    times.append(((time.perf_counter() - t0) * 1000, len(res) if hasattr(res, "__len__") else 0, " / ".join(map(str, args))))
                if time.perf_counter() - started > budget_s:
                    break
        except Exception as exc:
            out[helper] = {"error": short_exc(exc)}
            continue
        ms = sorted(t for t, _, _ in times)
        worst = max(times, key=lambda t: t[0])
        per_arg: dict[str, list[float]] = {}
        for t, _, a in times:
            per_arg.setdefault(a, []).append(t)
        out[helper] = {
            "calls": len(ms),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "max_ms": ms[-1],
            "slowest_arg": worst[2],
            "slowest_arg_median_ms": statistics.median(per_arg[worst[2]]),
            "results_slowest": worst[1],
        }
    return out


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def embedded_worker(graph_path: Path, out_path: Path, k: int, reps: int, budget_s: float) -> None:
    """Subprocess body: open the graph file like a user would, measure RSS and query latency."""
    import resource

    import psutil

    rss0 = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    from kg.api import KnowledgeGraph
    from kg.resolve import name_key

    imported = time.perf_counter()
    kg_ = KnowledgeGraph.load(graph_path)  # never touch kg_.papers / kg_.extractions: they load lazily
    loaded = time.perf_counter()
    import gc

    gc.collect()
    rss_loaded = psutil.Process().memory_info().rss
    peak_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    plan = pick_plan(kg_.graph, k)
    # baseline: the cheapest primitive, name_key + alias index lookup
    names = [a[0] for a in plan["lookup"]] or ["transformer"]
    access = kg_._access
    base = []
    for _ in range(max(20, reps * 10)):
        for n in names:
            t = time.perf_counter()
            access.match_entities(name_key(n), ("Method", "Dataset", "Task", "Metric"))
            base.append((time.perf_counter() - t) * 1000)
    base.sort()
    result = {
        "import_s": imported - t0,
        "load_s": loaded - imported,
        "rss_before": rss0,
        "rss_after_load": rss_loaded,
        "plan": plan,
        "baseline": {"p50_ms": percentile(base, 50), "p95_ms": percentile(base, 95), "calls": len(base)},
        "queries": time_queries(kg_, plan, reps, budget_s),
        "papers": sum(1 for _, lbl in kg_.graph.nodes(data="label") if lbl == "Paper"),
        "peak_during_load": peak_load,
        "nodes": kg_.graph.number_of_nodes(),
        "edges": kg_.graph.number_of_edges(),
    }
    result["fanout"] = fanout(kg_, plan)
    result["rss_after_queries"] = psutil.Process().memory_info().rss
    result["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["graph_memory"] = graph_memory(kg_.graph)
    out_path.write_text(json.dumps(result))


def graph_memory(graph) -> dict[str, int]:
    """Where the in-memory graph's bytes are: evidence sentences (per reference vs distinct), abstracts, edges."""
    refs = distinct_objs = 0
    ref_bytes = 0
    seen_ids: set[int] = set()
    texts: dict[str, int] = {}
    for _, _, attrs in graph.edges(data=True):
        for sentence in attrs.get("evidence", ()):
            refs += 1
            size = sys.getsizeof(sentence)
            if id(sentence) not in seen_ids:
                seen_ids.add(id(sentence))
                ref_bytes += size
                distinct_objs += 1
            texts.setdefault(sentence, size)
    abstracts = sum(sys.getsizeof(a.get("abstract", "")) + sys.getsizeof(a.get("title", ""))
                    for _, a in graph.nodes(data=True) if a.get("label") == "Paper")
    return {"evidence_refs": refs, "evidence_string_objects": distinct_objs, "evidence_distinct_texts": len(texts),
            "evidence_bytes_as_loaded": ref_bytes, "evidence_bytes_if_interned": sum(texts.values()),
            "paper_text_bytes": abstracts, "edges": graph.number_of_edges()}


def fanout(kg_, plan: dict) -> dict[str, dict]:
    """How much of the graph each papers_using argument touches: entities after IS_A, paper links, papers."""
    out = {}
    with contextlib.suppress(Exception):
        from kg.graph.schema import USE_TYPES

        engine = kg_._engine
        for args in plan.get("papers_using", []) + plan.get("papers_using+task", []):
            depth, _ = engine._expand(args[0], ("Method", "Dataset"))
            links = engine.access.paper_links(list(depth), USE_TYPES)
            out[args[0]] = {"entities": len(depth), "links": len(links), "papers": len({l.paper_id for l in links})}
    return out


def run_embedded(graph_path: Path, k: int, reps: int, budget_s: float) -> dict:
    out = OUT / f"embedded-{graph_path.stem}.json"
    out.unlink(missing_ok=True)
    meter = LoadMeter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "embedded", "--graph", str(graph_path),
           "--worker-out", str(out), "--k", str(k), "--reps", str(reps), "--budget", str(budget_s)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO))
    if proc.returncode != 0 or not out.exists():
        lines = [ln.strip() for ln in proc.stderr.strip().splitlines() if ln.strip()]
        tail = lines[-1] if lines else "(no stderr)"
        where = next((ln for ln in reversed(lines) if ln.startswith("File ")), "")
        if "ImportError" in tail or "ModuleNotFoundError" in tail:
            raise NotAvailable(f"query path cannot run yet: {tail[:200]}")
        raise RuntimeError(f"embedded query worker exited {proc.returncode}: {tail[:200]} ({where[:160]})")
    data = json.loads(out.read_text())
    data["other_cores"] = meter.other_cores()
    return data


# ------------------------------------------------------------------------------------------------
# Neo4j
class Neo4jBench:
    """The repo's own server (kg.neo4j.server): shared jar cache, a bench-only instance on free ports."""

    HEAP = "1g"
    PAGECACHE = "512m"

    def __init__(self, instance: Path) -> None:
        try:
            from kg.neo4j import server
        except ImportError as exc:
            raise NotAvailable(f"kg.neo4j.server not there yet ({short_exc(exc, 120)})") from exc
        self.server = server
        try:
            server.find_java()
        except Exception as exc:
            raise NotAvailable(f"Java not usable: {short_exc(exc, 160)}") from exc
        self.home = server.default_home()
        self.instance = instance
        self.info = None
        self.driver = None
        self.uri = None
        self.database = "neo4j"
        self.start_s = 0.0
        self.fetch_s = 0.0
        self.attempted = False

    def fetch(self) -> None:
        """One-time Maven download of the jars (not timed as part of any figure)."""
        if self.server.is_fetched(self.home, apoc=False):
            return
        try:
            self.server.find_maven()
        except Exception as exc:
            raise NotAvailable(f"Neo4j jars not fetched and Maven not usable: {short_exc(exc, 160)}") from exc
        t0 = time.perf_counter()
        self.server.fetch(self.home, apoc=False)
        self.fetch_s = time.perf_counter() - t0

    def start(self, fresh: bool = False) -> None:
        if fresh and self.instance.exists():
            shutil.rmtree(self.instance)
        self.instance.mkdir(parents=True, exist_ok=True)
        self.fetch()
        bolt, http = self.server.free_port(), self.server.free_port()
        while http == bolt:
            http = self.server.free_port()
        t0 = time.perf_counter()
        self.attempted = True
        self.info = self.server.start(self.home, bolt_port=bolt, http_port=http, instance_dir=self.instance,
                                      heap=self.HEAP, pagecache=self.PAGECACHE)
        self.start_s = time.perf_counter() - t0
        self.uri = self.info.uri
        from neo4j import GraphDatabase

        self.driver = GraphDatabase.driver(self.uri, auth=None)
        self.driver.verify_connectivity()

    def stop(self) -> None:
        if self.driver is not None:
            with contextlib.suppress(Exception):
                self.driver.close()
            self.driver = None
        if self.info is not None or self.attempted:  # also after a failed start: no half-started JVM left
            with contextlib.suppress(Exception):
                self.server.stop(self.home, instance_dir=self.instance)
            self.info = None
            self.attempted = False

    def admin(self, *args: str):
        return self.server.admin(self.home, *args, instance_dir=self.instance, heap=self.HEAP, check=False)

    def version(self) -> str:
        with contextlib.suppress(Exception):
            rec = self.driver.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                            "RETURN name, versions[0] AS v, edition", database_=self.database)
            r = rec.records[0]
            return f"{r['name']} {r['v']} {r['edition']}"
        return "?"

    def counts(self) -> tuple[int, int]:
        n = self.driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=self.database).records[0]["c"]
        r = self.driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=self.database).records[0]["c"]
        return n, r


def bolt_create_baseline(nb: Neo4jBench, n_rels: int, batch: int = 10_000) -> float:
    """Relationships/s for a bare UNWIND CREATE between fresh nodes (Bolt + storage cost, no MERGE)."""
    n_nodes = max(1000, n_rels // 5)
    d = nb.driver
    db = nb.database
    for i in range(0, n_nodes, batch):
        d.execute_query("UNWIND range($a, $b) AS i CREATE (:BenchTmp {i: i})", a=i, b=min(i + batch, n_nodes) - 1, database_=db)
    d.execute_query("CREATE INDEX bench_tmp IF NOT EXISTS FOR (n:BenchTmp) ON (n.i)", database_=db)
    d.execute_query("CALL db.awaitIndexes(300)", database_=db)
    import random

    rng = random.Random(1)
    rows = [{"a": rng.randrange(n_nodes), "b": rng.randrange(n_nodes)} for _ in range(n_rels)]
    t0 = time.perf_counter()
    for i in range(0, n_rels, batch):
        d.execute_query(
            "UNWIND $rows AS r MATCH (a:BenchTmp {i: r.a}), (b:BenchTmp {i: r.b}) CREATE (a)-[:BENCH_TMP]->(b)",
            rows=rows[i : i + batch], database_=db,
        )
    rate = n_rels / (time.perf_counter() - t0)
    with d.session(database=db) as session:  # CALL {} IN TRANSACTIONS needs an implicit transaction
        session.run("MATCH (n:BenchTmp) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    d.execute_query("DROP INDEX bench_tmp IF EXISTS", database_=db)
    return rate


def neo4j_load(nb: Neo4jBench, graph, batch_size: int) -> dict:
    try:
        from kg.neo4j.loader import load_graph_into_neo4j
    except Exception as exc:
        raise NotAvailable(f"kg.neo4j.loader not importable ({short_exc(exc, 120)})") from exc
    import kg.neo4j.loader as loader_mod

    phases: dict[str, list[float]] = {}
    original = getattr(loader_mod, "_run_batch", None)
    if original is not None:  # time each query shape (measurement only; the loader itself is unchanged)
        def timed(tx, query, rows, *a, **kw):
            t = time.perf_counter()
            try:
                return original(tx, query, rows, *a, **kw)
            finally:
                key = " ".join(query.split())[:110]
                entry = phases.setdefault(key, [0.0, 0, 0])
                entry[0] += time.perf_counter() - t
                entry[1] += 1
                entry[2] += len(rows)
        loader_mod._run_batch = timed
    meter = LoadMeter()
    t0 = time.perf_counter()
    try:
        summary = load_graph_into_neo4j(graph, nb.driver, database=nb.database, batch_size=batch_size, progress=False)
    finally:
        if original is not None:
            loader_mod._run_batch = original
    wall = time.perf_counter() - t0
    nodes, rels = nb.counts()
    return {"wall_s": wall, "nodes": nodes, "relationships": rels, "summary": str(summary),
            "summary_fields": _plain(summary),
            "graph_edges": graph.number_of_edges(), "graph_nodes": graph.number_of_nodes(),
            "phases": sorted(([k, *v] for k, v in phases.items()), key=lambda p: -p[1]),
            "other_cores": meter.other_cores()}


def _plain(obj: Any) -> dict:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    return {k: v for k, v in getattr(obj, "__dict__", {}).items() if isinstance(v, (int, float, str, dict))}


def neo4j_queries(nb: Neo4jBench, plan: dict, reps: int, budget_s: float) -> dict:
    try:
        from kg.api import KnowledgeGraph
        from kg.query.neo4j_backend import Neo4jAccess
    except Exception as exc:
        raise NotAvailable(f"kg.query.neo4j_backend not importable ({short_exc(exc, 120)})") from exc
    kg_ = KnowledgeGraph(Neo4jAccess(nb.driver, nb.database))
    base = []
    for _ in range(max(20, reps * 10)):
        t = time.perf_counter()
        nb.driver.execute_query("RETURN 1", database_=nb.database)
        base.append((time.perf_counter() - t) * 1000)
    base.sort()
    return {"baseline": {"p50_ms": percentile(base, 50), "p95_ms": percentile(base, 95), "calls": len(base)},
            "queries": time_queries(kg_, plan, reps, budget_s)}


def bulk_import(nb: Neo4jBench, graph, folder: Path) -> dict:
    try:
        from kg.neo4j.bulk import export_neo4j_import, read_import_arguments
    except Exception as exc:
        raise NotAvailable(f"kg.neo4j.bulk not importable ({short_exc(exc, 120)})") from exc
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    export_neo4j_import(graph, folder)
    export_s = time.perf_counter() - t0
    # the exporter's own argument list: database right after `full`, absolute file paths
    args = read_import_arguments(folder, nb.database)
    nb.stop()  # neo4j-admin import needs the database offline
    meter = LoadMeter()
    t0 = time.perf_counter()
    proc = nb.admin(*args)
    wall = time.perf_counter() - t0
    text = admin_output(proc)
    if getattr(proc, "returncode", 0) not in (0, None):
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("\tat ")]
        raise RuntimeError(f"neo4j-admin import exited {proc.returncode}: {' | '.join(lines[-2:])[:300]}")
    import re

    internal = None
    m = re.search(r"IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms", text)
    if m:
        internal = int(m.group(1) or 0) * 60 + int(m.group(2)) + int(m.group(3)) / 1000
    nodes = sum(1 for _ in graph.nodes)
    rels = graph.number_of_edges()
    stages = []
    for m in re.finditer(r"^\s*([A-Za-z][A-Za-z ]+?) COMPLETED in (?:(\d+)m )?(\d+)s (\d+)ms", text, re.M):
        stages.append((m.group(1), int(m.group(2) or 0) * 60 + int(m.group(3)) + int(m.group(4)) / 1000))
    return {"export_s": export_s, "wall_s": wall, "internal_s": internal, "records": nodes + rels, "nodes": nodes,
            "relationships": rels, "args": args, "other_cores": meter.other_cores(), "stages": stages,
            "output_tail": text.strip().splitlines()[-40:]}


def admin_output(proc: Any) -> str:
    if isinstance(proc, str):
        return proc
    parts = []
    for attr in ("stdout", "stderr"):
        v = getattr(proc, attr, None)
        if isinstance(v, bytes):
            v = v.decode(errors="replace")
        if v:
            parts.append(v)
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------
# the run
@dataclass
class Config:
    quick: bool
    seed: int
    small: int
    large: int
    extract_sample: int
    k: int
    reps: int
    query_budget_s: float
    neo4j: bool
    batch_size: int


def build_config(args) -> Config:
    if args.quick:
        cfg = Config(True, args.seed, 1000, 2000, 300, 3, 2, 2.0, not args.no_neo4j, 5000)
    else:
        cfg = Config(False, args.seed, 10_000, 100_000, 3000, 10, 10, 10.0, not args.no_neo4j, 5000)
    if args.small:
        cfg.small = args.small
    if args.large:
        cfg.large = args.large
    if args.extract_sample:
        cfg.extract_sample = args.extract_sample
    return cfg


class Runner:
    def __init__(self, cfg: Config, console) -> None:
        self.cfg = cfg
        self.console = console
        self.rows: dict[str, Row] = {name: Row(name) for name in ROW_NAMES}
        self.raw: dict[str, Any] = {}
        self._nb: Neo4jBench | None = None
        self._pool = None
        self._neo_future = None
        self.started = time.perf_counter()

    def log(self, msg: str) -> None:
        self.console.print(f"[dim]{time.perf_counter() - self.started:6.0f}s[/] {msg}", highlight=False)

    def unavailable(self, names: list[str], reason: str, status: str = "not available") -> None:
        for n in names:
            r = self.rows[n]
            if not r.status:
                r.status = status
                r.note = f"{status}: {reason}"

    @contextlib.contextmanager
    def stage(self, label: str, rows: list[str]) -> Iterator[None]:
        self.log(label)
        t0 = time.perf_counter()
        try:
            yield
        except NotAvailable as exc:
            self.unavailable(rows, str(exc))
            self.log(f"  not available: {exc}")
        except ImportError as exc:  # a part of the project not written yet
            self.unavailable(rows, f"part not there yet ({short_exc(exc, 160)})")
            self.log(f"  not available: {short_exc(exc)}")
        except Exception as exc:  # a broken part must not hide the other rows
            self.raw.setdefault("errors", {})[label] = traceback.format_exc()
            self.unavailable(rows, short_exc(exc), status="failed")
            self.log(f"  failed: {short_exc(exc)}")
        self.raw.setdefault("stage_seconds", {})[label] = round(time.perf_counter() - t0, 2)

    # --------------------------------------------------------------------------------------------
    def _start_neo4j(self) -> "Neo4jBench":
        nb = Neo4jBench(OUT / "neo4j-instance")
        self._nb = nb
        try:
            nb.start(fresh=True)
        except BaseException:
            nb.stop()
            raise
        return nb

    def run(self) -> None:
        try:
            self._run()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            if self._nb is not None:  # never leave a server behind, whatever happened
                self._nb.stop()

    def _run(self) -> None:
        cfg = self.cfg
        OUT.mkdir(parents=True, exist_ok=True)
        if cfg.quick and cfg.neo4j:
            # --quick overlaps the server's start-up with the other rows (smoke figures only)
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1)
            self._neo_future = self._pool.submit(self._start_neo4j)
        self.raw["machine"] = machine_info()
        self.raw["config"] = asdict(cfg)
        t0 = time.perf_counter()
        small = ensure_corpus(cfg.small, cfg.seed)
        large = ensure_corpus(cfg.large, cfg.seed)
        self.raw["corpus"] = {
            "small": {"path": rel(small), "papers": cfg.small, "words": corpus_words(small)},
            "large": {"path": rel(large), "papers": cfg.large, "words": corpus_words(large)},
            "generate_s": round(time.perf_counter() - t0, 2),
        }
        self.log(f"corpora ready ({self.raw['corpus']['generate_s']} s): {small.name}, {large.name}")
        self.extraction(large)
        self.builds(small, large)
        graph_path = OUT / f"graph-{cfg.large}.json.gz"
        plan = None
        with self.stage("embedded queries", ["embedded graph: load + queries RSS", "baseline: embedded name lookup",
                                             *[f"query {h} [embedded]" for h in HELPERS]]):
            if not graph_path.exists():
                raise NotAvailable(f"needs the {cfg.large:,}-paper graph, which `kg build` did not produce")
            plan = self.embedded(graph_path)
        neo_rows = ["baseline: Bolt UNWIND CREATE", "Neo4j load (Bolt batches)", "Neo4j bulk import (neo4j-admin)",
                    "baseline: Neo4j RETURN 1", *[f"query {h} [neo4j]" for h in HELPERS]]
        if not cfg.neo4j:
            self.unavailable(neo_rows, "skipped with --no-neo4j", status="n/a")
        else:
            self.neo4j(graph_path, plan, neo_rows)
        self.raw["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        self.raw["total_s"] = round(time.perf_counter() - self.started, 1)

    # --------------------------------------------------------------------------------------------
    def extraction(self, corpus: Path) -> None:
        cfg = self.cfg
        records = read_records(corpus, cfg.extract_sample)
        words = sum(words_of(r) for r in records)
        texts = [f"{r['title']}\n{r['abstract']}" for r in records]
        n = len(records)
        tok = pm = None
        with self.stage("baseline: tokenizer", ["baseline: spaCy tokenizer"]):
            meter = LoadMeter()
            s = time_tokenizer(texts)
            tok = words / s
            self.rows["baseline: spaCy tokenizer"] = Row(
                "baseline: spaCy tokenizer", n, f"{fmt_int(tok)} words/s · {fmt_int(n / s)} abstracts/s", "1.00×",
                "—", "info", f"spacy.blank('en').tokenizer.pipe, 1 process, best of {BASELINE_PASSES}; other load {meter.other_cores():.2f} cores",
                {"words_per_s": tok, "abstracts_per_s": n / s, "seconds": s, "words": words})
        with self.stage("baseline: PhraseMatcher", ["baseline: blank + PhraseMatcher"]):
            terms, source = phrase_terms(records)
            meter = LoadMeter()
            s = time_phrasematcher(texts, terms)
            pm = words / s
            self.rows["baseline: blank + PhraseMatcher"] = Row(
                "baseline: blank + PhraseMatcher", n, f"{fmt_int(pm)} words/s · {fmt_int(n / s)} abstracts/s",
                f"{pm / tok:.2f}× tokenizer" if tok else "", "—", "info",
                f"{len(terms):,} terms ({source}), attr=LOWER, 1 process, best of {BASELINE_PASSES}; other load {meter.other_cores():.2f} cores",
                {"words_per_s": pm, "abstracts_per_s": n / s, "seconds": s, "terms": len(terms)})
        papers = None
        with self.stage("extraction", ["extraction, 1 process", "extraction, 2 processes"]):
            papers = to_papers(records)
            model = describe_extractor()
            self.raw["extractor"] = model
            for nproc in (1, 2):
                name = f"extraction, {nproc} process" + ("es" if nproc > 1 else "")
                with self.stage(f"extraction n_process={nproc}", [name]):
                    meter = LoadMeter()
                    res = time_extraction(papers, nproc)
                    s, mentions, relations = res["seconds"], res["mentions"], res["relations"]
                    wps = words / s
                    steady = res["steady_words_per_s"]
                    per_proc = steady / nproc
                    ratio = " · ".join(x for x in (
                        f"{per_proc / tok:.3f}× tok" if tok else "", f"{per_proc / pm:.3f}× PM" if pm else "") if x)
                    target = TARGETS["extract_words_per_proc"]
                    met = per_proc >= target
                    status = ("met" if met else "MISSED") if not cfg.quick else "info"
                    other = meter.other_cores()
                    res["cores_left"] = max(0.0, (os.cpu_count() or 1) - other)
                    self.rows[name] = Row(
                        name, n, f"{fmt_int(steady)} words/s ({fmt_int(per_proc)}/proc) · {n / s:,.1f} abstracts/s",
                        ratio + " (per process)", f"≥ {fmt_int(target)} words/s per process", status,
                        f"{model}; steady state after the first batch of 64; incl. start-up "
                        f"{fmt_int(wps)} words/s ({res['first_batch_s']:.1f}s to first batch); "
                        f"{mentions / n:.1f} mentions, {relations / n:.1f} relations per abstract; "
                        f"other load {other:.2f} cores" + ("; target judged in the full run" if cfg.quick else ""),
                        {"words_per_s": steady, "words_per_s_per_process": per_proc, "words_per_s_incl_startup": wps,
                         "abstracts_per_s": n / s, "other_cores": other, **res},
                    )
            prof_rows = ["extraction, 1 process", "extraction, 2 processes"]
            if any(self.rows[r].status == "MISSED" for r in prof_rows):
                with self.stage("extraction component profile", []):
                    prof = component_profile(papers[: min(len(papers), 500)])
                    self.raw["extraction_components_s"] = prof
                    if prof:
                        total = sum(prof.values())
                        top = sorted(prof.items(), key=lambda kv: -kv[1])
                        cause = "time per component (1 process): " + ", ".join(
                            f"{k} {v / total:.0%}" for k, v in top[:4])
                        for r in prof_rows:
                            if self.rows[r].status == "MISSED":
                                v = self.rows[r].values
                                busy = ""
                                if v.get("other_cores", 0) > 0.3:
                                    busy = (f"other processes used {v['other_cores']:.2f} of {os.cpu_count()} cores "
                                            f"during this row, leaving {v['cores_left']:.2f} for "
                                            f"{2 if '2' in r else 1} workers; ")
                                self.rows[r].note = f"cause: {busy}{cause}; " + self.rows[r].note

    # --------------------------------------------------------------------------------------------
    def builds(self, small: Path, large: Path) -> None:
        cfg = self.cfg
        ext2 = self.rows["extraction, 2 processes"].values.get("words_per_s")
        tok = self.rows["baseline: spaCy tokenizer"].values.get("words_per_s")
        for name, corpus, size in (("kg build, small corpus", small, cfg.small), ("kg build, large corpus", large, cfg.large)):
            with self.stage(f"kg build {size:,} papers", [name]):
                graph_out = OUT / f"graph-{size}.json.gz"
                res = run_build(corpus, graph_out, 2)
                self.raw.setdefault("builds", {})[str(size)] = res
                words = self.raw["corpus"]["small" if corpus == small else "large"]["words"]
                wps = words / res["wall_s"]
                ratio = " · ".join(x for x in (
                    f"{wps / ext2:.2f}× extraction-2p" if ext2 else "", f"{wps / tok:.3f}× tok" if tok else "") if x)
                is_large = size == cfg.large and not cfg.quick
                target_ok = res["wall_s"] < TARGETS["build_large_s"] and res["peak_rss_main"] <= TARGETS["embedded_rss_bytes"]
                status = ("met" if target_ok else "MISSED") if size >= 100_000 else "info"
                breakdown = stage_breakdown(res["sampler"], res["wall_s"])
                parts = [f"{st} {sec:.0f}s" for st, sec, _ in breakdown if sec >= 0.5]
                note = (f"peak RSS main {fmt_bytes(res['peak_rss_main'])}, process tree {fmt_bytes(res['peak_rss_tree'])}; "
                        f"file {fmt_bytes(res['graph_file_bytes'])}; stages: {', '.join(parts) or 'n/a'}; "
                        f"other load {res['other_cores']:.2f} cores")
                if status == "MISSED":
                    note = "cause: " + self.build_cause(res, words, ext2) + "; " + note
                self.rows[name] = Row(
                    name, size, f"{fmt_s(res['wall_s'])} · peak RSS {fmt_bytes(res['peak_rss_main'])} · {fmt_int(wps)} words/s",
                    ratio, "< 10 min and ≤ 1.5 GB at 100k" if size >= 100_000 or is_large else "(target at 100k)",
                    status, note,
                    {"seconds": res["wall_s"], "peak_rss_main": res["peak_rss_main"], "peak_rss_tree": res["peak_rss_tree"],
                     "words_per_s": wps, "stages": breakdown, "other_cores": res["other_cores"]},
                )

    def build_cause(self, res: dict, words: int, ext2: float | None) -> str:
        parts = []
        breakdown = stage_breakdown(res["sampler"], res["wall_s"])
        if res["wall_s"] >= TARGETS["build_large_s"]:
            top = sorted(breakdown, key=lambda t: -t[1])[:3]
            desc = ", ".join(f"{st} {sec:.0f}s" for st, sec, _ in top)
            slowest = top[0][0] if top else None
            funcs = top_functions(res["sampler"], slowest) if slowest else []
            fdesc = ", ".join(f"{f} {share:.0%}" for f, share in funcs)
            parts.append(f"time goes to {desc}" + (f" (in {slowest}: {fdesc})" if fdesc else ""))
            if ext2:
                parts.append(f"extraction alone at the measured 2-process rate needs {words / ext2:.0f}s")
        if res["peak_rss_main"] > TARGETS["embedded_rss_bytes"]:
            growth = []
            prev = None
            for st, _, rss in breakdown:
                growth.append(f"{st} ≤{fmt_bytes(rss)}")
            parts.append("RSS by stage: " + ", ".join(growth))
        return "; ".join(parts) or "see stages"

    # --------------------------------------------------------------------------------------------
    def embedded(self, graph_path: Path) -> dict:
        cfg = self.cfg
        res = run_embedded(graph_path, cfg.k, cfg.reps, cfg.query_budget_s)
        self.raw["embedded"] = res
        size = cfg.large
        peak = res["ru_maxrss"]
        target = TARGETS["embedded_rss_bytes"]
        status = ("met" if peak <= target else "MISSED") if size >= 100_000 else "info"
        gm = res.get("graph_memory", {})
        note = (f"peak while loading {fmt_bytes(res['peak_during_load'])}, steady after load "
                f"{fmt_bytes(res['rss_after_load'])}, after queries {fmt_bytes(res['rss_after_queries'])} "
                f"(load {res['load_s']:.1f}s; {res['nodes']:,} nodes, {res['edges']:,} relationships)")
        if status == "MISSED":
            parts = []
            transient = res["peak_during_load"] - res["rss_after_load"]
            if transient > 100 * MB:
                parts.append(f"{fmt_bytes(transient)} transient while loading (the whole .json.gz payload, papers and "
                             f"extraction records included, is parsed before the graph is built)")
            if gm:
                parts.append(
                    f"evidence sentences {fmt_bytes(gm['evidence_bytes_as_loaded'])} as loaded: "
                    f"{gm['evidence_refs']:,} references, {gm['evidence_string_objects']:,} string objects for "
                    f"{gm['evidence_distinct_texts']:,} distinct sentences ({fmt_bytes(gm['evidence_bytes_if_interned'])} "
                    f"if shared); paper titles+abstracts {fmt_bytes(gm['paper_text_bytes'])}; the rest is networkx's "
                    f"dict-per-edge structure for {gm['edges']:,} edges")
            note = "cause: " + "; ".join(parts) + "; " + note
        self.rows["embedded graph: load + queries RSS"] = Row(
            "embedded graph: load + queries RSS", size, f"peak {fmt_bytes(peak)}", "—", "≤ 1.5 GB at 100k", status, note,
            {"ru_maxrss": peak, "rss_after_load": res["rss_after_load"], "load_s": res["load_s"],
             "peak_during_load": res["peak_during_load"], **gm})
        base = res["baseline"]
        self.rows["baseline: embedded name lookup"] = Row(
            "baseline: embedded name lookup", size, f"p50 {fmt_ms(base['p50_ms'])} · p95 {fmt_ms(base['p95_ms'])}",
            "1.00×", "—", "info", f"name_key + alias index (match_entities), {base['calls']} calls", base)
        self.query_rows(res["queries"], "embedded", base["p50_ms"], TARGETS["papers_using_p95_embedded_ms"], size)
        return res["plan"]

    def query_rows(self, queries: dict, backend: str, base_p50: float, pu_target: float, size: int) -> None:
        fan = self.raw.get("embedded", {}).get("fanout", {})
        for helper in HELPERS:
            name = f"query {helper} [{backend}]"
            q = queries.get(helper, {})
            if "error" in q:
                self.rows[name] = Row(name, size, status="failed", note=f"failed: {q['error']}")
                continue
            target, status = "—", "info"
            if helper in ("papers_using", "papers_using+task"):
                target = f"p95 < {pu_target:g} ms at 100k"
                status = ("met" if q["p95_ms"] < pu_target else "MISSED") if size >= 100_000 else "info"
            note = (f"{q['calls']} calls; slowest arg {q['slowest_arg']!r} (median {fmt_ms(q['slowest_arg_median_ms'])}, "
                    f"{q['results_slowest']} results)")
            if helper == "stats":
                note += "; excluded from latency targets"
            if status == "MISSED":
                x = q["slowest_arg"].split(" / ")[0]
                f = fan.get(x)
                papers_total = self.raw.get("embedded", {}).get("papers") or size
                cause = (f"{x!r} expands to {f['entities']} entities (itself + IS_A descendants), {f['links']:,} paper links, "
                         f"{f['papers']:,} papers ({f['papers'] / papers_total:.0%} of the corpus), all read and ranked "
                         f"on every call to return 20" if f else "frequent-entity arguments")
                note = f"cause: {cause}; {note}"
            self.rows[name] = Row(
                name, size, f"p50 {fmt_ms(q['p50_ms'])} · p95 {fmt_ms(q['p95_ms'])}",
                f"{q['p95_ms'] / base_p50:,.0f}× baseline p50" if base_p50 else "", target, status, note, q)

    # --------------------------------------------------------------------------------------------
    def neo4j(self, graph_path: Path, plan: dict | None, rows: list[str]) -> None:
        cfg = self.cfg
        nb = None
        graph = None
        with self.stage("Neo4j server", rows):
            if not graph_path.exists():
                raise NotAvailable(f"needs the {cfg.large:,}-paper graph, which `kg build` did not produce")
            from kg.graph.store import load_graph

            graph = load_graph(graph_path)
            if plan is None:
                plan = pick_plan(graph, cfg.k)
            nb = self._neo_future.result() if self._neo_future is not None else self._start_neo4j()
            self.raw["neo4j_version"] = nb.version()
            self.raw["machine"]["neo4j_server"] = self.raw["neo4j_version"]
            self.raw["neo4j_start_s"] = nb.start_s
            self.raw["neo4j_fetch_s"] = nb.fetch_s
            self.log(f"  {self.raw['neo4j_version']} up at {nb.uri} in {nb.start_s:.0f}s"
                     + (f" (after a one-time jar fetch of {nb.fetch_s:.0f}s)" if nb.fetch_s else ""))
        if nb is None or nb.driver is None:
            return
        try:
            n_edges = graph.number_of_edges()
            with self.stage("Bolt CREATE baseline", ["baseline: Bolt UNWIND CREATE"]):
                n = min(n_edges, 200_000 if not cfg.quick else 5_000)
                rate = bolt_create_baseline(nb, n)
                self.raw["bolt_create_rate"] = rate
                self.rows["baseline: Bolt UNWIND CREATE"] = Row(
                    "baseline: Bolt UNWIND CREATE", None, f"{fmt_int(rate)} relationships/s", "1.00×", "—", "info",
                    f"{n:,} rels, UNWIND MATCH-by-index CREATE, 10k rows/tx, then deleted", {"rels_per_s": rate})
            with self.stage("Neo4j load", ["Neo4j load (Bolt batches)"]):
                res = neo4j_load(nb, graph, cfg.batch_size)
                self.raw["neo4j_load"] = res
                rate = res["relationships"] / res["wall_s"]
                base = self.raw.get("bolt_create_rate")
                target = TARGETS["neo4j_rels_per_s"]
                status = ("met" if rate >= target else "MISSED") if cfg.large >= 100_000 else "info"
                note = (f"{res['relationships']:,} rels + {res['nodes']:,} nodes in {fmt_s(res['wall_s'])}, batch {cfg.batch_size}; "
                        f"{res['summary'][:120]}; other load (incl. Neo4j JVM) {res['other_cores']:.2f} cores")
                if res["relationships"] != res["graph_edges"]:
                    note += f"; WARNING graph has {res['graph_edges']:,} edges"
                if status == "MISSED":
                    batched = sum(p[1] for p in res["phases"])
                    top = "; ".join(f"{p[0][:70]}… {p[1]:.0f}s for {p[3]:,} rows ({p[3] / p[1]:,.0f}/s)"
                                    for p in res["phases"][:3] if p[1] > 0)
                    # the loader writes through parallel sessions: batch times can add up past the wall time
                    cause = (f"{wall_share(max(0.0, res['wall_s'] - batched), res['wall_s'])} outside the batches (schema, stale "
                             f"checks, planning); slowest query shapes: {top}") if res["phases"] else "see JSON"
                    phases = res.get("summary_fields", {}).get("phase_seconds") or {}
                    if phases:  # the loader's own split (batch times above exclude commits)
                        mode = res.get("summary_fields", {}).get("mode")
                        cause += ("; loader phases" + (f" ({mode} path)" if mode else "") + ": "
                                  + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
                    if base:
                        cause += f"; a bare UNWIND CREATE on this server does {fmt_int(base)} rels/s"
                    note = f"cause: {cause}; " + note
                self.rows["Neo4j load (Bolt batches)"] = Row(
                    "Neo4j load (Bolt batches)", cfg.large, f"{fmt_int(rate)} relationships/s",
                    f"{rate / base:.2f}× bare CREATE" if base else "", "≥ 50,000 rels/s", status, note,
                    {"rels_per_s": rate, **{k: v for k, v in res.items() if isinstance(v, (int, float))}})
            with self.stage("Neo4j queries", ["baseline: Neo4j RETURN 1", *[f"query {h} [neo4j]" for h in HELPERS]]):
                if self.rows["Neo4j load (Bolt batches)"].status in ("failed", "not available"):
                    raise NotAvailable("the graph was not loaded into Neo4j")
                res = neo4j_queries(nb, plan, cfg.reps, cfg.query_budget_s)
                self.raw["neo4j_queries"] = res
                base = res["baseline"]
                self.rows["baseline: Neo4j RETURN 1"] = Row(
                    "baseline: Neo4j RETURN 1", cfg.large, f"p50 {fmt_ms(base['p50_ms'])} · p95 {fmt_ms(base['p95_ms'])}",
                    "1.00×", "—", "info", f"driver.execute_query round trip, {base['calls']} calls", base)
                self.query_rows(res["queries"], "neo4j", base["p50_ms"], TARGETS["papers_using_p95_neo4j_ms"], cfg.large)
            with self.stage("Neo4j bulk import", ["Neo4j bulk import (neo4j-admin)"]):
                res = bulk_import(nb, graph, OUT / f"neo4j-import-{cfg.large}")
                self.raw["bulk_import"] = res
                rate = res["records"] / res["wall_s"]
                target = TARGETS["bulk_records_per_s"]
                status = ("met" if rate >= target else "MISSED") if cfg.large >= 100_000 else "info"
                inner = f"; neo4j-admin's own time {res['internal_s']:.1f}s ({fmt_int(res['records'] / res['internal_s'])} records/s)" if res.get("internal_s") else ""
                note = (f"{res['nodes']:,} nodes + {res['relationships']:,} rels, wall {fmt_s(res['wall_s'])} incl. JVM start{inner}; "
                        f"CSV export {res['export_s']:.1f}s; other load {res['other_cores']:.2f} cores")
                if not cfg.quick:
                    nb.start()
                    n_nodes, n_rels = nb.counts()
                    res["verified"] = {"nodes": n_nodes, "relationships": n_rels}
                    note += f"; verified after restart: {n_nodes:,} nodes, {n_rels:,} rels"
                if status == "MISSED":
                    fixed = res["wall_s"] - (res.get("internal_s") or res["wall_s"])
                    parts = [f"JVM/neo4j-admin start-up {fixed:.1f}s of {res['wall_s']:.1f}s wall"]
                    if res.get("stages"):
                        parts.append("import stages: " + ", ".join(f"{n} {t:.1f}s" for n, t in
                                                                   sorted(res["stages"], key=lambda x: -x[1])[:4]))
                    parts.append(f"{nb.HEAP} heap on {os.cpu_count()} cores")
                    note = "cause: " + "; ".join(parts) + "; " + note
                bolt = self.rows["Neo4j load (Bolt batches)"].values.get("rels_per_s")
                self.rows["Neo4j bulk import (neo4j-admin)"] = Row(
                    "Neo4j bulk import (neo4j-admin)", cfg.large, f"{fmt_int(rate)} records/s",
                    f"{rate / bolt:.1f}× Bolt load" if bolt else "", "≥ 300,000 records/s", status, note,
                    {"records_per_s": rate, **{k: v for k, v in res.items() if isinstance(v, (int, float))}})
        finally:
            nb.stop()
            self.log("  Neo4j stopped")

    # --------------------------------------------------------------------------------------------
    def table(self):
        from rich.markup import escape
        from rich.table import Table

        m = self.raw.get("machine", {})
        title = (f"paper-kg benchmark ({'quick' if self.cfg.quick else 'full'}): {m.get('nproc')} cores "
                 f"{m.get('cpu', '?')}, {m.get('memory')}, Python {m.get('python')}, spaCy {m.get('spacy')}, "
                 f"{m.get('neo4j_server', 'Neo4j server n/a')}; load avg {m.get('loadavg_start')} → {m.get('loadavg_end')}")
        table = Table(title=escape(title), expand=True, title_justify="left")
        table.add_column("stage", ratio=3)
        table.add_column("papers", justify="right", ratio=1)
        table.add_column("measured", ratio=4)
        table.add_column("vs baseline", ratio=2)
        table.add_column("target", ratio=2)
        table.add_column("status", ratio=1)
        table.add_column("notes", ratio=6)
        colours = {"met": "green", "MISSED": "bold red", "failed": "red", "not available": "yellow", "n/a": "dim"}
        sections = {"kg build, small corpus", "baseline: Bolt UNWIND CREATE", "baseline: embedded name lookup",
                    "baseline: Neo4j RETURN 1"}
        for name in ROW_NAMES:
            if name in sections:
                table.add_section()
            r = self.rows[name]
            status = r.status or "not available"
            note = r.note or ("not available: not measured in this run" if not r.status else "")
            table.add_row(escape(name), f"{r.papers:,}" if r.papers else "", escape(r.measured), escape(r.baseline),
                          escape(r.target), f"[{colours.get(status, 'white')}]{escape(status)}[/]", escape(note))
        return table

    def to_markdown(self) -> str:
        """The same table as Markdown (for docs/benchmarks.md)."""
        def cell(text: str) -> str:
            return str(text).replace("|", "\\|").replace("\n", " ")

        lines = ["| stage | papers | measured | vs baseline | target | status | notes |", "|---|---:|---|---|---|---|---|"]
        for name in ROW_NAMES:
            r = self.rows[name]
            status = r.status or "not available"
            shown = f"**{status}**" if status in ("MISSED", "met") else status
            lines.append("| " + " | ".join(cell(x) for x in (
                name, f"{r.papers:,}" if r.papers else "", r.measured, r.baseline, r.target, shown,
                r.note or "not available: not measured in this run")) + " |")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return {
            "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
            "machine": self.raw.get("machine"),
            "rows": [asdict(self.rows[n]) | {"status": self.rows[n].status or "not available"} for n in ROW_NAMES],
            "raw": {k: v for k, v in self.raw.items() if k != "machine"},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="paper-kg benchmark: one table, measured in one run.")
    parser.add_argument("--quick", action="store_true", help="small sizes (1k/2k papers), under two minutes")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown here")
    parser.add_argument("--from-json", type=Path, help="re-render the table of an earlier --json run, measure nothing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--small", type=int, help="papers in the small build [10000; quick 1000]")
    parser.add_argument("--large", type=int, help="papers in the large build and query graph [100000; quick 2000]")
    parser.add_argument("--extract-sample", type=int, help="abstracts for the extraction throughput rows")
    parser.add_argument("--no-neo4j", action="store_true", help="skip the Neo4j rows (shown as n/a)")
    parser.add_argument("--width", type=int, default=None, help="table width [terminal]")
    parser.add_argument("--out", type=Path, default=None, help="working folder for corpora, graphs, Neo4j [bench/out]")
    # internal: the embedded-query subprocess
    parser.add_argument("--worker", choices=["embedded"], help=argparse.SUPPRESS)
    parser.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--k", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=5.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.out is not None:
        global OUT
        OUT = args.out.resolve()

    if args.worker == "embedded":
        embedded_worker(args.graph, args.worker_out, args.k, args.reps, args.budget)
        return 0

    from rich.console import Console

    width = args.width or (None if sys.stdout.isatty() else 220)
    console = Console(width=width)
    log_console = Console(stderr=True, width=width)
    runner = Runner(build_config(args), log_console)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        for row in saved["rows"]:
            if row["name"] in runner.rows:
                runner.rows[row["name"]] = Row(**row)
        runner.raw = {**saved.get("raw", {}), "machine": saved.get("machine", {})}
        runner.cfg.quick = saved.get("raw", {}).get("config", {}).get("quick", runner.cfg.quick)
        args.json = None
    else:
        try:
            runner.run()
        except KeyboardInterrupt:
            log_console.print("[red]interrupted[/]: printing what was measured")
    console.print(runner.table())
    m = runner.raw.get("machine", {})
    console.print(
        f"total {runner.raw.get('total_s', 0):.0f}s; corpus: {runner.raw.get('corpus', {}).get('large', {}).get('path')}"
        f" (seed {runner.cfg.seed}); extractor: {runner.raw.get('extractor', 'n/a')}; "
        f"load average start {m.get('loadavg_start')} end {m.get('loadavg_end')}", highlight=False)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(runner.to_markdown(), encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(runner.to_json(), indent=1, default=str))
        console.print(f"raw figures -> {args.json}", highlight=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
