"""`kg build`, `extract`, `export` and `load`: from input files to a graph file or Neo4j."""

from __future__ import annotations

import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli.common import (
    DEFAULT_GRAPH_PATH,
    DaskOpt,
    ExportFormat,
    GraphOpt,
    GraphSource,
    InputFormatOpt,
    InputsArg,
    MapOpt,
    ModelOpt,
    ProcessesOpt,
    QuietOpt,
    StrictOpt,
    VocabOpt,
    app,
    err,
    friendly_errors,
    graph_source_options,
    interrupted_leaves,
    option_value,
    parse_map,
)


@app.command()
def build(
    inputs: InputsArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="GRAPH",
            help="graph file to write \\[default: ./graph.json.gz, or the --update file]",
        ),
    ] = None,
    update: Annotated[
        Path | None,
        typer.Option("--update", metavar="GRAPH", help="add INPUTs to this graph file, extracting only new papers"),
    ] = None,
    fmt: InputFormatOpt = None,
    strict: StrictOpt = False,
    mapping: MapOpt = None,
    processes: ProcessesOpt = 1,
    dask: DaskOpt = None,
    to_import: Annotated[
        Path | None,
        typer.Option(
            "--to-import",
            metavar="DIR",
            help="millions path: stream neo4j-admin import CSVs into DIR (no graph file; such graphs are queried on Neo4j only)",
        ),
    ] = None,
    model: ModelOpt = None,
    vocab: VocabOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Read, extract, resolve, link to the ML vocabulary and save the embedded graph."""
    if to_import is not None:
        if output is not None or update is not None:
            raise typer.BadParameter("--to-import writes import CSVs, not a graph file: drop --output/--update")
        _build_to_import(inputs, to_import, fmt, strict, mapping, processes, dask, model, vocab, quiet)
        return
    from kg import pipeline
    from kg.graph.store import load_records, save_graph
    from kg.graph.writelock import graph_write_lock
    from kg.ingest import IngestReport, read_papers
    from kg.ingest.report import require_papers
    from kg.vocab import load_index

    target = output or update or DEFAULT_GRAPH_PATH
    # Held for the whole run, not only the save: a second build of the same file fails at once
    # instead of after its extraction, and two --update runs cannot each drop the other's papers.
    # The save is atomic, so an interrupted build leaves the old file (or none) in place.
    with interrupted_leaves(f"{target} unchanged"), friendly_errors(), graph_write_lock(target), ExitStack() as stack:
        started = time.perf_counter()
        index = load_index(vocab)  # first: a bad vocabulary file fails before any extraction
        report = IngestReport()
        papers = list(
            read_papers(inputs, format=option_value(fmt), strict=strict, column_map=parse_map(mapping), report=report)
        )
        require_papers(report, inputs, target)
        extractor = _extractor(stack, dask, model, processes, vocab)
        if update is not None:
            _, old_papers, old_extractions = load_records(update)
            graph, all_papers, extractions, extracted = pipeline.update(
                old_papers, old_extractions, papers, extractor=extractor, progress=not quiet, vocab=index
            )
        else:
            total = len(papers)
            # drain: each paper record leaves memory once it is spooled with its extraction
            graph, all_papers, extractions = pipeline.build(
                pipeline.drain(papers), extractor=extractor, progress=not quiet, total=total, vocab=index
            )
            extracted = total
        save_graph(graph, target, papers=all_papers.lines(), extractions=extractions.lines())
        elapsed = time.perf_counter() - started
        err.print(report.summary(), highlight=False, markup=False)
        err.print(
            f"graph: {sum(1 for _, label in graph.nodes(data='label') if label == 'Paper')} papers, "
            f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships; "
            f"extracted {extracted} papers in {elapsed:.1f}s -> {target}",
            highlight=False,
            markup=False,
        )


def _extractor(stack: ExitStack, dask: str | None, model: Path | None, processes: int, vocab: Path | None) -> Any:
    """The local Extractor, or with --dask one that sends partitions to the cluster (closed with `stack`)."""
    if dask is None:
        from kg.extract import Extractor

        return Extractor(model, n_process=processes, vocab_file=vocab)
    from kg.distributed import DaskExtractor, open_client

    client = stack.enter_context(open_client(dask))
    err.print(f"dask: {len(client.nthreads())} workers at {client.scheduler.address}", highlight=False, markup=False)
    return DaskExtractor(client, model, vocab_file=vocab)


@app.command()
def extract(
    inputs: InputsArg,
    # Output is always JSON Lines; the flag is still accepted (hidden) so older scripts keep working.
    jsonl: Annotated[bool, typer.Option("--jsonl", hidden=True, metavar="")] = True,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="write here \\[default: stdout]")
    ] = None,
    fmt: InputFormatOpt = None,
    strict: StrictOpt = False,
    mapping: MapOpt = None,
    processes: ProcessesOpt = 1,
    model: ModelOpt = None,
) -> None:
    """Print one JSON line per paper: its id, mentions (character offsets into title/abstract) and relations; no graph."""
    from kg.extract import Extractor, extract_jsonl_record
    from kg.ingest import IngestReport, read_papers
    from kg.ingest.report import require_papers

    with friendly_errors():
        report = IngestReport()
        papers = read_papers(
            inputs, format=option_value(fmt), strict=strict, column_map=parse_map(mapping), report=report
        )
        sink = output.open("w", encoding="utf-8") if output else sys.stdout
        written = 0
        try:
            for record in Extractor(model, n_process=processes).extract(papers):
                sink.write(json.dumps(extract_jsonl_record(record), ensure_ascii=False) + "\n")
                written += 1
        finally:
            if output:
                sink.close()
        require_papers(report, inputs, None)
        err.print(report.summary(), highlight=False, markup=False)
        err.print(f"extracted {written} papers -> {output or 'stdout'}", highlight=False, markup=False)


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="graphml: Gephi/Cytoscape; json: node-link JSON; neo4j-import: CSVs"),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="PATH", help="file (graphml/json) or folder (neo4j-import)")
    ],
    graph: GraphOpt = None,
) -> None:
    """Export the embedded graph for Gephi/Cytoscape (GraphML), as JSON, or as neo4j-admin import CSVs."""
    from kg.api import KnowledgeGraph

    with friendly_errors():
        path = KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH).export(fmt.value, output)
        err.print(f"wrote {fmt.value} to {path}", highlight=False, markup=False)


@app.command()
@graph_source_options(uri_help="Neo4j to load into (or NEO4J_URI) \\[default: bolt://127.0.0.1:7687]")
def load(
    inputs: Annotated[
        list[Path] | None, typer.Argument(metavar="INPUT...", help="build from these inputs instead of a graph file")
    ] = None,
    source: GraphSource = GraphSource(),
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="rows per UNWIND transaction")] = 5000,
    quiet: QuietOpt = False,
) -> None:
    """Push the embedded graph into Neo4j (idempotent: loading twice changes nothing)."""
    from kg.api import KnowledgeGraph
    from kg.neo4j.loader import load_graph_into_neo4j
    from kg.neo4j.settings import Neo4jSettings, connect

    with friendly_errors():
        kg_ = KnowledgeGraph.build(inputs) if inputs else KnowledgeGraph.load(source.graph or DEFAULT_GRAPH_PATH)
        settings = Neo4jSettings.resolve(uri=source.uri, auth=source.auth(), database=source.database)
        with connect(settings) as driver:
            summary = load_graph_into_neo4j(
                kg_.graph, driver, database=settings.database, batch_size=batch_size, progress=not quiet
            )
        err.print(str(summary), highlight=False, markup=False)


def _build_to_import(
    inputs: list[Path],
    folder: Path,
    fmt: Any,
    strict: bool,
    mapping: str | None,
    processes: int,
    dask: str | None,
    model: Path | None,
    vocab: Path | None,
    quiet: bool,
) -> None:
    """`kg build --to-import DIR`: the millions path, streamed partition by partition into import CSVs."""
    from kg.distributed.stream import build_import
    from kg.ingest import IngestReport
    from kg.ingest.read import stream_papers
    from kg.ingest.report import require_papers
    from kg.vocab import load_index

    with interrupted_leaves(f"{folder} incomplete: run again"), friendly_errors(), ExitStack() as stack:
        started = time.perf_counter()
        index = load_index(vocab)
        report = IngestReport()
        # streamed, not merged: only repeated ids are dropped (read_papers would hold the whole input)
        papers = stream_papers(
            inputs, format=option_value(fmt), strict=strict, column_map=parse_map(mapping), report=report
        )
        extractor = _extractor(stack, dask, model, processes, vocab)
        summary = build_import(papers, folder, extractor=extractor, vocab=index, progress=not quiet)
        require_papers(report, inputs, None)
        err.print(report.summary(), highlight=False, markup=False)
        err.print(f"{summary}; {time.perf_counter() - started:.1f}s -> {folder}", highlight=False, markup=False)
        err.print(
            f"import: stop Neo4j, then `NEO4J_ADMIN=... sh {folder}/import.sh`; "
            "query this graph on Neo4j (kg query --uri ...), there is no graph file",
            highlight=False,
            markup=False,
        )
