"""Query timing: the question plan, per-helper latencies, and the embedded-backend worker."""

from __future__ import annotations

import contextlib
import json
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from kgbench.machine import LoadMeter
from kgbench.rows import HELPERS, REPO, NotAvailable, out_dir, short_exc


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
    for _, v, key in graph.edges(keys=True):
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
            for _rep in range(reps):
                for args in arg_list:
                    t0 = time.perf_counter()
                    res = call_helper(kg_, helper, args)
                    times.append(
                        (
                            (time.perf_counter() - t0) * 1000,
                            len(res) if hasattr(res, "__len__") else 0,
                            " / ".join(map(str, args)),
                        )
                    )
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
    # the first question that reads the text index, as a fresh session asks it (issue 18: no index build)
    first_args = (plan.get("papers_using+task") or [["transformer", "classification"]])[0]
    t = time.perf_counter()
    call_helper(kg_, "papers_using+task", first_args)
    first_text_ms = (time.perf_counter() - t) * 1000
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
        "first_text_question": {"ms": first_text_ms, "args": " / ".join(first_args)},
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
    abstracts = sum(
        sys.getsizeof(a.get("abstract", "")) + sys.getsizeof(a.get("title", ""))
        for _, a in graph.nodes(data=True)
        if a.get("label") == "Paper"
    )
    return {
        "evidence_refs": refs,
        "evidence_string_objects": distinct_objs,
        "evidence_distinct_texts": len(texts),
        "evidence_bytes_as_loaded": ref_bytes,
        "evidence_bytes_if_interned": sum(texts.values()),
        "paper_text_bytes": abstracts,
        "edges": graph.number_of_edges(),
    }


def fanout(kg_, plan: dict) -> dict[str, dict]:
    """How much of the graph each papers_using argument touches: entities after IS_A, paper links, papers."""
    out = {}
    with contextlib.suppress(Exception):
        from kg.graph.schema import USE_TYPES

        engine = kg_._engine
        for args in plan.get("papers_using", []) + plan.get("papers_using+task", []):
            depth, _ = engine._expand(args[0], ("Method", "Dataset"))
            links = engine.access.paper_links(list(depth), USE_TYPES)
            out[args[0]] = {
                "entities": len(depth),
                "links": len(links),
                "papers": len({link.paper_id for link in links}),
            }
    return out


def run_embedded(graph_path: Path, k: int, reps: int, budget_s: float) -> dict:
    out = out_dir() / f"embedded-{graph_path.stem}.json"
    out.unlink(missing_ok=True)
    meter = LoadMeter()
    # bench/run.py is the worker's entry point (this module alone cannot import its package)
    cmd = [
        sys.executable,
        str(REPO / "bench" / "run.py"),
        "--worker",
        "embedded",
        "--graph",
        str(graph_path),
        "--worker-out",
        str(out),
        "--k",
        str(k),
        "--reps",
        str(reps),
        "--budget",
        str(budget_s),
    ]
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
