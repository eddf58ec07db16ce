"""`kg query`: the helpers, as tables or JSON."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.cli.common import (
    GraphSource,
    JsonOpt,
    LimitOpt,
    err,
    escape,
    friendly_errors,
    graph_source_options,
    non_blank,
    out,
    query_app,
)

SCORE_NOTE = "score: higher means stronger support in the graph; it orders this answer and is not a probability"
_HEADINGS = {
    "papers_using": "Papers using {x}",
    "papers_proposing": "Papers proposing {x}",
    "methods_for": "Methods for {task}",
    "datasets_for": "Datasets for {task}",
    "tasks_for": "Tasks {method} is used for",
    "related_papers": "Papers related to {paper_id}",
    "lookup": "Entities known as {name}",
}


def _heading(query: dict[str, Any]) -> str:
    """A table title people read: 'Papers using "transformer" for "object detection"'."""
    values = {k: f'"{v}"' for k, v in query.items() if v is not None}
    text = _HEADINGS.get(query.get("helper", ""), "{helper}").format_map({"helper": "", **values})
    if query.get("task") is not None and query.get("helper") == "papers_using":
        text += f' for "{query["task"]}"'
    if query.get("label") is not None:
        text += f" (label {query['label']})"
    return text


ALIASES_WIDTH = 80


def _alias_line(name: str, aliases: list[str], width: int = ALIASES_WIDTH) -> str:
    """Whole aliases (never cut mid-word) up to `width` characters, then how many more there are."""
    others = [a for a in aliases if a != name]
    shown: list[str] = []
    for alias in others:
        if shown and len(", ".join([*shown, alias])) > width:
            break
        shown.append(alias)
    if not shown:
        return ""
    more = f" (+{len(others) - len(shown)} more)" if len(shown) < len(others) else ""
    return f"\n[dim]{escape(', '.join(shown))}{more}[/]"


_STEP = re.compile(r"(?P<step>[\w -]+): '(?P<asked>[^']*)' -> (?P<found>.*)")


def _explain_line(line: str, asked: str) -> str:
    """A resolution step without the asked name repeated ("key -> Vision Transformer"), plural fixed."""
    line = re.sub(r"\b1 more entities\b", "1 more entity", line)
    step = _STEP.fullmatch(line)
    if step and step["asked"].casefold() == asked.casefold():
        return f"{step['step']} -> {step['found']}"
    return line


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
    elif query.get("helper") == "lookup":
        # A lookup names entities: no ranking score and no evidence sentence to show.
        table = Table(title=title, show_lines=True, expand=True)
        table.add_column("#", justify="right", width=3)
        table.add_column("name", ratio=3, overflow="fold")
        table.add_column("id", ratio=2, overflow="fold")
        table.add_column("papers", justify="right", width=6)
        for i, r in enumerate(results, 1):
            table.add_row(
                str(i),
                f"[bold]{escape(r.name)}[/] ({r.label}){_alias_line(r.name, r.aliases)}",
                r.entity_id,
                str(r.paper_count),
            )
    else:
        table.add_column("#", justify="right", width=3)
        table.add_column("name", ratio=2, overflow="fold")
        table.add_column("papers", justify="right", width=6)
        table.add_column("score", justify="right", width=6)
        table.add_column("evidence", ratio=4)
        for i, r in enumerate(results, 1):
            table.add_row(
                str(i),
                f"[bold]{escape(r.name)}[/] ({r.label}){_alias_line(r.name, r.aliases)}",
                str(r.paper_count),
                f"{r.score:.2f}",
                "\n".join(f"• {s}" for s in r.evidence[:2]),
            )
    out.print(table)


def _run_query(
    kind: str, query: dict[str, Any], call: Callable[[Any], list], source: GraphSource, as_json: bool
) -> None:
    with friendly_errors():
        with source.open() as kg_:
            results = call(kg_)
        _print_answer(query, results, as_json, kind)


@query_app.command("papers-using")
@graph_source_options
def q_papers_using(
    x: Annotated[str, typer.Argument(metavar="X", callback=non_blank, help="method or dataset, any alias")],
    task: Annotated[
        str | None,
        typer.Option("--for", metavar="TASK", callback=non_blank, help="task the papers address, as you would say it"),
    ] = None,
    limit: LimitOpt = 20,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
    explain: Annotated[
        bool, typer.Option("--explain", metavar="", help="print how X and Y were resolved (stderr)")
    ] = False,
) -> None:
    """Papers that use X (or anything that IS_A X), for task Y: same-sentence evidence ranks first."""
    query = {"helper": "papers_using", "x": x, "task": task}
    if task is None:
        _run_query("paper", query, lambda g: g.papers_using(x, task, limit=limit), source, as_json)
        return
    with friendly_errors(), source.open() as kg_:
        answer = kg_.answer_papers_using(x, task, limit=limit)
    if as_json:
        payload = {
            "query": query,
            "results": [r.model_dump() for r in answer.results],
            "explain": answer.explain,
            "resolution": answer.resolution,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print_answer(query, answer.results, False, "paper")
    if answer.explain:
        err.print(f"why: {answer.explain}", highlight=False, markup=False)
    if explain:
        for side, name in (("x", x), ("y", task)):
            err.print(f"{side.upper()} {name!r}:", highlight=False, markup=False)
            for line in answer.resolution.get(side, []):
                err.print(f"  {_explain_line(line, name)}", highlight=False, markup=False)


@query_app.command("papers-proposing")
@graph_source_options
def q_papers_proposing(
    x: Annotated[str, typer.Argument(metavar="X", callback=non_blank, help="method or dataset")],
    limit: LimitOpt = 20,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Papers that introduce X."""
    _run_query(
        "paper", {"helper": "papers_proposing", "x": x}, lambda g: g.papers_proposing(x, limit=limit), source, as_json
    )


