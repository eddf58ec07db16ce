"""CSV export for `neo4j-admin database import full`: the fast path for a first load of a large graph.

The CSVs hold exactly what the Bolt loader would write (same whitelist checks, same property
cleaning), so an imported database and a loaded one are identical. Ids are globally unique strings,
so one id space (`id:ID`) serves every label; the `id` property is stored as well.
"""

from __future__ import annotations

import csv
import json
import math
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from kg.graph.schema import check_label, check_relationship_type
from kg.neo4j.loader import plan_load
from kg.neo4j.schema import schema_items

# Unit separator: never inside a paper's text (readers collapse whitespace, and str.split treats
# U+001F as whitespace), so list values split back exactly. neo4j-admin takes it as `U+001F`.
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_ARG = "U+001F"
SCALAR_TYPES = {str: "string", bool: "boolean", int: "long", float: "double"}
# The file list and options of an export, for read_import_arguments (import.sh is for people).
MANIFEST = "import.json"


def _kind(value: Any) -> type:
    return bool if isinstance(value, bool) else type(value)


def _column_types(rows: Iterable[dict[str, Any]], where: str) -> dict[str, str]:
    """Neo4j import type per property (long+double columns widen to double)."""
    seen: dict[str, set[tuple[bool, type]]] = {}
    for props in rows:
        for key, value in props.items():
            is_list = isinstance(value, list)
            value_kinds = {_kind(v) for v in value} if is_list else {_kind(value)}
            seen.setdefault(key, set()).update((is_list, k) for k in value_kinds)
    types = {}
    for key, kinds in seen.items():
        shapes = {is_list for is_list, _ in kinds}
        scalars = {k for _, k in kinds}
        if scalars == {int, float}:
            scalars = {float}
        if len(shapes) != 1 or len(scalars) != 1:
            raise ValueError(
                f"{where}: property {key!r} mixes types {sorted(t.__name__ for t in scalars)} "
                "or lists and single values; neo4j-admin needs one type per column"
            )
        name = SCALAR_TYPES[scalars.pop()]
        types[key] = name + "[]" if shapes.pop() else name
    return types


def _scalar(value: Any, type_name: str) -> str:
    if type_name.startswith("string"):
        return str(value)
    if type_name.startswith("boolean"):
        return "true" if value else "false"
    if type_name.startswith("double"):
        value = float(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(int(value))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(value: Any, type_name: str, where: str) -> str:
    """One CSV field: absent -> empty (no property); strings always quoted, so "" stays an empty string."""
    if value is None:
        return ""
    if type_name.endswith("[]"):
        items = [_scalar(v, type_name) for v in value]
        if any(ARRAY_DELIMITER in item for item in items):
            raise ValueError(f"{where}: a list item contains the array delimiter U+001F")
        return _quote(ARRAY_DELIMITER.join(items))
    text = _scalar(value, type_name)
    return _quote(text) if type_name == "string" else text


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        for row in rows:
            fh.write(",".join(row) + "\n")


def _needs_multiline(values: Iterable[Any]) -> bool:
    for value in values:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and ("\n" in v or "\r" in v) for v in items):
            return True
    return False


@dataclass
class ImportFiles:
    """Files written into an import folder so far (names relative to it) and whether any field spans lines."""

    nodes: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    multiline: bool = False

    def update(self, other: ImportFiles) -> None:
        """Append another batch of files."""
        self.nodes += other.nodes
        self.relationships += other.relationships
        self.multiline |= other.multiline


def clear_import_folder(folder: str | Path) -> Path:
    """Create `folder`, removing a previous export's CSVs and manifest (they would be imported too)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("nodes_*.csv"), *folder.glob("relationships_*.csv"), folder / MANIFEST]:
        old.unlink(missing_ok=True)
    return folder


@dataclass
class _Table:
    """One CSV's worth of rows: file stem (nodes_Label / relationships_TYPE), header, formatted lines."""

    stem: str
    header: list[str]
    lines: Iterator[list[str]]
    multiline: bool


def _node_table(label: str, rows: Sequence[dict[str, Any]]) -> _Table:
    check_label(label)
    props = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    types = _column_types(props, f":{label}")
    columns = sorted(types)
    return _Table(
        f"nodes_{label}",
        ["id:ID", ":LABEL", *(f"{c}:{types[c]}" for c in columns)],
        (
            [_quote(row["id"]), label, *(_field(p.get(c), types[c], f"node {row['id']!r}") for c in columns)]
            for row, p in zip(rows, props, strict=True)
        ),
        _needs_multiline(v for p in props for v in p.values()),
    )


