"""`kg trends`, `kg analyze` and `kg view`: the field at a glance, from the embedded graph file."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kg.cli.common import DEFAULT_GRAPH_PATH, GraphOpt, JsonOpt, app, err, friendly_errors, out

LABELS = ("Method", "Dataset", "Task", "Metric")
LabelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--label", "-l", metavar="LABEL", help="only entities of this label (Method, Dataset, Task, Metric); repeatable"
    ),
]


def _labels(given: list[str] | None) -> tuple[str, ...]:
    """The labels asked for, checked against the schema (a typo is one error line)."""
    if not given:
        return LABELS
    by_fold = {label.casefold(): label for label in LABELS}
    unknown = [g for g in given if g.casefold() not in by_fold]
    if unknown:
        raise ValueError(f"unknown label {unknown[0]!r}; expected one of {', '.join(LABELS)}")
    return tuple(by_fold[g.casefold()] for g in given)


def _dump(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _print_trends(trends: list) -> None:
    table = Table(title="Papers per year (aliases and IS_A family included)")
    table.add_column("year", justify="right")
    for t in trends:
        table.add_column(escape(t.name), justify="right")
    table.add_column("all papers", justify="right", style="dim")
    years = trends[0].years
    for i, year in enumerate(years):
        table.add_row(str(year), *(str(t.papers[i]) for t in trends), str(trends[0].totals[i]))
    out.print(table)
    for t in trends:
        if not t.entities:
            err.print(f"no entity is known as {t.name!r} (try `kg query lookup`)", highlight=False, markup=False)


def _print_rising(found: list) -> None:
    if not found:
        out.print("[yellow]no bursts[/]", highlight=False)
        return
    table = Table(title="Rising: bursts in the share of papers (Kleinberg, two states)")
    table.add_column("#", justify="right")
    table.add_column("name")
    table.add_column("label")
    table.add_column("papers", justify="right")
    table.add_column("bursts (years: papers, weight)")
    table.add_column("papers per year (last 6)")
    for n, r in enumerate(found, 1):
        spans = "; ".join(f"{b.start}-{b.end}: {b.papers}, {b.weight:.1f}" for b in r.bursts)
        recent = " ".join(f"{y % 100:02d}:{c}" for y, c in zip(r.years[-6:], r.papers[-6:], strict=True))
        table.add_row(str(n), escape(r.name), r.label, str(r.paper_count), spans, recent)
    out.print(table)


@app.command()
def trends(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="NAME...", help="entities, any alias; IS_A family included")
    ] = None,
    label: LabelOpt = None,
    rising: Annotated[
        bool, typer.Option("--rising", help="list entities whose share of papers bursts", metavar="")
    ] = False,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            metavar="YEAR",
            help="with --rising: bursts starting in or after YEAR \\[default: the last 5 years]",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, metavar="N", help="with --rising: at most N entities")
    ] = 20,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="CHART.svg", help="also draw the trends as an SVG chart")
    ] = None,
    graph: GraphOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Papers per year for each NAME, or with --rising the entities whose share of papers bursts."""
    from kg.api import KnowledgeGraph

    with friendly_errors():
        labels = _labels(label)
        if not rising and not names:
            raise ValueError("give one or more NAMEs, or --rising")
        if output is not None and output.suffix.lower() != ".svg":
            raise ValueError(f"the chart is written as SVG (no plotting dependency); name it .svg, not {output.name!r}")
        kg_ = KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH)
        if rising:
            found = kg_.rising(label=labels, since=since, limit=limit)
            if as_json:
                _dump([r.model_dump() for r in found])
            else:
                _print_rising(found)
            return
        result = kg_.trends(names or [], label=labels)
        if output is not None:
            from kg.view.chart import trend_svg

            output.write_text(trend_svg(result), encoding="utf-8")
            err.print(f"wrote {output}", highlight=False, markup=False)
        if as_json:
            _dump([t.model_dump() for t in result])
        elif result and result[0].years:
            _print_trends(result)
        else:
            out.print("[yellow]no paper in the graph has a year[/]", highlight=False)


@app.command()
def analyze(
    graph: GraphOpt = None,
    as_json: JsonOpt = False,
    seed: Annotated[int, typer.Option("--seed", help="Louvain seed (same seed, same fronts)")] = 0,
) -> None:
    """Rank papers and entities by centrality, find research fronts; both are saved on the graph's nodes."""
    from kg.api import KnowledgeGraph

    path = graph or DEFAULT_GRAPH_PATH
    with friendly_errors():
        started = time.perf_counter()
        kg_ = KnowledgeGraph.load(path)
        result = kg_.analyze(seed=seed)
        kg_.save(path)
        seconds = time.perf_counter() - started
    if as_json:
        _dump(result.model_dump())
        return
    table = Table(title=f"Research fronts (Louvain over co-occurring methods and tasks, seed {seed})")
    table.add_column("front", justify="right")
    table.add_column("name (top entities)")
    table.add_column("members", justify="right")
    table.add_column("papers", justify="right")
    table.add_column("papers per year (last 6)")
    for f in result.fronts:
        recent = " ".join(f"{y % 100:02d}:{c}" for y, c in zip(f.years[-6:], f.per_year[-6:], strict=True))
        table.add_row(str(f.id), escape(f.name), str(len(f.members)), str(f.papers), recent)
    out.print(table)
    ranks = Table(title=f"Most central entities (PageRank over {result.basis})")
    ranks.add_column("#", justify="right")
    ranks.add_column("entity")
    ranks.add_column("label")
    ranks.add_column("centrality", justify="right")
    ranks.add_column("front", justify="right")
    for n, r in enumerate(result.top_entities[:10], 1):
        ranks.add_row(str(n), escape(r.name), r.label, f"{r.centrality:.3f}", "" if r.front is None else str(r.front))
    out.print(ranks)
    err.print(f"stored front and centrality on the nodes of {path} ({seconds:.1f}s)", highlight=False, markup=False)


@app.command()
def view(
    name: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="entity (any alias) or paper id; none: the map of fronts")
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="PAGE.html", help="HTML file to write")] = Path(
        "view.html"
    ),
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, metavar="N", help="map: the N most-mentioned entities")
    ] = 500,
    graph: GraphOpt = None,
) -> None:
    """Write one self-contained HTML page (no CDN, no server): the map of fronts or the neighbourhood of NAME."""
    from kg.api import KnowledgeGraph

    with friendly_errors():
        started = time.perf_counter()
        page = KnowledgeGraph.load(graph or DEFAULT_GRAPH_PATH).view(name, output, max_nodes=max_nodes)
        err.print(
            f"wrote {page} ({page.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f}s); open it in a browser",
            highlight=False,
            markup=False,
        )
