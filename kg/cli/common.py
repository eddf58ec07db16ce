"""What every `kg` command shares: the Typer apps, consoles, option types and error handling."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from kg.graph.schema import DEFAULT_GRAPH_PATH, EXPORT_FORMATS
from kg.ingest.formats import FORMATS as INPUT_FORMATS

app = typer.Typer(
    help="paper-kg: turn research-paper abstracts into a knowledge graph and ask it questions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
query_app = typer.Typer(
    help="Ask the graph (embedded file by default, Neo4j with --uri or NEO4J_URI).", no_args_is_help=True
)
neo4j_app = typer.Typer(
    help="Run a local Neo4j server from Maven Central jars (no Docker needed).", no_args_is_help=True
)
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
UriOpt = Annotated[
    str | None, typer.Option("--uri", metavar="URI", help="Neo4j URI (or NEO4J_URI); answers come from Neo4j")
]
UserOpt = Annotated[str | None, typer.Option("--username", metavar="USER", help="Neo4j user (or NEO4J_USERNAME)")]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password", metavar="PASSWORD", help="Neo4j password (or NEO4J_PASSWORD); never printed", show_default=False
    ),
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", metavar="NAME", help="Neo4j database (or NEO4J_DATABASE)")
]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="print JSON instead of a table")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="at most this many answers")]
# Choices as enums so --help lists them and a typo is refused with the list.
InputFormat = Enum("InputFormat", {name: name for name in INPUT_FORMATS}, type=str)  # type: ignore[misc]  # members computed
ExportFormat = Enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, type=str)  # type: ignore[misc]  # members computed
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar", metavar="")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="stop at the first bad record", metavar="")]
InputFormatOpt = Annotated[
    InputFormat | None, typer.Option("--format", help="input format \\[default: detected from name and content]")
]
MapOpt = Annotated[
    str | None,
    typer.Option(
        "--map", metavar="FIELD=COLUMN,...", help="JSONL/CSV columns for our fields, e.g. abstract=summary,title=name"
    ),
]
ProcessesOpt = Annotated[int, typer.Option("--processes", "-p", min=1, help="extraction processes")]
InputsArg = Annotated[
    list[Path],
    typer.Argument(metavar="INPUT...", help="files or folders of papers (seeds txt, JSONL, CSV, arXiv, OpenAlex, S2)"),
]

VocabOpt = Annotated[
    Path | None,
    typer.Option(
        "--vocab",
        metavar="FILE",
        help="your vocabulary (JSON lines, docs/vocabulary.md): extends or overrides the shipped one",
    ),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="SCHEDULER",
        help="extract on a Dask cluster: local[:N] (a LocalCluster of N processes) or a scheduler address such as tcp://host:8786 (needs paper-kg[dask])",
    ),
]
ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", metavar="DIR", help="spaCy NER pipeline directory \\[default: the shipped model]"),
]


def expected_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean bad input or environment: shown as one line, never as a traceback."""
    from kg.graph.store import GraphFileError, GraphLockedError
    from kg.ingest import IngestError

    errors: list[type[BaseException]] = [
        GraphFileError,
        GraphLockedError,
        IngestError,
        ValueError,
        FileNotFoundError,
        PermissionError,
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
    from kg.distributed import PartitionFailedError  # imports no dask: the message is all a user needs

    errors.append(PartitionFailedError)
    return tuple(errors)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    # the library's warnings as one line on stderr, like the errors (not Python's file:line form)
    err.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False, markup=True)


@contextmanager
def friendly_errors() -> Iterator[None]:
    import warnings

    warnings.showwarning = _show_warning
    try:
        yield
    except expected_errors() as exc:
        # The message may hold paths or input text with brackets: escaped, so markup never eats it.
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True)
        raise typer.Exit(2) from None


@contextmanager
def interrupted_leaves(state: str) -> Iterator[None]:
    """On Ctrl-C: one line saying what was left as it was (e.g. 'GRAPH unchanged'), exit 130, no traceback."""
    try:
        yield
    except KeyboardInterrupt:
        err.print(f"interrupted; {state}", highlight=False, markup=False)
        raise typer.Exit(130) from None


def non_blank(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """Refuse an empty or blank name (`papers-using ""`) as a usage error: one line, exit 2."""
    if value is not None and not value.strip():
        what = param.opts[0] if param.param_type_name == "option" else (param.metavar or param.name or "").upper()
        err.print(f'error: {what} is empty; give a name, e.g. "transformer"', highlight=False, markup=False)
        raise typer.Exit(2)
    return value


def option_value(choice: Enum | None) -> str | None:
    return choice.value if choice is not None else None


def parse_map(mapping: str | None) -> dict[str, str] | None:
    if not mapping:
        return None
    pairs = {}
    for item in mapping.split(","):
        ours, _, theirs = item.partition("=")
        if not ours.strip() or not theirs.strip():
            raise ValueError(f"--map expects field=column pairs separated by commas, got {item!r}")
        pairs[ours.strip()] = theirs.strip()
    return pairs


@dataclass(frozen=True)
class GraphSource:
    """Where a command finds the graph: the embedded file, or Neo4j when --uri or NEO4J_URI is given."""

    graph: Path | None = None
    uri: str | None = None
    username: str | None = None
    password: str | None = None
    database: str | None = None

    def auth(self) -> tuple[str, str] | None:
        """(user, password) when a password is given (flag or NEO4J_PASSWORD is read by the settings)."""
        return (self.username or os.environ.get("NEO4J_USERNAME", "neo4j"), self.password) if self.password else None

    def open(self):
        """The KnowledgeGraph this source names (use it as a context manager)."""
        return open_graph(self.graph, self.uri, self.username, self.password, self.database)


SOURCE_PARAMETER = "source"


def graph_source_options(
    command: Callable[..., Any] | None = None, *, uri_help: str | None = None
) -> Callable[..., Any]:
    """Give a command the five connection options (--graph, --uri, --username, --password, --database).

    The command declares one parameter `source: GraphSource`; the options take its place in the
    signature Typer reads, and the command receives them as one GraphSource. Defined once here
    rather than repeated on every command.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        uri = UriOpt if uri_help is None else Annotated[str | None, typer.Option("--uri", metavar="URI", help=uri_help)]
        options = {"graph": GraphOpt, "uri": uri, "username": UserOpt, "password": PasswordOpt, "database": DatabaseOpt}
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            if param.name != SOURCE_PARAMETER:
                params.append(param)
                continue
            params += [
                inspect.Parameter(name, param.kind, default=None, annotation=annotation)
                for name, annotation in options.items()
            ]

        @functools.wraps(func)
        def command_with_source(*args: Any, **kwargs: Any) -> Any:
            source = GraphSource(**{name: kwargs.pop(name, None) for name in options})
            return func(*args, source=source, **kwargs)

        del command_with_source.__wrapped__  # Typer must read the signature below, not func's
        command_with_source.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        command_with_source.__annotations__ = {p.name: p.annotation for p in params}
        return command_with_source

    return decorate(command) if command is not None else decorate


def neo4j_wanted(uri: str | None) -> bool:
    return bool(uri or os.environ.get("NEO4J_URI"))


def open_graph(graph: Path | None, uri: str | None, username: str | None, password: str | None, database: str | None):
    from kg.api import KnowledgeGraph

    if graph is None and neo4j_wanted(uri):
        auth = GraphSource(graph, uri, username, password, database).auth()
        return KnowledgeGraph.neo4j(uri, auth=auth, database=database)
    # commands run many times in a row on one file: load it through its snapshot (kg.graph.snapshot)
    return KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH, snapshot=True)
