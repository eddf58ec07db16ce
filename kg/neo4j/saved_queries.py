"""The saved Browser queries in cypher/: each file runs as pasted into Neo4j Browser, and from Python.

A file is a few `//` lines saying what it answers, one `:param name => value;` line per parameter
(Browser's multi-statement editor, on by default, runs them before the query), then one Cypher query
ending in `;`. `parse` splits a file (or a guide block of the same shape) into those parts, so drivers
and tests run exactly the text users paste.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"
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


def parse(text: str, *, name: str = "<query>") -> SavedQuery:
    """The parts of a saved query file; SavedQueryError if a line is out of place or a $parameter is unset."""
    purpose: list[str] = []
    params: dict[str, Any] = {}
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(":param"):
            match = _PARAM.match(stripped)
            if match is None or body:
                raise SavedQueryError(f"{name}:{number}: a `:param name => value;` line belongs before the query")
            params[match.group(1)] = ast.literal_eval(match.group(2))
        elif stripped.startswith("//") and not body and not params:
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


def load(path: str | Path) -> SavedQuery:
    """The saved query in `path`."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), name=str(path))


def saved_queries(folder: str | Path = CYPHER_DIR) -> dict[str, SavedQuery]:
    """Every `*.cypher` file of the folder by stem, parsed."""
    return {p.stem: load(p) for p in sorted(Path(folder).glob("*.cypher"))}
