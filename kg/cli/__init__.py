"""The `kg` command: build, query, extract, load, export, eval, a local Neo4j server, trends, analyze, view.

One module per command group; importing them registers their commands on `app`.
"""

from kg.cli.common import app
# build first, the field analytics last: the order `kg --help` lists them in
from kg.cli import build, query, evaluate, neo4j, analytics  # noqa: F401,E402,I001  (registers the commands)

__all__ = ["app"]
