"""`kg neo4j fetch|start|stop|status|dry-run`: the local server from Maven Central jars."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from kg.cli.common import err, friendly_errors, neo4j_app

BoltPortOpt = Annotated[int, typer.Option("--bolt-port", help="Bolt port (drivers, kg load / query --uri)")]
HttpPortOpt = Annotated[int, typer.Option("--http-port", help="HTTP port (Neo4j Browser)")]
HeapOpt = Annotated[str, typer.Option("--heap", help="JVM heap of the server")]
PagecacheOpt = Annotated[str, typer.Option("--pagecache", help="page cache size of the server")]


def _say(line: str) -> None:
    err.print(line, highlight=False, markup=False)


@neo4j_app.command("fetch")
def neo4j_fetch(
    no_apoc: Annotated[bool, typer.Option("--no-apoc", help="fetch without the APOC plugin", metavar="")] = False,
) -> None:
    """Download the server, Browser and APOC jars once (skipped when present); KG_NEO4J_HOME picks the folder."""
    from kg.neo4j import server

    with friendly_errors():
        home, started = server.default_home(), time.monotonic()
        server.fetch(home, apoc=not no_apoc, progress=_say)
        took = time.monotonic() - started
        _say(f"Neo4j {server.NEO4J_VERSION} ready in {home} ({json.dumps(server.fetched(home))}, {took:.1f} s)")


@neo4j_app.command("start")
def neo4j_start(
    bolt_port: BoltPortOpt = 7687,
    http_port: HttpPortOpt = 7474,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            metavar="PASSWORD",
            help="turn auth on: user neo4j gets this password (8+ characters) \\[default: no auth]",
        ),
    ] = None,
    heap: HeapOpt = "1g",
    pagecache: PagecacheOpt = "512m",
    timeout: Annotated[float, typer.Option("--timeout", help="seconds to wait for the server to answer")] = 120.0,
) -> None:
    """Fetch (first time) and start a local Neo4j 5.26 Community server."""
    from kg.neo4j import server

    with friendly_errors():
        info = server.start(
            server.default_home(), bolt_port=bolt_port, http_port=http_port, password=password,
            heap=heap, pagecache=pagecache, timeout=timeout, progress=_say,
        )  # fmt: skip
        _say(f"Neo4j is up: {info.uri}  Browser: {info.browser_url}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j server."""
    from kg.neo4j import server

    with friendly_errors():
        home = server.default_home()
        if server.stop(home):
            _say("Neo4j stopped")
        else:
            _say(f"no local Neo4j server was running (instance in {home}); nothing to stop")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local server runs, and where (exit 1 when it does not)."""
    from kg.neo4j import server

    home = server.default_home()
    pid = server.status(home)
    if pid is None:
        _say(f"Neo4j is not running from {home}")
        raise typer.Exit(1)
    bolt, http = server.configured_ports(home)
    _say(
        f"Neo4j is running (pid {pid}): bolt://127.0.0.1:{bolt}  Browser: {server.browser_url(f'http://127.0.0.1:{http}')}"
    )


@neo4j_app.command("dry-run")
def neo4j_dry_run(
    bolt_port: BoltPortOpt = 7687, http_port: HttpPortOpt = 7474, heap: HeapOpt = "1g", pagecache: PagecacheOpt = "512m"
) -> None:
    """Print the exact java command line of the server; starts nothing."""
    from kg.neo4j import server

    with friendly_errors():
        print(server.dry_run(server.default_home(), bolt_port, http_port, heap=heap, pagecache=pagecache))


@neo4j_app.command("guide")
def neo4j_guide(
    port: Annotated[int, typer.Option("--port", help="port on localhost (0: any free port)")] = 8001,
) -> None:
    """Serve the Browser guide, style and saved queries on localhost until Ctrl-C."""
    from kg.browser.serve import make_server

    with friendly_errors():
        try:
            httpd = make_server(port)
        except OSError as exc:
            raise ValueError(
                f"cannot serve the guide on localhost:{port} ({exc.strerror}); choose another --port"
            ) from None
    with httpd:
        base = f"http://localhost:{httpd.server_address[1]}"
        _say(f"serving the Browser guide on {base}/  (Ctrl-C to stop); in Neo4j Browser:")
        _say(f"  :play {base}/guide.html")
        _say(f"  :style {base}/style.grass")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            _say("guide server stopped")
