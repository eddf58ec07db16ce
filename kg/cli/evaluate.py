"""`kg eval`: extraction, entity and answer scores against hand-judged data."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.cli.common import (
    DatabaseOpt,
    GraphOpt,
    GraphSource,
    JsonOpt,
    ModelOpt,
    PasswordOpt,
    UriOpt,
    UserOpt,
    err,
    eval_app,
    friendly_errors,
    graph_source_options,
    open_graph,
    out,
)


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
    from kg.eval.readers import data_dir, require_repo_data

    with friendly_errors():
        require_repo_data(data_dir(), "kg eval", "pass your own files with `kg eval ner FILE...` or set KG_DATA_DIR")
        _print_eval(run_eval(None, model=model), as_json)


@eval_app.command("ner")
def eval_ner(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="SciERC JSON or TDMSci CoNLL files to score")],
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extraction P/R/F1 per label on annotated SciERC / TDMSci files."""
    from kg.eval import run_eval

    with friendly_errors():
        _print_eval(run_eval(files, model=model), as_json)


@eval_app.command("entities")
def eval_entities(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="entities-dev format JSONL (methods/datasets/tasks/metrics per abstract)"),
    ],
    model: ModelOpt = None,
    papers: Annotated[
        Path | None,
        typer.Option(
            "--papers", help="abstracts for lines without one, by title [default: examples/seed_abstracts.jsonl]"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Typed paper-level P/R/F1 of the product extractor on hand-annotated abstracts."""
    from kg.eval import EvalReport, default_model_path
    from kg.eval.entities import evaluate_entities

    with friendly_errors():
        scores = evaluate_entities(file, model=model, papers=papers)
        _print_eval(EvalReport(model=str(model or default_model_path()), entities=[scores]), as_json)


@eval_app.command("questions")
@graph_source_options
def eval_questions(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE...",
            show_default=False,
            help="questions files in the questions-dev.jsonl format \\[default: ../shared/eval/questions-dev.jsonl]",
        ),
    ] = None,
    source: GraphSource = GraphSource(),
    as_json: JsonOpt = False,
    brief: Annotated[
        bool, typer.Option("--brief", metavar="", help="summary rows only, no per-question lines")
    ] = False,
) -> None:
    """Score `kg query papers-using X --for Y` on hand-judged questions, beside the word-match baseline."""
    from kg.eval.questions import DEFAULT_QUESTIONS, evaluate_questions
    from kg.eval.readers import require_repo_data

    with friendly_errors():
        if not files:
            files = [require_repo_data(DEFAULT_QUESTIONS, "kg eval questions", "pass a questions FILE")]
        with source.open() as kg_:
            reports = [evaluate_questions(kg_, f) for f in files]
        if as_json:
            sys.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2) + "\n")
            return
        for report in reports:
            out.print(report.render(details=not brief), highlight=False, soft_wrap=True)


@eval_app.command("helpers")
def eval_helpers(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE...",
            show_default=False,
            help="helper questions in the helpers-dev.jsonl format \\[default: ../shared/eval/helpers-dev.jsonl]",
        ),
    ] = None,
    graph: GraphOpt = None,
    uri: UriOpt = None,
    username: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    as_json: JsonOpt = False,
    brief: Annotated[
        bool, typer.Option("--brief", metavar="", help="summary rows only, no per-question lines")
    ] = False,
) -> None:
    """Score `kg query methods-for / datasets-for / tasks-for` lists (precision@10, recall@10) on hand-judged answers."""
    from kg.eval.helpers import DEFAULT_HELPERS, evaluate_helpers

    with friendly_errors():
        with open_graph(graph, uri, username, password, database) as kg_:
            reports = [evaluate_helpers(kg_, f) for f in (files or [DEFAULT_HELPERS])]
        if as_json:
            sys.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2) + "\n")
            return
        for report in reports:
            out.print(report.render(details=not brief), highlight=False, soft_wrap=True, markup=False)


@eval_app.command("leaderboard-check")
def eval_leaderboard_check(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="where to write papers.jsonl, questions.jsonl and helpers.jsonl")
    ],
    papers: Annotated[
        int | None,
        typer.Option("--papers", metavar="N", help="a seeded sample of N papers [default: all held-out papers]"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the sample")] = 0,
) -> None:
    """Write a Papers-with-Code check from leaderboards the vocabulary never read (build DIR/papers.jsonl, then
    score with `kg eval questions DIR/questions.jsonl` and `kg eval helpers DIR/helpers.jsonl`)."""
    from kg.eval.leaderboards import write_check

    with friendly_errors():
        counts = write_check(folder, limit=papers, seed=seed)
    for name, count in counts.items():
        err.print(f"{folder / name}: {count} records", highlight=False)
