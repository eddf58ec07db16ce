"""The `kg` command: build, query, extract, load, export, eval and a local Neo4j server."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from enum import Enum
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterator

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.graph.export import EXPORT_FORMATS
from kg.graph.store import DEFAULT_GRAPH_PATH
from kg.ingest.detect import FORMATS as INPUT_FORMATS

app = typer.Typer(
    help="paper-kg: turn research-paper abstracts into a knowledge graph and ask it questions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
query_app = typer.Typer(help="Ask the graph (embedded file by default, Neo4j with --uri or NEO4J_URI).", no_args_is_help=True)
neo4j_app = typer.Typer(help="Run a local Neo4j server from Maven Central jars (no Docker needed).", no_args_is_help=True)
eval_app = typer.Typer(
    help="Scores against hand-judged data: extraction (default), answers (questions), entities.",
    invoke_without_command=True,
)
app.add_typer(query_app, name="query")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(eval_app, name="eval")

out = Console()
# Messages are never wrapped: a log file or a pipe gets each error and summary as one line.
err = Console(stderr=True, soft_wrap=True)

GraphOpt = Annotated[
    Path | None, typer.Option("--graph", "-g", metavar="GRAPH", help="embedded graph file \\[default: ./graph.json.gz]")
]
UriOpt = Annotated[str | None, typer.Option("--uri", metavar="URI", help="Neo4j URI (or NEO4J_URI); answers come from Neo4j")]
UserOpt = Annotated[str | None, typer.Option("--username", metavar="USER", help="Neo4j user (or NEO4J_USERNAME)")]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", metavar="PASSWORD", help="Neo4j password (or NEO4J_PASSWORD); never printed", show_default=False)
]
DatabaseOpt = Annotated[str | None, typer.Option("--database", metavar="NAME", help="Neo4j database (or NEO4J_DATABASE)")]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="print JSON instead of a table")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="at most this many answers")]
# Choices as enums so --help lists them and a typo is refused with the list.
InputFormat = Enum("InputFormat", {name: name for name in INPUT_FORMATS}, type=str)
ExportFormat = Enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, type=str)
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar", metavar="")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="stop at the first bad record", metavar="")]
InputFormatOpt = Annotated[
    InputFormat | None, typer.Option("--format", help="input format \\[default: detected from name and content]")
]
MapOpt = Annotated[
    str | None,
    typer.Option("--map", metavar="FIELD=COLUMN,...", help="JSONL/CSV columns for our fields, e.g. abstract=summary,title=name"),
]
ProcessesOpt = Annotated[int, typer.Option("--processes", "-p", min=1, help="extraction processes")]
InputsArg = Annotated[
    list[Path], typer.Argument(metavar="INPUT...", help="files or folders of papers (seeds txt, JSONL, CSV, arXiv, OpenAlex, S2)")
]


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean bad input or environment: shown as one line, never as a traceback."""
    from kg.graph.store import GraphFileError, GraphLockedError
    from kg.ingest import IngestError

    errors: list[type[BaseException]] = [
        GraphFileError, GraphLockedError, IngestError, ValueError, FileNotFoundError, PermissionError
    ]
    try:
        from kg.neo4j.settings import Neo4jConnectionError

        errors.append(Neo4jConnectionError)
    except ImportError:
        pass
    try:
        from kg.neo4j.server import Neo4jServerError

        errors.append(Neo4jServerError)
    except ImportError:
        pass
    return tuple(errors)


@contextmanager
def _friendly_errors() -> Iterator[None]:
    try:
        yield
    except _expected_errors() as exc:
        # The message may hold paths or input text with brackets: escaped, so markup never eats it.
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True)
        raise typer.Exit(2) from None


def _value(choice: Enum | None) -> str | None:
    return choice.value if choice is not None else None


def _parse_map(mapping: str | None) -> dict[str, str] | None:
    if not mapping:
        return None
    pairs = {}
    for item in mapping.split(","):
        ours, _, theirs = item.partition("=")
        if not ours.strip() or not theirs.strip():
            raise ValueError(f"--map expects field=column pairs separated by commas, got {item!r}")
        pairs[ours.strip()] = theirs.strip()
    return pairs


def _neo4j_wanted(uri: str | None) -> bool:
    return bool(uri or os.environ.get("NEO4J_URI"))


