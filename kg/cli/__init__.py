"""The `kg` command: build, query, extract, load, export, eval and a local Neo4j server.

One module per command group; importing them registers their commands on `app`.
"""

from kg.cli.common import app
from kg.cli import analytics, build, evaluate, neo4j, query  # noqa: F401,E402  (registers the commands)

__all__ = ["app"]
