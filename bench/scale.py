"""Scale rows (issue 17): Dask extraction against the local process pool, Dask's overhead per partition,
and the driver's peak memory on the millions path (`kg build --to-import`) at growing corpus sizes.

    .venv/bin/python bench/scale.py [--quick] [--sample N] [--sizes 10000,50000,100000] [--no-neo4j]
    bench/run.py adds these rows through ROW_PROVIDERS ("scale")

Rows:
- extraction words/s on the same abstracts: local pool of 1 and 2 processes (Extractor n_process), Dask
  LocalCluster of 1 and 2 workers (pipelines preloaded, cluster start and model load reported apart);
- Dask overhead per partition: round trip of empty partitions, and payload bytes per paper in and out;
- the records of the largest corpus are extracted once on the 2-worker cluster (a row of its own); each size
  then runs `build_import` in a fresh driver process replaying those records (the input file and the
  records file are streamed), and its peak RSS (VmHWM) and stage times are the row; the embedded
  build's driver (pipeline.build over the same records) is measured at the same sizes for contrast;
- at the smallest size, the streamed CSVs against export_neo4j_import of the embedded graph (node and
  relationship sets), and with Neo4j, the same helper answers from both imports and neo4j-admin's rate.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from kgbench.corpus import ensure_corpus, read_records, words_of  # noqa: E402
from kgbench.rows import MB, Row, fmt_int, out_dir  # noqa: E402

PARTITION = 128


# ------------------------------------------------------------------------------------------------
# records replayed in step with the papers (the driver measurements leave extraction out)
class Replay:
    """An extractor reading stored records from a JSON Lines file, one per paper, streaming."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def extract(self, papers: Iterable[Any]) -> Iterator[Any]:
        from kg.models import PaperExtraction

        with self.path.open(encoding="utf-8") as fh:
            for paper in papers:
                for line in fh:
                    record = PaperExtraction.model_validate_json(line)
                    if record.paper_id == paper.id:
                        yield record
                        break
                else:
                    raise RuntimeError(f"no stored record for {paper.id}")


def _papers(corpus: Path, size: int) -> Iterator[Any]:
    from itertools import islice

    from kg.ingest.read import stream_papers

    return islice(stream_papers([corpus]), size)


def _peak_rss() -> int:
    """This process's peak RSS in bytes. VmHWM, not getrusage: ru_maxrss survives fork+exec, so a child
    started by a large parent would report the parent's size as its own floor."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def driver_stream(corpus: Path, records: Path, size: int, folder: Path, keep: bool = False) -> dict:
    """One millions-path driver: build_import of the first `size` papers from replayed records."""
    import shutil

    from kg.distributed.stream import build_import
    from kg.vocab import load_index

    timings: dict[str, float] = {}
    started = time.perf_counter()
    summary = build_import(
        _papers(corpus, size), folder, extractor=Replay(records), vocab=load_index(), timings=timings
    )
    wall = time.perf_counter() - started
    files = sorted(folder.iterdir())
    csv_bytes = sum(p.stat().st_size for p in files if p.suffix == ".csv")
    out = {
        "size": size,
        "wall_s": wall,
        "timings": timings,
        "peak_rss": _peak_rss(),
        "papers": summary.papers,
        "entities": summary.entities,
        "partitions": summary.partitions,
        "files": summary.files,
        "csv_bytes": csv_bytes,
    }
    if size > 20_000 and not keep:
        shutil.rmtree(folder, ignore_errors=True)  # the largest folders only serve the memory figure
    return out


def driver_embedded(corpus: Path, records: Path, size: int, export: Path | None) -> dict:
    """The embedded build's driver on the same replayed records (graph in memory), for contrast."""
    from kg import pipeline

    started = time.perf_counter()
    graph, _, _ = pipeline.build(_papers(corpus, size), extractor=Replay(records))
    wall = time.perf_counter() - started
    out = {
        "size": size,
        "wall_s": wall,
        "peak_rss": _peak_rss(),
        "nodes": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
    }
    if export is not None:
        from kg.neo4j.bulk import export_neo4j_import

        export_neo4j_import(graph, export)
    return out