@query_app.command("methods-for")
@graph_source_options
def q_methods_for(
    task: Annotated[str, typer.Argument(metavar="TASK", callback=non_blank, help="task, any alias")],
    limit: LimitOpt = 20,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Methods used for a task."""
    _run_query(
        "entity", {"helper": "methods_for", "task": task}, lambda g: g.methods_for(task, limit=limit), source, as_json
    )


@query_app.command("datasets-for")
@graph_source_options
def q_datasets_for(
    task: Annotated[str, typer.Argument(metavar="TASK", callback=non_blank, help="task, any alias")],
    limit: LimitOpt = 20,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Datasets used for a task."""
    _run_query(
        "entity", {"helper": "datasets_for", "task": task}, lambda g: g.datasets_for(task, limit=limit), source, as_json
    )


@query_app.command("tasks-for")
@graph_source_options
def q_tasks_for(
    method: Annotated[str, typer.Argument(metavar="METHOD", callback=non_blank, help="method, any alias")],
    limit: LimitOpt = 20,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Tasks a method is used for."""
    _run_query(
        "entity", {"helper": "tasks_for", "method": method}, lambda g: g.tasks_for(method, limit=limit), source, as_json
    )


@query_app.command("related")
@graph_source_options
def q_related(
    paper_id: Annotated[
        str, typer.Argument(metavar="PAPER_ID", callback=non_blank, help="paper id, e.g. arxiv:2309.08349 or title:...")
    ],
    limit: LimitOpt = 10,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Papers related by shared entities and citations."""
    _run_query(
        "paper",
        {"helper": "related_papers", "paper_id": paper_id},
        lambda g: g.related_papers(paper_id, limit=limit),
        source,
        as_json,
    )


@query_app.command("lookup")
@graph_source_options
def q_lookup(
    name: Annotated[
        str, typer.Argument(metavar="NAME", callback=non_blank, help="any spelling: alias, abbreviation, plural")
    ],
    label: Annotated[
        str | None, typer.Option("--label", metavar="LABEL", help="Method, Dataset, Task or Metric")
    ] = None,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
) -> None:
    """Entities known by a name through any alias."""
    _run_query(
        "entity", {"helper": "lookup", "name": name, "label": label}, lambda g: g.lookup(name, label), source, as_json
    )


@query_app.command("stats")
@graph_source_options
def q_stats(
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
    top: Annotated[int, typer.Option("--top", min=0, help="most-mentioned offered entities listed per label")] = 10,
) -> None:
    """Node and relationship counts, offered entities per label and the most mentioned, extraction coverage."""
    with friendly_errors():
        with source.open() as kg_:
            stats = kg_.stats(top=max(top, 1))
        if as_json:
            sys.stdout.write(json.dumps(stats, indent=2) + "\n")
            return
        table = Table(title="graph stats")
        table.add_column("what")
        table.add_column("count", justify="right")
        table.add_column("offered", justify="right")
        for label, n in stats["nodes"].items():
            offered = stats["offered"].get(label)
            table.add_row(f"(:{label})", str(n), "" if offered is None else str(offered))
        for rel, n in stats["relationships"].items():
            table.add_row(f"[:{rel}]", str(n))
        table.add_row("papers with abstract", str(stats["papers_with_abstract"]))
        table.add_row("share with >=1 method and >=1 task", f"{stats['share_with_method_and_task']:.1%}")
        out.print(table)
        if top:
            for label, rows in stats["top"].items():
                listed = ", ".join(f"{r['name']} ({r['papers']})" for r in rows[:top])
                out.print(f"[bold]{label}[/bold] most mentioned: {listed or '-'}", soft_wrap=True, highlight=False)
        from kg.graph.schema import OFFER_BAR

        out.print(
            f"offered: linked to the vocabulary or confident corpus entities (confidence >= {OFFER_BAR}); "
            "the others stay on their papers",
            style="dim",
            soft_wrap=True,
        )