def _open_graph(graph: Path | None, uri: str | None, username: str | None, password: str | None, database: str | None):
    from kg.api import KnowledgeGraph

    if graph is None and _neo4j_wanted(uri):
        auth = (username or os.environ.get("NEO4J_USERNAME", "neo4j"), password) if password else None
        return KnowledgeGraph.neo4j(uri, auth=auth, database=database)
    return KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH)


# ------------------------------------------------------------------------------------------------
@app.command()
def build(
    inputs: InputsArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="GRAPH", help="graph file to write \\[default: ./graph.json.gz, or the --update file]"),
    ] = None,
    update: Annotated[
        Path | None, typer.Option("--update", metavar="GRAPH", help="add INPUTs to this graph file, extracting only new papers")
    ] = None,
    fmt: InputFormatOpt = None,
    strict: StrictOpt = False,
    mapping: MapOpt = None,
    processes: ProcessesOpt = 1,
    model: ModelOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Read, extract, resolve and save the embedded graph."""
    from kg.extract import Extractor
    from kg.graph.store import load_records, save_graph
    from kg.graph.writelock import graph_write_lock
    from kg.ingest import IngestReport, read_papers
    from kg.ingest.report import require_papers
    from kg import pipeline

    target = output or update or DEFAULT_GRAPH_PATH
    # Held for the whole run, not only the save: a second build of the same file fails at once
    # instead of after its extraction, and two --update runs cannot each drop the other's papers.
    with _friendly_errors(), graph_write_lock(target):
        started = time.perf_counter()
        report = IngestReport()
        papers = list(read_papers(inputs, format=_value(fmt), strict=strict, column_map=_parse_map(mapping), report=report))
        require_papers(report, inputs, target)
        extractor = Extractor(model, n_process=processes)
        if update is not None:
            _, old_papers, old_extractions = load_records(update)
            graph, all_papers, extractions, extracted = pipeline.update(
                old_papers, old_extractions, papers, extractor=extractor, progress=not quiet
            )
        else:
            total = len(papers)
            # drain: each paper record leaves memory once it is spooled with its extraction
            graph, all_papers, extractions = pipeline.build(
                pipeline.drain(papers), extractor=extractor, progress=not quiet, total=total
            )
            extracted = total
        save_graph(graph, target, papers=all_papers.lines(), extractions=extractions.lines())
        elapsed = time.perf_counter() - started
        err.print(report.summary(), highlight=False, markup=False)
        err.print(
            f"graph: {sum(1 for _, l in graph.nodes(data='label') if l == 'Paper')} papers, "
            f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships; "
            f"extracted {extracted} papers in {elapsed:.1f}s -> {target}",
            highlight=False,
            markup=False,
        )


@app.command()
def extract(
    inputs: InputsArg,
    # Output is always JSON Lines; the flag is still accepted (hidden) so older scripts keep working.
    jsonl: Annotated[bool, typer.Option("--jsonl", hidden=True, metavar="")] = True,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="write here \\[default: stdout]")] = None,
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

    with _friendly_errors():
        report = IngestReport()
        papers = read_papers(inputs, format=_value(fmt), strict=strict, column_map=_parse_map(mapping), report=report)
        sink = output.open("w", encoding="utf-8") if output else sys.stdout
        try:
            for record in Extractor(model, n_process=processes).extract(papers):
                sink.write(json.dumps(extract_jsonl_record(record), ensure_ascii=False) + "\n")
        finally:
            if output:
                sink.close()
        require_papers(report, inputs, None)
        err.print(report.summary(), highlight=False, markup=False)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="graphml: Gephi/Cytoscape; json: node-link JSON; neo4j-import: CSVs")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="PATH", help="file (graphml/json) or folder (neo4j-import)")],
    graph: GraphOpt = None,
) -> None:
    """Export the embedded graph for Gephi/Cytoscape (GraphML), as JSON, or as neo4j-admin import CSVs."""
    from kg.api import KnowledgeGraph

    with _friendly_errors():
        path = KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH).export(fmt.value, output)
        err.print(f"wrote {fmt.value} to {path}", highlight=False, markup=False)


@app.command()
def load(
    inputs: Annotated[
        list[Path] | None, typer.Argument(metavar="INPUT...", help="build from these inputs instead of a graph file")
    ] = None,
    graph: GraphOpt = None,
    uri: Annotated[
        str | None, typer.Option("--uri", help="Neo4j to load into (or NEO4J_URI) \\[default: bolt://127.0.0.1:7687]")
    ] = None,
    username: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="rows per UNWIND transaction")] = 5000,
    quiet: QuietOpt = False,
) -> None:
    """Push the embedded graph into Neo4j (idempotent: loading twice changes nothing)."""
    from kg.api import KnowledgeGraph
    from kg.neo4j.loader import load_graph_into_neo4j
    from kg.neo4j.settings import Neo4jSettings, connect

    with _friendly_errors():
        kg_ = KnowledgeGraph.build(inputs) if inputs else KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH)
        auth = (username or os.environ.get("NEO4J_USERNAME", "neo4j"), password) if password else None
        settings = Neo4jSettings.resolve(uri=uri, auth=auth, database=database)
        with connect(settings) as driver:
            summary = load_graph_into_neo4j(
                kg_.graph, driver, database=settings.database, batch_size=batch_size, progress=not quiet
            )
        err.print(str(summary), highlight=False, markup=False)


ModelOpt = Annotated[Path | None, typer.Option("--model", metavar="DIR", help="spaCy NER pipeline directory \\[default: the shipped model]")]


def _print_eval(report: Any, as_json: bool) -> None:
    if as_json:
        out.print_json(data=report.as_dict())
    else:
        out.print(report.render(), highlight=False)


@eval_app.callback()
def eval_main(ctx: typer.Context, model: ModelOpt = None, as_json: JsonOpt = False) -> None:
    """Without a subcommand: extraction P/R/F1 per label on the dev sets."""
    if ctx.invoked_subcommand is not None:
        return
    from kg.eval import run_eval

    with _friendly_errors():
        _print_eval(run_eval(None, model=model), as_json)


@eval_app.command("ner")
def eval_ner(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="SciERC JSON or TDMSci CoNLL files to score")],
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extraction P/R/F1 per label on annotated SciERC / TDMSci files."""
    from kg.eval import run_eval

    with _friendly_errors():
        _print_eval(run_eval(files, model=model), as_json)