def _rel_table(rel_type: str, rows: Sequence[tuple[str, str, dict[str, Any]]]) -> _Table:
    types = _column_types((p for _, _, p in rows), f"[:{rel_type}]")
    columns = sorted(types)
    return _Table(
        f"relationships_{rel_type}",
        [":START_ID", ":END_ID", ":TYPE", *(f"{c}:{types[c]}" for c in columns)],
        (
            [
                _quote(s),
                _quote(t),
                rel_type,
                *(_field(p.get(c), types[c], f"{s!r}-[{rel_type}]->{t!r}") for c in columns),
            ]
            for s, t, p in rows
        ),
        _needs_multiline(v for _, _, p in rows for v in p.values()),
    )


def _tables(
    node_rows: Mapping[str, Sequence[dict[str, Any]]],
    rel_rows: Mapping[tuple[str, str, str], Sequence[tuple[str, str, dict[str, Any]]]],
) -> Iterator[_Table]:
    """plan_load's rows as one table per label and one per relationship type (empty ones left out)."""
    for label in sorted(node_rows):
        check_label(label)
        if node_rows[label]:
            yield _node_table(label, node_rows[label])
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for (rel_type, _, _), rows in sorted(rel_rows.items()):
        by_type.setdefault(check_relationship_type(rel_type), []).extend(rows)
    for rel_type, rows in sorted(by_type.items()):
        if rows:
            yield _rel_table(rel_type, rows)


def _add_file(files: ImportFiles, table: _Table, name: str) -> None:
    (files.nodes if table.stem.startswith("nodes_") else files.relationships).append(name)


def write_rows(
    folder: Path,
    node_rows: Mapping[str, Sequence[dict[str, Any]]],
    rel_rows: Mapping[tuple[str, str, str], Sequence[tuple[str, str, dict[str, Any]]]],
    suffix: str = "",
) -> ImportFiles:
    """One CSV per label and per relationship type for these rows (plan_load's), named with `suffix`."""
    files = ImportFiles()
    for table in _tables(node_rows, rel_rows):
        name = f"{table.stem}{suffix}.csv"
        _write_csv(folder / name, table.header, table.lines)
        _add_file(files, table, name)
        files.multiline |= table.multiline
    return files


@dataclass
class _OpenFile:
    handle: TextIO
    header: list[str]
    rows: int


