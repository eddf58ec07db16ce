"""The saved Browser queries in cypher/: each runs as pasted into Neo4j Browser, and from Python.

A saved query is two files. NAME.params holds one `:param name => value;` line per parameter: pasted
and run, it sets them. NAME.cypher holds a few `//` lines saying what it answers, then one Cypher
query ending in `;`: pasted alone, it is a single statement, so Browser shows its table (a paste of
several statements shows only "SUCCESS" per statement, never rows). The guide shows the same two
blocks. `load` reads both files, so drivers and tests run exactly the text users paste.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CYPHER_DIR = Path(__file__).resolve().parents[1] / "browser" / "cypher"  # package data (the repo's cypher/)
_PARAM = re.compile(r"^:param\s+(\w+)\s*=>\s*(.+?)\s*;?\s*$")


class SavedQueryError(ValueError):
    """A saved query file that does not have the documented shape."""


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: what it is for, its example parameters, and the Cypher text."""

    purpose: str
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""

    def parameters(self, **overrides: Any) -> dict[str, Any]:
        """The example parameters with `overrides` applied."""
        return {**self.params, **overrides}


def parse_params(text: str, *, name: str = "<params>") -> dict[str, Any]:
    """The values set by a NAME.params file (or guide block): `:param name => value;` lines only."""
    params: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        match = _PARAM.match(stripped)
        if match is None or not stripped.endswith(";"):
            raise SavedQueryError(f"{name}:{number}: expected a `:param name => value;` line")
        params[match.group(1)] = ast.literal_eval(match.group(2))
    return params


def parse(text: str, *, name: str = "<query>", params: dict[str, Any] | None = None) -> SavedQuery:
    """The parts of a saved query (its `params` come from its .params file, or from `:param` lines
    before the query); SavedQueryError if a line is out of place or a $parameter is unset."""
    purpose: list[str] = []
    params = dict(params or {})
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(":param"):
            match = _PARAM.match(stripped)
            if match is None or body:
                raise SavedQueryError(f"{name}:{number}: a `:param name => value;` line belongs before the query")
            params[match.group(1)] = ast.literal_eval(match.group(2))
        elif stripped.startswith("//") and not body:
            purpose.append(stripped.removeprefix("//").strip())
        elif stripped or body:
            body.append(line.rstrip())
    query = "\n".join(body).strip()
    if not query.endswith(";"):
        raise SavedQueryError(f"{name}: the query must end with `;` (Browser runs the lines as separate statements)")
    query = query.removesuffix(";").rstrip()
    if ";" in re.sub(r"'[^']*'|\"[^\"]*\"", "", query):
        raise SavedQueryError(f"{name}: one query per file")
    unset = sorted(set(re.findall(r"\$(\w+)", query)) - set(params))
    if unset:
        raise SavedQueryError(f"{name}: no `:param` line for {', '.join('$' + p for p in unset)}")
    return SavedQuery(" ".join(purpose), params, query)


def params_path(path: str | Path) -> Path:
    """NAME.params beside NAME.cypher."""
    return Path(path).with_suffix(".params")


def load(path: str | Path) -> SavedQuery:
    """The saved query in `path` (NAME.cypher) with the parameters of NAME.params."""
    path = Path(path)
    values_file = params_path(path)
    values = (
        parse_params(values_file.read_text(encoding="utf-8"), name=str(values_file)) if values_file.exists() else {}
    )
    return parse(path.read_text(encoding="utf-8"), name=str(path), params=values)


def saved_queries(folder: str | Path = CYPHER_DIR) -> dict[str, SavedQuery]:
    """Every `*.cypher` file of the folder by stem, parsed."""
    return {p.stem: load(p) for p in sorted(Path(folder).glob("*.cypher"))}
