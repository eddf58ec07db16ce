"""Serve the guide (`:play`), the style (`:style`) and the saved queries to Neo4j Browser, with CORS.

    kg neo4j guide [--port 8001]

then, in Neo4j Browser (http://localhost:7474/browser/):

    :play http://localhost:8001/guide.html
    :style http://localhost:8001/style.grass

Browser fetches guides and styles from the page with cross-origin requests that carry no-cache headers,
so the server must answer the CORS preflight (plain `python -m http.server` does not). The host must
be on the server's `browser.remote_content_hostname_whitelist`, whose default,
"guides.neo4j.com,localhost", already allows `localhost` (not 127.0.0.1).

Given a graph (`kg neo4j guide --uri ...`), the server also answers "which papers use X for Y" at
ANSWER_PATH as JSON, with the query engine `kg query papers-using` runs: the saved
papers_using_x_for_y_judged.cypher asks it through APOC's apoc.load.json, so Browser shows the same
papers as the CLI (the judgment reads sentences, which Cypher cannot; it lives once, in the engine).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.browser import BROWSER_DIR

DEFAULT_PORT = 8001
ANSWER_PATH = "/api/papers-using"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# (x, y, limit) -> the answers as plain dicts, best first
PapersUsing = Callable[[str, str, int], list[dict[str, Any]]]


def engine_answers(graph: Any) -> PapersUsing:
    """The papers-using answers of a KnowledgeGraph (embedded or Neo4j), as the JSON the endpoint returns."""

    def answer(x: str, y: str, limit: int) -> list[dict[str, Any]]:
        return [r.model_dump() for r in graph.papers_using(x, y, limit=limit)]

    return answer


def _one(params: dict[str, list[str]], name: str) -> str:
    return (params.get(name) or [""])[0].strip()


class GuideHandler(SimpleHTTPRequestHandler):
    """Static files from kg/browser, readable cross-origin, never cached (edit and :play again); with an
    `answer` function, also the papers-using answers at ANSWER_PATH (one question at a time: the engine's
    caches are not shared across threads)."""

    def __init__(
        self, *args: Any, answer: PapersUsing | None = None, lock: threading.Lock | None = None, **kwargs: Any
    ):
        self.answer = answer
        self.lock = lock or threading.Lock()
        super().__init__(*args, **kwargs)  # handles the request: the attributes above must exist first

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map, ".grass": "text/plain", ".cypher": "text/plain", ".params": "text/plain",
    }  # fmt: skip

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        """Quiet: one line per request on a long-running server is noise."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        """The answers at ANSWER_PATH (?x=&y=&limit=), static files elsewhere."""
        parts = urlsplit(self.path)
        if parts.path != ANSWER_PATH:
            super().do_GET()
            return
        params = parse_qs(parts.query)
        self._answer(_one(params, "x"), _one(params, "y"), _one(params, "limit"))

    def _answer(self, x: str, y: str, limit: str) -> None:
        if self.answer is None:
            self._json(503, {"error": "this guide server has no graph: start it with --uri (or NEO4J_URI) or --graph"})
            return
        if not x or not y:
            self._json(400, {"error": "give both x and y, e.g. ?x=transformer&y=object+detection"})
            return
        try:
            count = int(limit) if limit else DEFAULT_LIMIT
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_LIMIT:
            self._json(400, {"error": f"limit must be a whole number from 1 to {MAX_LIMIT}"})
            return
        try:
            with self.lock:
                results = self.answer(x, y, count)
        except Exception as exc:  # the caller (Neo4j's APOC) sees the reason, not a dropped connection
            self._json(500, {"error": f"{type(exc).__name__}: {exc}"})
            return
        self._json(200, {"x": x, "y": y, "results": results})

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server naming)
        """Answer the CORS preflight Browser sends before fetching a guide."""
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*"))
        self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()


def make_server(
    port: int = DEFAULT_PORT, host: str = "localhost", answer: PapersUsing | None = None
) -> ThreadingHTTPServer:
    """A server for kg/browser (not started), answering papers-using questions when given `answer`; port 0
    picks a free port."""
    handler = functools.partial(GuideHandler, directory=str(BROWSER_DIR), answer=answer, lock=threading.Lock())
    return ThreadingHTTPServer((host, port), handler)