def _subprocess(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"bench/scale.py {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
def _sample_papers(corpus: Path, n: int) -> tuple[list[Any], int]:
    from kg.models import Paper

    recs = read_records(corpus, n)
    return [Paper.model_validate(r) for r in recs], sum(words_of(r) for r in recs)


def extraction_rows(corpus: Path, sample: int) -> tuple[list[Row], dict]:
    """Words/s on the same abstracts: local pool (1, 2 processes) and Dask (1, 2 workers)."""
    from kg.distributed import DaskExtractor, open_client
    from kg.distributed.worker import preload
    from kg.extract import Extractor

    papers, words = _sample_papers(corpus, sample)
    partition = min(PARTITION, max(16, sample // 16))  # enough partitions to keep both workers busy to the end
    rows, raw = [], {}
    for n in (1, 2):
        extractor = Extractor(n_process=n)
        list(extractor.extract(papers[:32]))  # first batch warms the pipeline (pool start-up stays in)
        t0 = time.perf_counter()
        done = sum(1 for _ in extractor.extract(papers))
        s = time.perf_counter() - t0
        raw[f"pool{n}"] = {"seconds": s, "words_per_s": words / s}
        rows.append(
            Row(
                f"scale: extraction, local pool {n}p",
                done,
                f"{fmt_int(words / s)} words/s ({fmt_int(words / s / n)}/proc)",
                "1.00×" if n == 1 else f"{words / s / raw['pool1']['words_per_s']:.2f}× pool 1p",
                "—",
                "info",
                f"kg.extract.Extractor(n_process={n}), same {sample} abstracts; pool start-up included, model load not",
                {"words_per_s": words / s, "seconds": s, "words": words},
            )
        )
    for n in (1, 2):
        t0 = time.perf_counter()
        with open_client(f"local:{n}") as client:
            start_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            client.run(preload)
            load_s = time.perf_counter() - t1
            extractor = DaskExtractor(client, partition_size=partition)
            t2 = time.perf_counter()
            done = sum(1 for _ in extractor.extract(papers))
            s = time.perf_counter() - t2
            if n == 2:
                raw["overhead"] = _overhead(client, papers, partition)
        raw[f"dask{n}"] = {"seconds": s, "words_per_s": words / s, "cluster_start_s": start_s, "preload_s": load_s}
        rows.append(
            Row(
                f"scale: extraction, Dask {n} worker{'s' if n > 1 else ''}",
                done,
                f"{fmt_int(words / s)} words/s ({fmt_int(words / s / n)}/worker)",
                f"{words / s / raw[f'pool{n}']['words_per_s']:.2f}× pool {n}p",
                "—",
                "info",
                f"LocalCluster(processes, {n}×1 thread), partitions of {partition}; cluster start {start_s:.1f}s and "
                f"pipeline load {load_s:.1f}s not included",
                {"words_per_s": words / s, "seconds": s},
            )
        )
    o = raw["overhead"]
    rows.append(
        Row(
            "scale: Dask overhead per partition",
            o["partitions"],
            f"{o['empty_ms']:.1f} ms per partition",
            f"{o['empty_ms'] / (o['partition_s'] * 1000):.1%} of a {o['partition_papers']}-paper partition",
            "—",
            "info",
            f"round trip of {o['partitions']} empty partitions on 2 workers (submit, schedule, run, gather); payload "
            f"{o['bytes_in']:.0f} B/paper in, {o['bytes_out']:.0f} B/paper out (pickled); a {o['partition_papers']}-paper "
            f"partition takes {o['partition_s']:.2f}s to extract",
            o,
        )
    )
    return rows, raw


def _overhead(client: Any, papers: list[Any], partition: int) -> dict:
    from kg.distributed.worker import extract_partition

    n = 200
    t0 = time.perf_counter()
    futures = [client.submit(extract_partition, [], pure=False) for _ in range(n)]
    client.gather(futures)
    empty_ms = (time.perf_counter() - t0) * 1000 / n
    chunk = [p.model_dump(exclude_defaults=True) for p in papers[:partition]]
    t1 = time.perf_counter()
    result = client.submit(extract_partition, chunk, pure=False).result()
    partition_s = time.perf_counter() - t1
    return {
        "partitions": n,
        "empty_ms": empty_ms,
        "partition_s": partition_s,
        "partition_papers": partition,
        "bytes_in": len(pickle.dumps(chunk)) / len(chunk),
        "bytes_out": len(pickle.dumps(result)) / len(chunk),
    }


def records_file(size: int, seed: int, records_from: Path | None = None) -> tuple[Path, Path, dict | None]:
    """The corpus of `size` papers and its extraction records (made once on the 2-worker cluster, or taken
    from the records stored in a `kg build` graph file of the same corpus)."""
    from kg.distributed import DaskExtractor, open_client
    from kg.models import Paper

    corpus = ensure_corpus(size, seed)
    records = out_dir() / f"records-{size}-s{seed}.jsonl"
    if records.exists() and sum(1 for _ in records.open(encoding="utf-8")) == size:
        return corpus, records, None  # the corpus is byte-identical for a seed, so are its records
    if records_from is not None:
        from kg.graph.store import iter_records

        tmp = records.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for tag, record in iter_records(records_from):
                if tag == "X":
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        tmp.replace(records)  # Replay checks every paper id against the corpus
        return corpus, records, None
    words = 0

    def papers() -> Iterator[Paper]:
        nonlocal words
        for rec in read_records(corpus):
            words += words_of(rec)
            yield Paper.model_validate(rec)

    tmp = records.with_suffix(".tmp")
    t0 = time.perf_counter()
    with open_client("local:2") as client, tmp.open("w", encoding="utf-8") as fh:
        for record in DaskExtractor(client).extract(papers()):
            fh.write(record.model_dump_json(exclude_defaults=True) + "\n")
    seconds = time.perf_counter() - t0
    tmp.replace(records)
    return corpus, records, {"seconds": seconds, "words": words, "words_per_s": words / seconds, "papers": size}


def _described(folder: Path) -> tuple[Counter, Counter]:
    from kg.neo4j.bulk import read_import_folder

    rows = Counter(read_import_folder(folder))
    return (
        Counter({r: n for (k, r), n in rows.items() if k == "node"}),
        Counter({r: n for (k, r), n in rows.items() if k == "rel"}),
    )


def memory_rows(
    sizes: list[int], seed: int, neo4j: bool, embedded_all: bool = False, records_from: Path | None = None
) -> tuple[list[Row], dict]:
    """Driver peak RSS per size on the millions path (the embedded build at the smallest size, or all with embedded_all)."""
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    corpus, records, extracted = records_file(max(sizes), seed, records_from)
    if extracted:
        raw["extract_all"] = extracted
        rows.append(
            Row(
                "scale: Dask extraction, whole corpus",
                extracted["papers"],
                f"{fmt_int(extracted['words_per_s'])} words/s · {extracted['papers'] / extracted['seconds']:.0f} papers/s",
                "—",
                "—",
                "info",
                f"DaskExtractor on LocalCluster(2 workers), {extracted['seconds']:.0f}s incl. cluster start; "
                "these records feed the rows below",
                extracted,
            )
        )
    for size in sizes:
        folder = out_dir() / f"to-import-{size}"
        keep = neo4j and size == max(sizes)  # the largest folder is imported into Neo4j below
        stream = _subprocess(
            [
                "--driver-stream",
                str(size),
                "--corpus",
                str(corpus),
                "--records",
                str(records),
                "--folder",
                str(folder),
                *(["--keep"] if keep else []),
            ]
        )
        raw[f"stream{size}"] = stream
        t = stream["timings"]
        rows.append(
            Row(
                f"scale: millions path driver, {size // 1000}k",
                size,
                f"peak RSS {stream['peak_rss'] / MB:.0f} MB",
                "—",
                "flat from 10k to 100k",
                "info",
                f"build_import in a fresh process over replayed records: read+spool {t.get('extract', 0):.1f}s, resolve "
                f"{t['resolve']:.1f}s, link {t['link']:.1f}s, write {t['write']:.1f}s ({stream['partitions']} partitions, "
                f"{stream['files']} files, {stream['csv_bytes'] / MB:.0f} MB CSV, {stream['entities']:,} entities)",
                stream,
            )
        )
        if size != min(sizes) and not embedded_all:
            continue
        export = out_dir() / f"neo4j-import-embedded-{size}" if size == min(sizes) else None
        emb = _subprocess(
            [
                "--driver-embedded",
                str(size),
                "--corpus",
                str(corpus),
                "--records",
                str(records),
                *(["--folder", str(export)] if export else []),
            ]
        )
        raw[f"embedded{size}"] = emb
        rows.append(
            Row(
                f"scale: embedded build driver, {size // 1000}k",
                size,
                f"peak RSS {emb['peak_rss'] / MB:.0f} MB",
                f"{emb['peak_rss'] / stream['peak_rss']:.1f}× millions path",
                "—",
                "info",
                f"pipeline.build over the same replayed records, graph in memory: {emb['nodes']:,} nodes, "
                f"{emb['relationships']:,} relationships, {emb['wall_s']:.0f}s",
                emb,
            )
        )
        if export is not None:
            rows.append(_equality_row(size, folder, export, neo4j))
    if neo4j:
        largest = out_dir() / f"to-import-{max(sizes)}"
        try:
            rows.append(_import_row(max(sizes), largest))
            raw["import"] = rows[-1].values
        except Exception as exc:  # the other rows stand without it
            rows.append(
                Row(
                    f"scale: neo4j-admin import of the streamed CSVs, {max(sizes) // 1000}k",
                    max(sizes),
                    "",
                    "",
                    "",
                    "failed",
                    f"{type(exc).__name__}: {str(exc)[:200]}",
                )
            )
    return rows, raw


def _equality_row(size: int, stream: Path, export: Path, neo4j: bool) -> Row:
    nodes, rels = _described(stream)
    full_nodes, full_rels = _described(export)
    same = nodes == full_nodes and rels == full_rels
    note = (
        f"{sum(full_nodes.values()):,} nodes and {sum(full_rels.values()):,} relationships of export_neo4j_import(embedded graph); "
        f"streamed: {sum(nodes.values()):,} / {sum(rels.values()):,}; differing rows: nodes {sum(((nodes - full_nodes) + (full_nodes - nodes)).values())}, "
        f"relationships {sum(((rels - full_rels) + (full_rels - rels)).values())}"
    )
    values: dict[str, Any] = {"identical": same}
    if neo4j:
        try:
            answers = _neo4j_answers(stream, export)
            values["answers"] = answers
            note += (
                f"; Neo4j: {answers['same']}/{answers['questions']} helper answers identical between the two imports "
                f"({answers['nonempty']} non-empty; the embedded graph's export vs the streamed CSVs)"
            )
        except Exception as exc:  # the row still says what the CSVs showed
            note += f"; Neo4j answers not measured ({type(exc).__name__}: {str(exc)[:120]})"
    return Row(
        f"scale: millions path == embedded, {size // 1000}k",
        size,
        "identical" if same else "DIFFERENT",
        "—",
        "same graph",
        "met" if same else "MISSED",
        note,
        values,
    )


def _neo4j_answers(stream: Path, export: Path) -> dict:
    """Import each folder into the bench's Neo4j in turn and ask both the same helper questions."""
    from kg.api import KnowledgeGraph
    from kg.neo4j.bulk import read_import_arguments
    from kg.neo4j.schema import ensure_schema
    from kg.query.neo4j_backend import Neo4jAccess
    from kgbench.neo4j_bench import Neo4jBench
    from kgbench.queries import call_helper, pick_plan

    nb = Neo4jBench(out_dir() / "neo4j-scale")
    answers: list[dict[str, str]] = []
    plan = None
    try:
        for folder in (export, stream):
            nb.start(fresh=True)
            nb.stop()
            proc = nb.admin(*read_import_arguments(folder, nb.database))
            if getattr(proc, "returncode", 0) not in (0, None):
                raise RuntimeError(f"neo4j-admin import of {folder.name} failed")
            nb.start()
            ensure_schema(nb.driver, database=nb.database)
            kg_ = KnowledgeGraph(Neo4jAccess(nb.driver, nb.database))
            if plan is None:
                plan = _plan_from_neo4j(nb, pick_plan)
            got = {}
            for helper, arg_lists in plan.items():
                for args in arg_lists:
                    try:
                        got[f"{helper}{args}"] = repr(call_helper(kg_, helper, args))
                    except Exception as exc:
                        got[f"{helper}{args}"] = f"error {type(exc).__name__}"
            answers.append(got)
            nb.stop()
    finally:
        nb.stop()
    same = sum(answers[0][q] == answers[1].get(q) for q in answers[0])
    nonempty = sum(a not in ("[]", "{}") and not a.startswith("error") for a in answers[1].values())
    return {
        "questions": len(answers[0]),
        "same": same,
        "nonempty": nonempty,
        "differ": [q for q in answers[0] if answers[0][q] != answers[1].get(q)][:10],
    }


def _plan_from_neo4j(nb: Any, pick_plan: Any) -> dict:
    """Questions from the most frequent entities, read from the imported database (no embedded graph needed)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    recs = nb.driver.execute_query(
        "MATCH (n) WHERE n:Method OR n:Dataset OR n:Task OR n:Metric "
        "RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, coalesce(n.paper_count, 0) AS pc",
        database_=nb.database,
    ).records
    for r in recs:
        graph.add_node(r["id"], label=r["label"], name=r["name"], paper_count=r["pc"])
    for r in nb.driver.execute_query(
        "MATCH (p:Paper) RETURN p.id AS id ORDER BY id LIMIT 2000", database_=nb.database
    ).records:
        graph.add_node(r["id"], label="Paper")
    for r in nb.driver.execute_query(
        "MATCH (a)-[r:USED_FOR]->(b) RETURN a.id AS a, b.id AS b, r.count AS c", database_=nb.database
    ).records:
        graph.add_edge(r["a"], r["b"], key="USED_FOR", count=r["c"])
    for r in nb.driver.execute_query(
        "MATCH (p:Paper)-[:PROPOSES]->(b) RETURN p.id AS a, b.id AS b LIMIT 20000", database_=nb.database
    ).records:
        graph.add_edge(r["a"], r["b"], key="PROPOSES")
    return {k: v for k, v in pick_plan(graph, 10).items() if k != "stats"}


def _import_row(size: int, folder: Path) -> Row:
    """neo4j-admin import of the largest streamed folder: records/s (the sizing table's import rate)."""
    import re

    from kg.neo4j.bulk import read_import_arguments, read_import_folder
    from kgbench.neo4j_bench import Neo4jBench, admin_output

    records = sum(1 for _ in read_import_folder(folder))
    nb = Neo4jBench(out_dir() / "neo4j-scale")
    try:
        nb.start(fresh=True)
        nb.stop()
        t0 = time.perf_counter()
        proc = nb.admin(*read_import_arguments(folder, nb.database))
        wall = time.perf_counter() - t0
        text = admin_output(proc)
        if getattr(proc, "returncode", 0) not in (0, None):
            raise RuntimeError(f"neo4j-admin import exited {proc.returncode}")
        m = re.search(r"IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms", text)
        internal = int(m.group(1) or 0) * 60 + int(m.group(2)) + int(m.group(3)) / 1000 if m else wall
        nb.start()
        nodes, rels = nb.counts()
    finally:
        nb.stop()
    return Row(
        f"scale: neo4j-admin import of the streamed CSVs, {size // 1000}k",
        size,
        f"{fmt_int(records / internal)} records/s",
        "—",
        "—",
        "info",
        f"{records:,} records in {wall:.1f}s wall incl. JVM start ({internal:.1f}s neo4j-admin's own); "
        f"verified after start: {nodes:,} nodes, {rels:,} relationships; heap {nb.HEAP}",
        {"records": records, "wall_s": wall, "internal_s": internal, "nodes": nodes, "relationships": rels},
    )


# ------------------------------------------------------------------------------------------------
def sizing(raw: dict, cores: tuple[int, ...] = (32, 128)) -> str:
    """Markdown: the per-core rates of a --json run and the time each stage takes at 1M and 10M abstracts."""
    sizes = sorted(int(k[6:]) for k in raw if k.startswith("stream"))
    big = raw[f"stream{sizes[-1]}"]
    n = big["size"]
    t = big["timings"]
    words_per_paper = raw["extract_all"]["words"] / raw["extract_all"]["papers"] if "extract_all" in raw else 175.0
    per_core = raw["dask2"]["words_per_s"] / 2
    imp = raw.get("import")
    rates = [
        (
            "extraction (Dask worker, 2 on 2 cores)",
            f"{per_core:,.0f} words/s per core = {per_core / words_per_paper:,.0f} papers/s per core",
            "scale: extraction, Dask 2 workers",
        ),
        ("read + spool (driver)", f"{n / t['extract']:,.0f} papers/s", f"scale: millions path driver, {n // 1000}k"),
        (
            "resolution, 3 map/reduce passes (driver)",
            f"{n / t['resolve']:,.0f} papers/s",
            f"scale: millions path driver, {n // 1000}k",
        ),
        ("linking (driver)", f"{n / t['link']:,.0f} papers/s", f"scale: millions path driver, {n // 1000}k"),
        (
            "CSV writing (driver)",
            f"{n / t['write']:,.0f} papers/s · {big['csv_bytes'] / n / 1024:.1f} kB CSV per paper",
            f"scale: millions path driver, {n // 1000}k",
        ),
    ]
    if imp:
        rates.append(
            (
                "neo4j-admin import (2 cores, 1 GB heap)",
                f"{imp['records'] / imp['internal_s']:,.0f} records/s · {imp['records'] / n:.1f} records per paper",
                f"scale: neo4j-admin import of the streamed CSVs, {n // 1000}k",
            )
        )
    out = ["| stage | rate | bench row |", "|---|---|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rates), ""]
    driver_s = t["extract"] + t["resolve"] + t["link"] + t["write"]
    head = [
        "abstracts",
        *(f"extraction on {c} cores" for c in cores),
        "driver: spool + resolve + link + write (1 core)",
        "neo4j-admin import (2 cores)",
        "CSV on disk",
        "bottleneck",
    ]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for total in (1_000_000, 10_000_000):
        extract_h = [total * words_per_paper / (per_core * c) / 3600 for c in cores]
        driver_h = driver_s * total / n / 3600
        import_h = (imp["records"] / n * total / (imp["records"] / imp["internal_s"]) / 3600) if imp else float("nan")
        stages = {
            "driver (serial resolution + writing)": driver_h,
            f"extraction on {cores[0]} cores": extract_h[0],
            "neo4j-admin import": import_h,
        }
        worst = max((v, k) for k, v in stages.items() if v == v)[1]
        out.append(
            f"| {total:,} | "
            + " | ".join(_hours(h) for h in extract_h)
            + f" | {_hours(driver_h)} | {_hours(import_h)} | "
            f"{big['csv_bytes'] / n * total / 1e9:.0f} GB | {worst} |"
        )
    out.append("")
    peaks = " -> ".join(f"{raw[f'stream{k}']['peak_rss'] / MB:.0f} MB" for k in sizes)
    out.append(
        f"Extraction core-hours: {1e6 * words_per_paper / per_core / 3600:.1f} per million abstracts "
        f"({words_per_paper:.0f} words each). Driver figures scale linearly from the {n:,}-paper run "
        f"({driver_s:.0f} s). Driver peak RSS at {', '.join(f'{k:,}' for k in sizes)} papers: {peaks}."
    )
    return "\n".join(out)


def _hours(h: float) -> str:
    return f"{h * 60:.0f} min" if h < 1 else f"{h:.1f} h"


def measure(
    quick: bool,
    seed: int,
    sample: int | None,
    sizes: list[int] | None,
    neo4j: bool,
    embedded_all: bool = False,
    records_from: Path | None = None,
    memory_only: bool = False,
) -> tuple[list[Row], dict]:
    sample = sample or (300 if quick else 2000)
    sizes = sizes or ([1000, 2000, 4000] if quick else [10_000, 50_000, 100_000])
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    if not memory_only:
        rows, raw = extraction_rows(ensure_corpus(max(sample, 1000), seed), sample)
    more, raw_memory = memory_rows(sizes, seed, neo4j, embedded_all, records_from)
    return rows + more, {**raw, **raw_memory}


MEMORY_ROWS = ("scale: millions path driver", "scale: embedded build driver", "scale: millions path == embedded")


def rows(runner: Any) -> list[Row]:
    """ROW_PROVIDERS entry for bench/run.py (the quick table keeps to the extraction rows: seconds, not minutes)."""
    cfg = runner.cfg
    if not cfg.quick:
        found, raw = measure(False, cfg.seed, None, None, cfg.neo4j)
        runner.raw["scale"] = raw
        return found
    found, raw = extraction_rows(ensure_corpus(1000, cfg.seed), 150)
    runner.raw["scale"] = raw
    skipped = (
        "left out of --quick (a records extraction and six driver processes): `bench/scale.py --quick` or the full run"
    )
    return found + [Row(name, None, "", "", "", "n/a", skipped) for name in MEMORY_ROWS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument(
        "--records-from",
        type=Path,
        metavar="GRAPH",
        help="take the largest corpus's records from this kg build graph file instead of extracting them",
    )
    parser.add_argument("--memory-only", action="store_true", help="only the driver rows (no extraction rows)")
    parser.add_argument(
        "--embedded-all", action="store_true", help="the embedded driver's RSS at every size, not only the smallest"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--out", type=Path)
    # one measurement per fresh process (peak RSS is per process)
    parser.add_argument("--driver-stream", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--driver-embedded", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sizing",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="print the rates and sizing tables of --json runs (a later run's figures replace an earlier one's)",
    )
    args = parser.parse_args(argv)
    if args.sizing:
        raw = {}
        for path in args.sizing:  # e.g. a full run, then a --memory-only run of the driver rows
            saved = json.loads(path.read_text())
            raw.update(saved["raw"])
            for row in saved["rows"]:  # runs older than raw["import"] keep the figures in the row
                if row["name"].startswith("scale: neo4j-admin import") and row.get("values"):
                    raw["import"] = row["values"]
        print(sizing(raw))
        return 0
    if args.out:
        from kgbench.rows import set_out_dir

        set_out_dir(args.out)
    out_dir().mkdir(parents=True, exist_ok=True)
    if args.driver_stream:
        result = driver_stream(args.corpus, args.records, args.driver_stream, args.folder, args.keep)
        if args.keep:
            result["kept"] = str(args.folder)
        print(json.dumps(result))
        return 0
    if args.driver_embedded:
        print(json.dumps(driver_embedded(args.corpus, args.records, args.driver_embedded, args.folder)))
        return 0
    found, raw = measure(
        args.quick,
        args.seed,
        args.sample,
        args.sizes,
        not args.no_neo4j,
        args.embedded_all,
        args.records_from,
        args.memory_only,
    )
    print("| stage | papers | measured | vs baseline | target | status | notes |")
    print("|---|---:|---|---|---|---|---|")
    for row in found:
        print(
            f"| {row.name} | {fmt_int(row.papers) if row.papers else ''} | {row.measured} | {row.baseline} | {row.target} | {row.status} | {row.note} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"rows": [row.__dict__ for row in found], "raw": raw}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
