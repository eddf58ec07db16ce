"""Readers of the curated sources under shared/data/vocab and pwc_sota: each a pure function from a path to plain records."""

import ast
import csv
import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TaskNode:
    """One occurrence of a task in a tree: its name, ancestors (root first) and synonyms."""

    name: str
    ancestors: tuple[str, ...]
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class BenchmarkRow:
    """A dataset-task pair named by a curated source (ITO benchmark rows, sota-extractor, PwC task CSV)."""

    dataset: str
    task: str
    metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class OntologyTerm:
    """A term of the AI Ontology (OBO): id, name, exact synonyms, is_a parents, subsets."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    is_a: tuple[str, ...]
    subsets: tuple[str, ...]


@dataclass(frozen=True)
class MethodRecord:
    """A Papers with Code method: name, full name and its collections (families)."""

    name: str
    full_name: str
    collections: tuple[str, ...]


@dataclass(frozen=True)
class LeaderboardRow:
    """One (task, dataset, metric) row of a paper's leaderboards."""

    task: str
    dataset: str
    metric: str


@dataclass(frozen=True)
class LabelledPaper:
    """A pwc_sota paper with its abstract and leaderboard rows."""

    paper_id: str
    title: str
    abstract: str
    rows: tuple[LeaderboardRow, ...] = field(default_factory=tuple)


def _walk_tree(node: dict, ancestors: tuple[str, ...]) -> Iterator[tuple[dict, tuple[str, ...]]]:
    yield node, ancestors
    for child in node.get("children", []) or []:
        yield from _walk_tree(child, ancestors + (node["name"],))


def _list_field(value: object) -> tuple[str, ...]:
    """ITO stores synonym lists as Python-literal strings ("['a', 'b']")."""
    if not value:
        return ()
    if isinstance(value, str):
        parsed = ast.literal_eval(value) if value.startswith("[") else [value]
    else:
        parsed = value
    return tuple(str(item).strip() for item in parsed if str(item).strip())


def read_ito_tasks(path: Path) -> list[TaskNode]:
    """Every node of ITO's ai-process.json task tree (a task under two parents appears twice)."""
    root = json.loads(Path(path).read_text(encoding="utf-8"))
    nodes = []
    for node, ancestors in _walk_tree(root, ()):
        synonyms = _list_field(node.get("hasExactSynonym"))
        nodes.append(TaskNode(name=node["name"].strip(), ancestors=ancestors, synonyms=synonyms))
    return nodes


def read_ito_metrics(path: Path) -> list[tuple[str, ...]]:
    """Every path of ITO's performance-measure.json tree, root first."""
    root = json.loads(Path(path).read_text(encoding="utf-8"))
    return [ancestors + (node["name"].strip(),) for node, ancestors in _walk_tree(root, ())]


def read_ito_benchmarks(path: Path) -> list[BenchmarkRow]:
    """ITO's 'DATASET - TASK benchmarking' rows with their metric labels."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            label = record["benchmark_label"].strip()
            if not label.endswith(" benchmarking") or " - " not in label:
                continue
            dataset, task = label[: -len(" benchmarking")].rsplit(" - ", 1)
            metrics = tuple(m.strip() for m in (record.get("performance_measure_labels") or "").split(";") if m.strip())
            rows.append(BenchmarkRow(dataset=dataset.strip(), task=task.strip(), metrics=metrics))
    return rows


def read_aio_obo(path: Path) -> list[OntologyTerm]:
    """The [Term] stanzas of aio.obo with exact synonyms only (related synonyms are not synonyms)."""
    terms: list[OntologyTerm] = []
    current: dict | None = None

    def flush() -> None:
        if current and "id" in current and "name" in current:
            terms.append(
                OntologyTerm(
                    current["id"],
                    current["name"],
                    tuple(current["syn"]),
                    tuple(current["is_a"]),
                    tuple(current["subset"]),
                )
            )

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            flush()
            current = {"syn": [], "is_a": [], "subset": []} if line == "[Term]" else None
            continue
        if current is None or ": " not in line:
            continue
        key, value = line.split(": ", 1)
        if key in ("id", "name"):
            current[key] = value.strip()
        elif key == "synonym" and " EXACT " in value and value.startswith('"'):
            current["syn"].append(value[1:].split('"', 1)[0].strip())
        elif key == "is_a":
            current["is_a"].append(value.split(" ! ", 1)[0].strip())
        elif key == "subset":
            current["subset"].append(value.strip())
    flush()
    return terms


def _collections(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = ast.literal_eval(value) if value.strip() else []
    return tuple(c["collection"].strip() for c in value or [] if c.get("collection"))


def read_pwc_methods(path: Path) -> list[MethodRecord]:
    """A Papers with Code methods.json dump (plain or .gz)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        records = json.load(handle)
    return [
        MethodRecord(
            name=r["name"].strip(),
            full_name=(r.get("full_name") or "").strip(),
            collections=_collections(r.get("collections")),
        )
        for r in records
        if r.get("name") and r["name"].strip()
    ]


