"""`kg neo4j fetch|start|stop|status|dry-run`: the local server from Maven Central jars."""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

from kg.cli.common import GraphSource, err, friendly_errors, graph_source_options, neo4j_app, neo4j_wanted

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
@graph_source_options(uri_help="Neo4j URI (or NEO4J_URI): answer papers-using from this database")
def neo4j_guide(
    source: GraphSource,
    port: Annotated[int, typer.Option("--port", help="port to serve on (0: any free port)")] = 8001,
    host: Annotated[
        str, typer.Option("--host", help="interface to serve on (0.0.0.0 lets a Neo4j in Docker reach the answers)")
    ] = "localhost",
) -> None:
    """Serve the Browser guide, style and saved queries on localhost until Ctrl-C; given a graph (--uri or
    NEO4J_URI, or --graph), also the papers-using answers the saved papers_using_x_for_y_judged query asks."""
    from contextlib import nullcontext

    from kg.browser.serve import ANSWER_PATH, engine_answers, make_server

    answering = source.graph is not None or neo4j_wanted(source.uri)
    with friendly_errors(), source.open() if answering else nullcontext() as graph:
        try:
            httpd = make_server(port, host, answer=engine_answers(graph) if graph is not None else None)
        except OSError as exc:
            raise ValueError(
                f"cannot serve the guide on {host}:{port} ({exc.strerror}); choose another --port"
            ) from None
        with httpd:
            base = f"http://localhost:{httpd.server_address[1]}"
            _say(f"serving the Browser guide on {base}/  (Ctrl-C to stop); in Neo4j Browser:")
            _say(f"  :play {base}/guide.html")
            _say(f"  :style {base}/style.grass")
            if graph is not None:
                _say(f"papers-using answers on {base}{ANSWER_PATH} (saved query papers_using_x_for_y_judged)")
            else:
                _say("no graph given (--uri / NEO4J_URI or --graph): the judged papers-using query cannot be answered")
            try:
                httpd.serve_forever()
            except KeyboardInterrupt:
                _say("guide server stopped")
