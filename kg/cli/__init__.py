"""The `kg` command: build, query, extract, load, export, eval, a local Neo4j server, trends, analyze, view.

One module per command group; importing them registers their commands on `app`.
"""

from kg.cli.common import app

# build first, the field analytics last: the order `kg --help` lists them in (so no sorting here)
# isort: off
from kg.cli import build, query, evaluate, neo4j, analytics  # noqa: F401  (registers the commands)
# isort: on

__all__ = ["app"]