class RowAppender:
    """Rows given a chunk at a time, appended to one CSV per label and type (named `suffix` + a number):
    memory holds one chunk, not the table. A file is closed and the next one started when it reaches
    `rows_per_file` rows or a chunk's header differs (a column missing or typed otherwise in that chunk)."""

    def __init__(self, folder: Path, suffix: str, rows_per_file: int) -> None:
        self.folder, self.suffix, self.rows_per_file = folder, suffix, rows_per_file
        self.files = ImportFiles()
        self._open: dict[str, _OpenFile] = {}
        self._numbers: dict[str, int] = {}

    def append(
        self,
        node_rows: Mapping[str, Sequence[dict[str, Any]]],
        rel_rows: Mapping[tuple[str, str, str], Sequence[tuple[str, str, dict[str, Any]]]],
    ) -> None:
        """Append plan_load's rows of one chunk."""
        for table in _tables(node_rows, rel_rows):
            self.files.multiline |= table.multiline
            for line in table.lines:
                out = self._file(table)
                out.handle.write(",".join(line) + "\n")
                out.rows += 1

    def _file(self, table: _Table) -> _OpenFile:
        out = self._open.get(table.stem)
        if out is not None and out.header == table.header and out.rows < self.rows_per_file:
            return out
        if out is not None:
            out.handle.close()
        number = self._numbers.get(table.stem, 0)
        self._numbers[table.stem] = number + 1
        name = f"{table.stem}{self.suffix}{number:03d}.csv"
        handle = (self.folder / name).open("w", encoding="utf-8", newline="")
        handle.write(",".join(table.header) + "\n")
        _add_file(self.files, table, name)
        out = self._open[table.stem] = _OpenFile(handle, table.header, 0)
        return out

    def close(self) -> ImportFiles:
        """Close every file; the names written, for finish_import_folder."""
        for out in self._open.values():
            out.handle.close()
        self._open.clear()
        return self.files

    def __enter__(self) -> RowAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def finish_import_folder(folder: Path, files: ImportFiles) -> Path:
    """Write import.sh, the manifest and schema.cypher for the files of an import folder."""
    args = import_arguments(files.nodes, files.relationships, multiline=files.multiline)
    _write_import_script(folder, args)
    (folder / MANIFEST).write_text(
        json.dumps({"nodes": files.nodes, "relationships": files.relationships, "multiline": files.multiline}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    (folder / "schema.cypher").write_text(
        "// Constraints and indexes paper-kg queries need; run after the import (cypher-shell -f schema.cypher).\n"
        + "".join(item.cypher + ";\n" for item in schema_items()),
        encoding="utf-8",
    )
    return folder


def export_neo4j_import(graph: nx.MultiDiGraph, folder: str | Path) -> Path:
    """Write node and relationship CSVs, import.sh and schema.cypher into `folder`; returns the folder."""
    plan = plan_load(graph)  # same whitelist validation as the Bolt loader
    folder = clear_import_folder(folder)
    return finish_import_folder(folder, write_rows(folder, plan.node_rows, plan.rel_rows))


def read_import_arguments(folder: str | Path, database: str = "neo4j") -> list[str]:
    """The `neo4j-admin` arguments importing an exported `folder` into `database`, with absolute file paths
    (so they work from any working directory, e.g. `kg.neo4j.server.admin`, which runs in the instance)."""
    folder = Path(folder).resolve()
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"{folder} holds no readable {MANIFEST}: export it with export_neo4j_import first ({exc})"
        ) from None
    return import_arguments(
        [folder / name for name in manifest["nodes"]],
        [folder / name for name in manifest["relationships"]],
        multiline=bool(manifest["multiline"]),
        database=database,
    )


def import_arguments(
    node_files: Sequence[str | Path],
    rel_files: Sequence[str | Path],
    *,
    multiline: bool = False,
    database: str = "neo4j",
) -> list[str]:
    """The `neo4j-admin` arguments importing these files into `database` (which must be stopped)."""
    # The database name goes first: after --nodes/--relationships (arity 1..n) it would be read as a file.
    return [
        "database",
        "import",
        "full",
        database,
        "--overwrite-destination=true",
        f"--array-delimiter={ARRAY_DELIMITER_ARG}",
        f"--multiline-fields={'true' if multiline else 'false'}",
        *(f"--nodes={f}" for f in node_files),
        *(f"--relationships={f}" for f in rel_files),
    ]


def _write_import_script(folder: Path, args: list[str]) -> None:
    head, options = args[:3], args[4:]  # args[3] is the database name: the script takes it as $1
    command = '"$NEO4J_ADMIN" ' + " ".join(head) + ' "$DATABASE" ' + " ".join(shlex.quote(a) for a in options)
    script = f"""#!/bin/sh
# Bulk-import this folder into an EMPTY Neo4j 5 database with neo4j-admin, then create the schema.
# Community edition: stop the server first (the import overwrites the database), start it after,
# then run schema.cypher (e.g. `cypher-shell -f schema.cypher`) or `kg load`, which creates it too.
#   NEO4J_ADMIN=/path/to/neo4j-admin sh import.sh [database]
set -eu
NEO4J_ADMIN="${{NEO4J_ADMIN:-neo4j-admin}}"
DATABASE="${{1:-neo4j}}"
cd "$(dirname "$0")"
{command}
"""
    path = folder / "import.sh"
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)


def _parse(text: str, type_name: str) -> Any:
    base = type_name.removesuffix("[]")
    if type_name.endswith("[]"):
        return tuple(_parse(item, base) for item in text.split(ARRAY_DELIMITER))
    if base == "long":
        return int(text)
    if base == "double":
        return float(text)
    if base == "boolean":
        return text == "true"
    return text


def read_import_folder(folder: str | Path) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row of an import folder's CSVs as ("node", (id, label, props)) or ("rel", (start, end, type, props)),
    values typed by their headers: what a neo4j-admin import of the folder would store (for checks; an
    empty string reads as absent, as the csv module cannot tell `""` from an empty field)."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for kind, names in (("node", manifest["nodes"]), ("rel", manifest["relationships"])):
        for name in names:
            with (folder / name).open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader)
                fixed = 2 if kind == "node" else 3
                columns = [h.rsplit(":", 1) for h in header[fixed:]]
                for row in reader:
                    # an empty unquoted field is an absent property; strings are always quoted
                    props = tuple(
                        sorted(
                            (key, _parse(value, type_name))
                            for (key, type_name), value in zip(columns, row[fixed:], strict=False)
                            if value != ""
                        )
                    )
                    yield kind, (*row[:fixed], props)
