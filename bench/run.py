"""paper-kg benchmark: one table of throughput, latency and memory figures measured in one run.

    python bench/run.py              # full: 10k + 100k papers (< 30 min on 2 cores)
    python bench/run.py --quick      # small sizes (1k + 2k papers), < 2 min; CI smoke run
    python bench/run.py --json out.json

Every figure comes from this run on this machine, next to its baseline (spaCy's bare tokenizer, a blank
pipeline + PhraseMatcher, a bare Bolt round trip / UNWIND CREATE) and its target. A part of the project
that is missing or fails shows up as a "not available: <reason>" row; nothing is skipped silently.

This file runs the stages in order and fills the table; each concern lives in bench/kgbench/: `rows`
(the table's rows, targets, formatting), `machine` (load meter), `corpus`, `extraction`, `builds`
(kg build + the stage sampler), `queries` (query timing), `neo4j_bench`, `report` (table, Markdown,
JSON). Further rows come from the providers in ROW_PROVIDERS (see there).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from kgbench import report
from kgbench.builds import run_build, stage_breakdown, top_functions
from kgbench.corpus import corpus_words, ensure_corpus, read_records, rel, words_of
from kgbench.extraction import (
    BASELINE_PASSES,
    component_profile,
    describe_extractor,
    phrase_terms,
    time_extraction,
    time_phrasematcher,
    time_tokenizer,
    to_papers,
)
from kgbench.machine import LoadMeter, machine_info
from kgbench.neo4j_bench import (
    Neo4jBench,
    bolt_create_baseline,
    bulk_import,
    neo4j_load,
    neo4j_queries,
)
from kgbench.queries import embedded_worker, pick_plan, run_embedded
from kgbench.rows import (
    HELPER_TARGETS,
    HELPERS,
    MB,
    ROW_NAMES,
    TARGETS,
    NotAvailable,
    Row,
    fmt_bytes,
    fmt_int,
    fmt_ms,
    fmt_s,
    out_dir,
    set_out_dir,
    short_exc,
    wall_share,
)

# Standalone bench scripts that add rows to this table: each is a module in bench/ with a function
# `rows(runner: Runner) -> list[Row]`, called after the core stages, in this order, each inside its own
# stage (a provider that is missing or fails shows as a "not available" / "failed" row, never hides
# the others). Add a module name here, e.g. "analytics" (bench/analytics.py) or "scale" (bench/scale.py).
ROW_PROVIDERS: list[str] = ["analytics", "cli_wall", "scale"]


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
    query_graph: Path | None = None  # only the query rows, on this graph (--query-graph)


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
    cfg.query_graph = args.query_graph
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
    def _start_neo4j(self) -> Neo4jBench:
        nb = Neo4jBench(out_dir() / "neo4j-instance")
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
        out_dir().mkdir(parents=True, exist_ok=True)
        if cfg.quick and cfg.neo4j:
            # --quick overlaps the server's start-up with the other rows (smoke figures only)
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1)
            self._neo_future = self._pool.submit(self._start_neo4j)
        self.raw["machine"] = machine_info()
        self.raw["config"] = asdict(cfg)
        if cfg.query_graph is not None:  # an existing graph: no corpora, extraction or builds
            self.unavailable(
                [ROW_NAMES[i] for i in range(ROW_NAMES.index("embedded graph: load + queries RSS"))],
                f"--query-graph {cfg.query_graph}",
                status="n/a",
            )
            self.queries(cfg.query_graph)
            return
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
        self.queries(out_dir() / f"graph-{cfg.large}.json.gz")

    def queries(self, graph_path: Path) -> None:
        """The embedded and Neo4j query rows on one graph file, then the providers' rows."""
        cfg = self.cfg
        plan = None
        with self.stage(
            "embedded queries",
            [
                "embedded graph: load + queries RSS",
                "baseline: embedded name lookup",
                "first text question [embedded]",
                *[f"query {h} [embedded]" for h in HELPERS],
            ],
        ):
            if not graph_path.exists():
                raise NotAvailable(f"needs the {cfg.large:,}-paper graph, which `kg build` did not produce")
            plan = self.embedded(graph_path)
        neo_rows = [
            "baseline: Bolt UNWIND CREATE",
            "Neo4j load (Bolt batches)",
            "Neo4j bulk import (neo4j-admin)",
            "baseline: Neo4j RETURN 1",
            *[f"query {h} [neo4j]" for h in HELPERS],
        ]
        if not cfg.neo4j:
            self.unavailable(neo_rows, "skipped with --no-neo4j", status="n/a")
        else:
            self.neo4j(graph_path, plan, neo_rows)
        self.providers()
        self.raw["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        self.raw["total_s"] = round(time.perf_counter() - self.started, 1)

    def providers(self) -> None:
        """Rows from the standalone scripts named in ROW_PROVIDERS, appended after the core rows."""
        for name in ROW_PROVIDERS:
            row_name = f"{name} (bench/{name}.py)"
            self.rows.setdefault(row_name, Row(row_name))
            with self.stage(f"rows from bench/{name}.py", [row_name]):
                for row in importlib.import_module(name).rows(self):
                    self.rows[row.name] = row
                if self.rows[row_name].status == "":  # the provider named its own rows
                    del self.rows[row_name]

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
                "baseline: spaCy tokenizer",
                n,
                f"{fmt_int(tok)} words/s · {fmt_int(n / s)} abstracts/s",
                "1.00×",
                "—",
                "info",
                f"spacy.blank('en').tokenizer.pipe, 1 process, best of {BASELINE_PASSES}; other load {meter.other_cores():.2f} cores",
                {"words_per_s": tok, "abstracts_per_s": n / s, "seconds": s, "words": words},
            )
        with self.stage("baseline: PhraseMatcher", ["baseline: blank + PhraseMatcher"]):
            terms, source = phrase_terms(records)
            meter = LoadMeter()
            s = time_phrasematcher(texts, terms)
            pm = words / s
            self.rows["baseline: blank + PhraseMatcher"] = Row(
                "baseline: blank + PhraseMatcher",
                n,
                f"{fmt_int(pm)} words/s · {fmt_int(n / s)} abstracts/s",
                f"{pm / tok:.2f}× tokenizer" if tok else "",
                "—",
                "info",
                f"{len(terms):,} terms ({source}), attr=LOWER, 1 process, best of {BASELINE_PASSES}; other load {meter.other_cores():.2f} cores",
                {"words_per_s": pm, "abstracts_per_s": n / s, "seconds": s, "terms": len(terms)},
            )
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
                    ratio = " · ".join(
                        x
                        for x in (f"{per_proc / tok:.3f}× tok" if tok else "", f"{per_proc / pm:.3f}× PM" if pm else "")
                        if x
                    )
                    target = TARGETS["extract_words_per_proc"]
                    met = per_proc >= target
                    status = ("met" if met else "MISSED") if not cfg.quick else "info"
                    other = meter.other_cores()
                    res["cores_left"] = max(0.0, (os.cpu_count() or 1) - other)
                    self.rows[name] = Row(
                        name,
                        n,
                        f"{fmt_int(steady)} words/s ({fmt_int(per_proc)}/proc) · {n / s:,.1f} abstracts/s",
                        ratio + " (per process)",
                        f"≥ {fmt_int(target)} words/s per process",
                        status,
                        f"{model}; steady state after the first batch of 64; incl. start-up "
                        f"{fmt_int(wps)} words/s ({res['first_batch_s']:.1f}s to first batch); "
                        f"{mentions / n:.1f} mentions, {relations / n:.1f} relations per abstract; "
                        f"other load {other:.2f} cores" + ("; target judged in the full run" if cfg.quick else ""),
                        {
                            "words_per_s": steady,
                            "words_per_s_per_process": per_proc,
                            "words_per_s_incl_startup": wps,
                            "abstracts_per_s": n / s,
                            "other_cores": other,
                            **res,
                        },
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
                            f"{k} {v / total:.0%}" for k, v in top[:4]
                        )
                        for r in prof_rows:
                            if self.rows[r].status == "MISSED":
                                v = self.rows[r].values
                                busy = ""
                                if v.get("other_cores", 0) > 0.3:
                                    busy = (
                                        f"other processes used {v['other_cores']:.2f} of {os.cpu_count()} cores "
                                        f"during this row, leaving {v['cores_left']:.2f} for "
                                        f"{2 if '2' in r else 1} workers; "
                                    )
                                self.rows[r].note = f"cause: {busy}{cause}; " + self.rows[r].note

    # --------------------------------------------------------------------------------------------
    def builds(self, small: Path, large: Path) -> None:
        cfg = self.cfg
        ext2 = self.rows["extraction, 2 processes"].values.get("words_per_s")
        tok = self.rows["baseline: spaCy tokenizer"].values.get("words_per_s")
        for name, corpus, size in (
            ("kg build, small corpus", small, cfg.small),
            ("kg build, large corpus", large, cfg.large),
        ):
            with self.stage(f"kg build {size:,} papers", [name]):
                graph_out = out_dir() / f"graph-{size}.json.gz"
                res = run_build(corpus, graph_out, 2)
                self.raw.setdefault("builds", {})[str(size)] = res
                words = self.raw["corpus"]["small" if corpus == small else "large"]["words"]
                wps = words / res["wall_s"]
                ratio = " · ".join(
                    x
                    for x in (
                        f"{wps / ext2:.2f}× extraction-2p" if ext2 else "",
                        f"{wps / tok:.3f}× tok" if tok else "",
                    )
                    if x
                )
                is_large = size == cfg.large and not cfg.quick
                target_ok = (
                    res["wall_s"] < TARGETS["build_large_s"] and res["peak_rss_main"] <= TARGETS["embedded_rss_bytes"]
                )
                status = ("met" if target_ok else "MISSED") if size >= 100_000 else "info"
                breakdown = stage_breakdown(res["sampler"], res["wall_s"])
                parts = [f"{st} {sec:.0f}s" for st, sec, _ in breakdown if sec >= 0.5]
                note = (
                    f"peak RSS main {fmt_bytes(res['peak_rss_main'])}, process tree {fmt_bytes(res['peak_rss_tree'])}; "
                    f"file {fmt_bytes(res['graph_file_bytes'])}; stages: {', '.join(parts) or 'n/a'}; "
                    f"other load {res['other_cores']:.2f} cores"
                )
                if status == "MISSED":
                    note = "cause: " + self.build_cause(res, words, ext2) + "; " + note
                self.rows[name] = Row(
                    name,
                    size,
                    f"{fmt_s(res['wall_s'])} · peak RSS {fmt_bytes(res['peak_rss_main'])} · {fmt_int(wps)} words/s",
                    ratio,
                    "< 10 min and ≤ 1.5 GB at 100k" if size >= 100_000 or is_large else "(target at 100k)",
                    status,
                    note,
                    {
                        "seconds": res["wall_s"],
                        "peak_rss_main": res["peak_rss_main"],
                        "peak_rss_tree": res["peak_rss_tree"],
                        "words_per_s": wps,
                        "stages": breakdown,
                        "other_cores": res["other_cores"],
                    },
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
        note = (
            f"peak while loading {fmt_bytes(res['peak_during_load'])}, steady after load "
            f"{fmt_bytes(res['rss_after_load'])}, after queries {fmt_bytes(res['rss_after_queries'])} "
            f"(load {res['load_s']:.1f}s; {res['nodes']:,} nodes, {res['edges']:,} relationships)"
        )
        if status == "MISSED":
            parts = []
            transient = res["peak_during_load"] - res["rss_after_load"]
            if transient > 100 * MB:
                parts.append(
                    f"{fmt_bytes(transient)} transient while loading (the whole .json.gz payload, papers and "
                    f"extraction records included, is parsed before the graph is built)"
                )
            if gm:
                parts.append(
                    f"evidence sentences {fmt_bytes(gm['evidence_bytes_as_loaded'])} as loaded: "
                    f"{gm['evidence_refs']:,} references, {gm['evidence_string_objects']:,} string objects for "
                    f"{gm['evidence_distinct_texts']:,} distinct sentences ({fmt_bytes(gm['evidence_bytes_if_interned'])} "
                    f"if shared); paper titles+abstracts {fmt_bytes(gm['paper_text_bytes'])}; the rest is networkx's "
                    f"dict-per-edge structure for {gm['edges']:,} edges"
                )
            note = "cause: " + "; ".join(parts) + "; " + note
        self.rows["embedded graph: load + queries RSS"] = Row(
            "embedded graph: load + queries RSS",
            size,
            f"peak {fmt_bytes(peak)}",
            "—",
            "≤ 1.5 GB at 100k",
            status,
            note,
            {
                "ru_maxrss": peak,
                "rss_after_load": res["rss_after_load"],
                "load_s": res["load_s"],
                "peak_during_load": res["peak_during_load"],
                **gm,
            },
        )
        base = res["baseline"]
        self.rows["baseline: embedded name lookup"] = Row(
            "baseline: embedded name lookup",
            size,
            f"p50 {fmt_ms(base['p50_ms'])} · p95 {fmt_ms(base['p95_ms'])}",
            "1.00×",
            "—",
            "info",
            f"name_key + alias index (match_entities), {base['calls']} calls",
            base,
        )
        first = res.get("first_text_question")
        if first:
            target = TARGETS["first_text_question_ms"]
            status = ("met" if first["ms"] < target else "MISSED") if size >= 100_000 else "info"
            self.rows["first text question [embedded]"] = Row(
                "first text question [embedded]",
                size,
                fmt_ms(first["ms"]),
                "—",
                f"< {target:g} ms at 100k",
                status,
                f"papers_using {first['args']!r}, the first call after loading (text index restored from the graph "
                "file, sentences read from the papers)",
                first,
            )
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
            limit = helper_target(helper, backend, pu_target)
            target, status = "—", "info"
            if limit is not None:
                target = f"p95 < {limit:g} ms at 100k"
                status = ("met" if q["p95_ms"] < limit else "MISSED") if size >= 100_000 else "info"
            note = (
                f"{q['calls']} calls; slowest arg {q['slowest_arg']!r} (median {fmt_ms(q['slowest_arg_median_ms'])}, "
                f"{q['results_slowest']} results)"
            )
            if status == "MISSED" and helper in ("papers_using", "papers_using+task"):
                x = q["slowest_arg"].split(" / ")[0]
                f = fan.get(x)
                papers_total = self.raw.get("embedded", {}).get("papers") or size
                cause = (
                    f"{x!r} expands to {f['entities']} entities (itself + IS_A descendants), {f['links']:,} paper links, "
                    f"{f['papers']:,} papers ({f['papers'] / papers_total:.0%} of the corpus), all read and ranked "
                    f"on every call to return 20"
                    if f
                    else "frequent-entity arguments"
                )
                note = f"cause: {cause}; {note}"
            self.rows[name] = Row(
                name,
                size,
                f"p50 {fmt_ms(q['p50_ms'])} · p95 {fmt_ms(q['p95_ms'])}",
                f"{q['p95_ms'] / base_p50:,.0f}× baseline p50" if base_p50 else "",
                target,
                status,
                note,
                q,
            )

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
            self.log(
                f"  {self.raw['neo4j_version']} up at {nb.uri} in {nb.start_s:.0f}s"
                + (f" (after a one-time jar fetch of {nb.fetch_s:.0f}s)" if nb.fetch_s else "")
            )
        if nb is None or nb.driver is None:
            return
        try:
            n_edges = graph.number_of_edges()
            with self.stage("Bolt CREATE baseline", ["baseline: Bolt UNWIND CREATE"]):
                n = min(n_edges, 200_000 if not cfg.quick else 5_000)
                rate = bolt_create_baseline(nb, n)
                self.raw["bolt_create_rate"] = rate
                self.rows["baseline: Bolt UNWIND CREATE"] = Row(
                    "baseline: Bolt UNWIND CREATE",
                    None,
                    f"{fmt_int(rate)} relationships/s",
                    "1.00×",
                    "—",
                    "info",
                    f"{n:,} rels, UNWIND MATCH-by-index CREATE, 10k rows/tx, then deleted",
                    {"rels_per_s": rate},
                )
            with self.stage("Neo4j load", ["Neo4j load (Bolt batches)"]):
                res = neo4j_load(nb, graph, cfg.batch_size)
                self.raw["neo4j_load"] = res
                rate = res["relationships"] / res["wall_s"]
                base = self.raw.get("bolt_create_rate")
                target = TARGETS["neo4j_rels_per_s"]
                status = ("met" if rate >= target else "MISSED") if cfg.large >= 100_000 else "info"
                note = (
                    f"{res['relationships']:,} rels + {res['nodes']:,} nodes in {fmt_s(res['wall_s'])}, batch {cfg.batch_size}; "
                    f"{res['summary'][:120]}; other load (incl. Neo4j JVM) {res['other_cores']:.2f} cores"
                )
                if res["relationships"] != res["graph_edges"]:
                    note += f"; WARNING graph has {res['graph_edges']:,} edges"
                if status == "MISSED":
                    batched = sum(p[1] for p in res["phases"])
                    top = "; ".join(
                        f"{p[0][:70]}… {p[1]:.0f}s for {p[3]:,} rows ({p[3] / p[1]:,.0f}/s)"
                        for p in res["phases"][:3]
                        if p[1] > 0
                    )
                    # the loader writes through parallel sessions: batch times can add up past the wall time
                    cause = (
                        (
                            f"{wall_share(max(0.0, res['wall_s'] - batched), res['wall_s'])} outside the batches (schema, stale "
                            f"checks, planning); slowest query shapes: {top}"
                        )
                        if res["phases"]
                        else "see JSON"
                    )
                    phases = res.get("summary_fields", {}).get("phase_seconds") or {}
                    if phases:  # the loader's own split (batch times above exclude commits)
                        mode = res.get("summary_fields", {}).get("mode")
                        cause += (
                            "; loader phases"
                            + (f" ({mode} path)" if mode else "")
                            + ": "
                            + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items())
                        )
                    if base:
                        cause += f"; a bare UNWIND CREATE on this server does {fmt_int(base)} rels/s"
                    note = f"cause: {cause}; " + note
                self.rows["Neo4j load (Bolt batches)"] = Row(
                    "Neo4j load (Bolt batches)",
                    cfg.large,
                    f"{fmt_int(rate)} relationships/s",
                    f"{rate / base:.2f}× bare CREATE" if base else "",
                    "≥ 50,000 rels/s",
                    status,
                    note,
                    {"rels_per_s": rate, **{k: v for k, v in res.items() if isinstance(v, (int, float))}},
                )
            with self.stage("Neo4j queries", ["baseline: Neo4j RETURN 1", *[f"query {h} [neo4j]" for h in HELPERS]]):
                if self.rows["Neo4j load (Bolt batches)"].status in ("failed", "not available"):
                    raise NotAvailable("the graph was not loaded into Neo4j")
                res = neo4j_queries(nb, plan, cfg.reps, cfg.query_budget_s)
                self.raw["neo4j_queries"] = res
                base = res["baseline"]
                self.rows["baseline: Neo4j RETURN 1"] = Row(
                    "baseline: Neo4j RETURN 1",
                    cfg.large,
                    f"p50 {fmt_ms(base['p50_ms'])} · p95 {fmt_ms(base['p95_ms'])}",
                    "1.00×",
                    "—",
                    "info",
                    f"driver.execute_query round trip, {base['calls']} calls",
                    base,
                )
                self.query_rows(
                    res["queries"], "neo4j", base["p50_ms"], TARGETS["papers_using_p95_neo4j_ms"], cfg.large
                )
            with self.stage("Neo4j bulk import", ["Neo4j bulk import (neo4j-admin)"]):
                res = bulk_import(nb, graph, out_dir() / f"neo4j-import-{cfg.large}")
                self.raw["bulk_import"] = res
                rate = res["records"] / res["wall_s"]
                target = TARGETS["bulk_records_per_s"]
                status = ("met" if rate >= target else "MISSED") if cfg.large >= 100_000 else "info"
                inner = (
                    f"; neo4j-admin's own time {res['internal_s']:.1f}s ({fmt_int(res['records'] / res['internal_s'])} records/s)"
                    if res.get("internal_s")
                    else ""
                )
                note = (
                    f"{res['nodes']:,} nodes + {res['relationships']:,} rels, wall {fmt_s(res['wall_s'])} incl. JVM start{inner}; "
                    f"CSV export {res['export_s']:.1f}s; other load {res['other_cores']:.2f} cores"
                )
                if not cfg.quick:
                    nb.start()
                    n_nodes, n_rels = nb.counts()
                    res["verified"] = {"nodes": n_nodes, "relationships": n_rels}
                    note += f"; verified after restart: {n_nodes:,} nodes, {n_rels:,} rels"
                if status == "MISSED":
                    fixed = res["wall_s"] - (res.get("internal_s") or res["wall_s"])
                    parts = [f"JVM/neo4j-admin start-up {fixed:.1f}s of {res['wall_s']:.1f}s wall"]
                    if res.get("stages"):
                        parts.append(
                            "import stages: "
                            + ", ".join(f"{n} {t:.1f}s" for n, t in sorted(res["stages"], key=lambda x: -x[1])[:4])
                        )
                    parts.append(f"{nb.HEAP} heap on {os.cpu_count()} cores")
                    note = "cause: " + "; ".join(parts) + "; " + note
                bolt = self.rows["Neo4j load (Bolt batches)"].values.get("rels_per_s")
                self.rows["Neo4j bulk import (neo4j-admin)"] = Row(
                    "Neo4j bulk import (neo4j-admin)",
                    cfg.large,
                    f"{fmt_int(rate)} records/s",
                    f"{rate / bolt:.1f}× Bolt load" if bolt else "",
                    "≥ 300,000 records/s",
                    status,
                    note,
                    {"records_per_s": rate, **{k: v for k, v in res.items() if isinstance(v, (int, float))}},
                )
        finally:
            nb.stop()
            self.log("  Neo4j stopped")

    # --------------------------------------------------------------------------------------------
    def table(self):
        """The table as a rich Table (rows in order: the core rows, then the providers')."""
        return report.table(self.rows, self.raw, quick=self.cfg.quick)

    def to_markdown(self) -> str:
        """The same table as Markdown (for docs/benchmarks.md)."""
        return report.markdown(self.rows)

    def to_json(self) -> dict:
        """Command, machine, rows and raw figures of this run."""
        return report.as_json(self.rows, self.raw)


def helper_target(helper: str, backend: str, papers_using_ms: float) -> float | None:
    """The p95 target of one helper's row in ms (None: no target)."""
    if helper in ("papers_using", "papers_using+task"):
        return papers_using_ms
    if helper in HELPER_TARGETS:
        return TARGETS[f"helper_p95_{backend}_ms"]
    return TARGETS["stats_ms"] if helper == "stats" else None


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
    parser.add_argument(
        "--query-graph",
        type=Path,
        default=None,
        help="only the query rows (and providers'), on this graph file of --large papers",
    )
    # internal: the embedded-query subprocess
    parser.add_argument("--worker", choices=["embedded"], help=argparse.SUPPRESS)
    parser.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--k", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=5.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.out is not None:
        set_out_dir(args.out)

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
        for row in saved["rows"]:  # the core rows in their order, then any provider's
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
        f"load average start {m.get('loadavg_start')} end {m.get('loadavg_end')}",
        highlight=False,
    )
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