def read_sota_extractor_tasks(path: Path) -> tuple[list[TaskNode], list[BenchmarkRow]]:
    """Tasks (with subtask nesting and synonyms) and their datasets from one sota-extractor task file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data = data if isinstance(data, list) else [data]
    nodes: list[TaskNode] = []
    rows: list[BenchmarkRow] = []

    def walk(task: dict, ancestors: tuple[str, ...]) -> None:
        name = task["task"].strip().rstrip(":").strip()
        nodes.append(TaskNode(name=name, ancestors=ancestors, synonyms=_list_field(task.get("synonyms"))))
        for dataset in task.get("datasets", []) or []:
            rows.append(BenchmarkRow(dataset=dataset["dataset"].strip().rstrip(":").strip(), task=name))
        for sub in task.get("subtasks", []) or []:
            walk(sub, ancestors + (name,))

    for task in data:
        walk(task, ())
    return nodes, rows


def read_synonym_pairs(path: Path) -> list[tuple[str, str]]:
    """sota-extractor's synonyms.csv: (task, synonym) pairs."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        next(reader, None)
        return [(row[0].strip(), row[1].strip()) for row in reader if len(row) >= 2 and row[0].strip()]


def read_pwc_task_names(path: Path) -> list[str]:
    """The 2025 Papers with Code task names (one quoted name a line)."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        name = line.strip().strip('"').strip()
        if name:
            names.append(name)
    return names


def read_pwc_task_table(path: Path) -> list[BenchmarkRow]:
    """Task -> common dataset pairs of the 2025 PwC task table (the 'Common Datasets' column)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            task = (record.get("Task Name") or "").strip()
            for dataset in (record.get("Common Datasets (Top 10)") or "").split(";"):
                if task and dataset.strip():
                    rows.append(BenchmarkRow(dataset=dataset.strip(), task=task))
    return rows


def read_labelled_papers(path: Path, keep: Callable[[str], bool] = lambda _pid: True) -> list[LabelledPaper]:
    """pwc_sota papers with leaderboards, those whose id passes keep (the build passes 'not held out')."""
    papers = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not record.get("leaderboards") or not keep(record["paper_id"]):
                continue
            rows = tuple(
                LeaderboardRow(task=r["task"].strip(), dataset=r["dataset"].strip(), metric=r["metric"].strip())
                for r in record["leaderboards"]
                if r.get("task") and r.get("dataset") and r.get("metric")
            )
            papers.append(
                LabelledPaper(
                    paper_id=record["paper_id"],
                    title=record.get("title_latex") or "",
                    abstract=record.get("abstract_latex") or "",
                    rows=rows,
                )
            )
    return papers


@dataclass(frozen=True)
class SourceBundle:
    """Everything the build reads, as plain records."""

    ito_tasks: list[TaskNode]
    ito_metrics: list[tuple[str, ...]]
    ito_benchmarks: list[BenchmarkRow]
    extractor_tasks: list[tuple[str, TaskNode]]
    extractor_datasets: list[BenchmarkRow]
    synonym_pairs: list[tuple[str, str]]
    aio_terms: list[OntologyTerm]
    pwc_methods: list[MethodRecord]
    pwc_methods_extra: list[MethodRecord]
    pwc_task_names: list[str]
    pwc_task_datasets: list[BenchmarkRow]
    papers: list[LabelledPaper]


def read_sources(data_dir: Path, keep_paper: Callable[[str], bool]) -> SourceBundle:
    """Read every source under data_dir (the shared data folder: vocab/ and pwc_sota/)."""
    vocab = Path(data_dir) / "vocab"
    extractor_tasks: list[tuple[str, TaskNode]] = []
    extractor_datasets: list[BenchmarkRow] = []
    for task_file in sorted((vocab / "pwc_sota_extractor").glob("*.json")):
        nodes, rows = read_sota_extractor_tasks(task_file)
        extractor_tasks += [(task_file.name, node) for node in nodes]
        if task_file.name != "eff.json":  # EFF's "datasets" are sentences describing results
            extractor_datasets += rows
    return SourceBundle(
        ito_tasks=read_ito_tasks(vocab / "ito" / "ai-process.json"),
        ito_metrics=read_ito_metrics(vocab / "ito" / "performance-measure.json"),
        ito_benchmarks=read_ito_benchmarks(vocab / "ito" / "number_of_different_submetrics_per_benchmark.csv"),
        extractor_tasks=extractor_tasks,
        extractor_datasets=extractor_datasets,
        synonym_pairs=read_synonym_pairs(vocab / "pwc_sota_extractor" / "synonyms.csv"),
        aio_terms=read_aio_obo(vocab / "aio" / "aio.obo"),
        pwc_methods=read_pwc_methods(vocab / "pwc_methods" / "methods.json"),
        pwc_methods_extra=read_pwc_methods(vocab / "pwc_methods" / "methods_mariaayuso_2022.json.gz"),
        pwc_task_names=read_pwc_task_names(vocab / "pwc_task_names" / "all_tasks.txt"),
        pwc_task_datasets=read_pwc_task_table(vocab / "pwc_task_names" / "all_tasks_detailed.csv"),
        papers=read_labelled_papers(Path(data_dir) / "pwc_sota" / "train.jsonl", keep_paper),
    )
