"""`kg neo4j start|stop`: the local server from Maven Central jars."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.cli.common import *  # noqa: F403  (the shared option types and helpers)


@neo4j_app.command("start")
def neo4j_start(
    bolt_port: Annotated[int, typer.Option("--bolt-port", help="Bolt port (drivers, kg load / query --uri)")] = 7687,
    http_port: Annotated[int, typer.Option("--http-port", help="HTTP port (Neo4j Browser)")] = 7474,
    password: Annotated[
        str | None,
        typer.Option("--password", metavar="PASSWORD", help="turn auth on: user neo4j gets this password (8+ characters) \\[default: no auth]"),
    ] = None,
) -> None:
    """Fetch (first time) and start a local Neo4j 5.26 Community server."""
    from kg.neo4j import server

    with friendly_errors():
        info = server.start(
            server.default_home(), bolt_port=bolt_port, http_port=http_port, password=password,
            progress=lambda line: err.print(line, highlight=False, markup=False),
        )
        err.print(f"Neo4j is up: {info.uri}  Browser: {info.browser_url}", highlight=False, markup=False)


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j server."""
    from kg.neo4j import server

    with friendly_errors():
        home = server.default_home()
        if server.stop(home):
            err.print("Neo4j stopped", highlight=False, markup=False)
        else:
            err.print(f"no local Neo4j server was running (instance in {home}); nothing to stop", highlight=False, markup=False)
