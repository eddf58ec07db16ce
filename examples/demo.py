"""Demo: open the graph built from the sample abstracts and answer a few real questions."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from rich.console import Console

from kg import KnowledgeGraph

QUESTIONS = [
    ("Which papers use sliced Wasserstein distances?", "papers_using", ("sliced Wasserstein distance",), {}),
    (
        "Which papers use transformers for object detection?",
        "papers_using",
        ("transformer",),
        {"task": "object detection"},
    ),
    ("Which methods are used for image classification?", "methods_for", ("image classification",), {}),
    ("Which datasets are used for object detection?", "datasets_for", ("object detection",), {}),
    ("For which tasks are diffusion models used?", "tasks_for", ("diffusion model",), {}),
]


def main(path: str) -> None:
    """Print the answers with their evidence sentences."""
    console = Console()
    graph = KnowledgeGraph.load(path)
    stats = graph.stats()
    console.print(
        f"[bold]{stats['nodes']['Paper']} papers[/], "
        + ", ".join(f"{n} {label}s" for label, n in stats["nodes"].items() if label not in ("Paper", "Author"))
        + f"; {stats['share_with_method_and_task']:.0%} of papers have a method and a task\n"
    )
    for question, helper, args, kwargs in QUESTIONS:
        console.rule(f"[bold cyan]{question}")
        results = getattr(graph, helper)(*args, **kwargs, limit=5)
        if not results:
            console.print("  (no answers)")
        for r in results:
            if hasattr(r, "paper_id"):
                console.print(f"  [bold]{r.title}[/] [dim]{r.paper_id} score {r.score:.2f}[/]")
            else:
                console.print(f"  [bold]{r.name}[/] [dim]{r.label}, {r.paper_count} papers, score {r.score:.2f}[/]")
            for sentence in r.evidence[:1]:
                console.print(f"     [green]“{sentence}”[/]")
        console.print()
    # Plain print: these lines are for copying, so they must not wrap or carry markup.
    print(next_steps(graph, path), end="")


def next_steps(graph: KnowledgeGraph, path: str) -> str:
    """What to type next, with this graph's path and a paper id that exists in it."""
    top = graph.papers_using("transformer", task="object detection", limit=1)
    papers = (n for n, label in graph.graph.nodes(data="label") if label == "Paper") if graph.graph is not None else ()
    paper_id = top[0].paper_id if top else next(iter(papers), "PAPER_ID")
    name = next((n for n in ("ViT", "DETR", "transformer") if graph.lookup(n)), "transformer")
    where = f" --graph {shlex.quote(path)}"
    commands = [
        f'kg query papers-using "transformer" --for "object detection"{where}',
        f"kg query related {shlex.quote(paper_id)}{where}",
        f'kg query lookup "{name}"{where}',
        f"kg query stats{where}",
        f"kg export --format graphml -o graph.graphml{where}",
    ]
    return (
        "Next: activate the virtualenv so `kg` is on PATH, then ask your own questions:\n"
        "  source .venv/bin/activate\n" + "".join(f"  {c}\n" for c in commands)
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path("out/demo.json.gz")))