@eval_app.command("entities")
def eval_entities(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="entities-dev format JSONL (methods/datasets/tasks/metrics per abstract)")],
    model: ModelOpt = None,
    papers: Annotated[
        Path | None, typer.Option("--papers", help="abstracts for lines without one, by title [default: examples/seed_abstracts.jsonl]")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Typed paper-level P/R/F1 of the product extractor on hand-annotated abstracts."""
    from kg.eval import EvalReport, default_model_path
    from kg.eval.entities import evaluate_entities

    with _friendly_errors():
        scores = evaluate_entities(file, model=model, papers=papers)
        _print_eval(EvalReport(model=str(model or default_model_path()), entities=[scores]), as_json)


@eval_app.command("questions")
def eval_questions(
    files: Annotated[list[Path] | None, typer.Argument(metavar="FILE...", show_default=False, help="questions files in the questions-dev.jsonl format \\[default: ../shared/eval/questions-dev.jsonl]")] = None,
    graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
    brief: Annotated[bool, typer.Option("--brief", metavar="", help="summary rows only, no per-question lines")] = False,
) -> None:
    """Score `kg query papers-using X --for Y` on hand-judged questions, beside the word-match baseline."""
    from kg.eval.questions import DEFAULT_QUESTIONS, evaluate_questions

    with _friendly_errors():
        with _open_graph(graph, uri, username, password, database) as kg_:
            reports = [evaluate_questions(kg_, f) for f in (files or [DEFAULT_QUESTIONS])]
        if as_json:
            sys.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2) + "\n")
            return
        for report in reports:
            out.print(report.render(details=not brief), highlight=False, soft_wrap=True)


# ------------------------------------------------------------------------------------------------
SCORE_NOTE = "score: higher means stronger support in the graph; it orders this answer and is not a probability"
_HEADINGS = {
    "papers_using": "Papers using {x}", "papers_proposing": "Papers proposing {x}", "methods_for": "Methods for {task}",
    "datasets_for": "Datasets for {task}", "tasks_for": "Tasks {method} is used for",
    "related_papers": "Papers related to {paper_id}", "lookup": "Entities known as {name}",
}


def _heading(query: dict[str, Any]) -> str:
    """A table title people read: 'Papers using "transformer" for "object detection"'."""
    values = {k: f'"{v}"' for k, v in query.items() if v is not None}
    text = _HEADINGS.get(query.get("helper", ""), "{helper}").format_map({"helper": "", **values})
    if query.get("task") is not None and query.get("helper") == "papers_using":
        text += f' for "{query["task"]}"'
    if query.get("label") is not None:
        text += f' (label {query["label"]})'
    return text


def _print_answer(query: dict[str, Any], results: list, as_json: bool, kind: str) -> None:
    if as_json:
        payload = {"query": query, "results": [r.model_dump() for r in results]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    title = _heading(query)
    if not results:
        out.print(f"[yellow]no answers[/]: {title}", highlight=False)
        return
    # Ids fold onto the next line rather than being cut: they are meant to be pasted back.
    table = Table(title=title, show_lines=True, expand=True, caption=SCORE_NOTE, caption_justify="left")
    if kind == "paper":
        table.add_column("#", justify="right", width=3)
        # with a ratio, rich takes `width` as the minimum: title:<16 hex> stays on one line
        table.add_column("paper", ratio=2, overflow="fold", width=22)
        table.add_column("score", justify="right", width=6)
        table.add_column("evidence", ratio=4)
        for i, r in enumerate(results, 1):
            head = f"[bold]{r.title}[/]\n{r.paper_id}" + (f" ({r.year})" if r.year else "")
            table.add_row(str(i), head, f"{r.score:.2f}", "\n".join(f"• {s}" for s in r.evidence[:2]))
    else:
        table.add_column("#", justify="right", width=3)
        table.add_column("name", ratio=2, overflow="fold")
        table.add_column("papers", justify="right", width=6)
        table.add_column("score", justify="right", width=6)
        table.add_column("evidence", ratio=4)
        for i, r in enumerate(results, 1):
            aliases = f"\n[dim]{', '.join(a for a in r.aliases if a != r.name)[:80]}[/]" if r.aliases else ""
            table.add_row(str(i), f"[bold]{r.name}[/] ({r.label}){aliases}", str(r.paper_count), f"{r.score:.2f}",
                          "\n".join(f"• {s}" for s in r.evidence[:2]))
    out.print(table)


def _run_query(
    kind: str, query: dict[str, Any], call: Callable[[Any], list], graph, uri, username, password, database, as_json
) -> None:
    with _friendly_errors():
        with _open_graph(graph, uri, username, password, database) as kg_:
            results = call(kg_)
        _print_answer(query, results, as_json, kind)


@query_app.command("papers-using")
def q_papers_using(
    x: Annotated[str, typer.Argument(metavar="X", help="method or dataset, any alias")],
    task: Annotated[str | None, typer.Option("--for", metavar="TASK", help="task the papers address, as you would say it")] = None,
    limit: LimitOpt = 20, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
    explain: Annotated[bool, typer.Option("--explain", metavar="", help="print how X and Y were resolved (stderr)")] = False,
) -> None:
    """Papers that use X (or anything that IS_A X), for task Y: same-sentence evidence ranks first."""
    query = {"helper": "papers_using", "x": x, "task": task}
    if task is None:
        _run_query("paper", query, lambda g: g.papers_using(x, task, limit=limit), graph, uri, username, password,
                   database, as_json)
        return
    with _friendly_errors():
        with _open_graph(graph, uri, username, password, database) as kg_:
            answer = kg_.answer_papers_using(x, task, limit=limit)
    if as_json:
        payload = {"query": query, "results": [r.model_dump() for r in answer.results],
                   "explain": answer.explain, "resolution": answer.resolution}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print_answer(query, answer.results, False, "paper")
    if answer.explain:
        err.print(f"why: {answer.explain}", highlight=False, markup=False)
    if explain:
        for side, name in (("x", x), ("y", task)):
            err.print(f"{side.upper()} {name!r}:", highlight=False, markup=False)
            for line in answer.resolution.get(side, []):
                err.print(f"  {line}", highlight=False, markup=False)


@query_app.command("papers-proposing")
def q_papers_proposing(
    x: Annotated[str, typer.Argument(metavar="X", help="method or dataset")],
    limit: LimitOpt = 20, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Papers that introduce X."""
    _run_query("paper", {"helper": "papers_proposing", "x": x},
               lambda g: g.papers_proposing(x, limit=limit), graph, uri, username, password, database, as_json)


@query_app.command("methods-for")
def q_methods_for(
    task: Annotated[str, typer.Argument(metavar="TASK", help="task, any alias")],
    limit: LimitOpt = 20, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Methods used for a task."""
    _run_query("entity", {"helper": "methods_for", "task": task},
               lambda g: g.methods_for(task, limit=limit), graph, uri, username, password, database, as_json)


@query_app.command("datasets-for")
def q_datasets_for(
    task: Annotated[str, typer.Argument(metavar="TASK", help="task, any alias")],
    limit: LimitOpt = 20, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Datasets used for a task."""
    _run_query("entity", {"helper": "datasets_for", "task": task},
               lambda g: g.datasets_for(task, limit=limit), graph, uri, username, password, database, as_json)


@query_app.command("tasks-for")
def q_tasks_for(
    method: Annotated[str, typer.Argument(metavar="METHOD", help="method, any alias")],
    limit: LimitOpt = 20, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Tasks a method is used for."""
    _run_query("entity", {"helper": "tasks_for", "method": method},
               lambda g: g.tasks_for(method, limit=limit), graph, uri, username, password, database, as_json)


@query_app.command("related")
def q_related(
    paper_id: Annotated[str, typer.Argument(metavar="PAPER_ID", help="paper id, e.g. arxiv:2309.08349 or title:...")],
    limit: LimitOpt = 10, graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Papers related by shared entities and citations."""
    _run_query("paper", {"helper": "related_papers", "paper_id": paper_id},
               lambda g: g.related_papers(paper_id, limit=limit), graph, uri, username, password, database, as_json)


@query_app.command("lookup")
def q_lookup(
    name: Annotated[str, typer.Argument(metavar="NAME", help="any spelling: alias, abbreviation, plural")],
    label: Annotated[str | None, typer.Option("--label", metavar="LABEL", help="Method, Dataset, Task or Metric")] = None,
    graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Entities known by a name through any alias."""
    _run_query("entity", {"helper": "lookup", "name": name, "label": label},
               lambda g: g.lookup(name, label), graph, uri, username, password, database, as_json)


@query_app.command("stats")
def q_stats(
    graph: GraphOpt = None, uri: UriOpt = None, username: UserOpt = None,
    password: PasswordOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False,
) -> None:
    """Node and relationship counts and extraction coverage."""
    with _friendly_errors():
        with _open_graph(graph, uri, username, password, database) as kg_:
            stats = kg_.stats()
        if as_json:
            sys.stdout.write(json.dumps(stats, indent=2) + "\n")
            return
        table = Table(title="graph stats")
        table.add_column("what")
        table.add_column("count", justify="right")
        for label, n in stats["nodes"].items():
            table.add_row(f"(:{label})", str(n))
        for rel, n in stats["relationships"].items():
            table.add_row(f"[:{rel}]", str(n))
        table.add_row("papers with abstract", str(stats["papers_with_abstract"]))
        table.add_row("share with >=1 method and >=1 task", f"{stats['share_with_method_and_task']:.1%}")
        out.print(table)


# ------------------------------------------------------------------------------------------------
@neo4j_app.command("start")
def neo4j_start(
    bolt_port: Annotated[int, typer.Option("--bolt-port", help="Bolt port (drivers, kg load / query --uri)")] = 7687,
    http_port: Annotated[int, typer.Option("--http-port", help="HTTP port (Neo4j Browser)")] = 7474,
    password: Annotated[
        str | None,
        typer.Option("--password", metavar="PASSWORD", help="turn auth on: user neo4j gets this password (8+ characters) \\[default: no auth]"),
    ] = None,
) -> None:
    """Fetch (first time) and start a local Neo4j 5.26 Community server."""
    from kg.neo4j import server

    with _friendly_errors():
        info = server.start(
            server.default_home(), bolt_port=bolt_port, http_port=http_port, password=password,
            progress=lambda line: err.print(line, highlight=False, markup=False),
        )
        err.print(f"Neo4j is up: {info.uri}  Browser: {info.browser_url}", highlight=False, markup=False)


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j server."""
    from kg.neo4j import server

    with _friendly_errors():
        home = server.default_home()
        if server.stop(home):
            err.print("Neo4j stopped", highlight=False, markup=False)
        else:
            err.print(f"no local Neo4j server was running (instance in {home}); nothing to stop", highlight=False, markup=False)


if __name__ == "__main__":
    app()
