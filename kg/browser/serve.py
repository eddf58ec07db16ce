"""Serve the guide (`:play`), the style (`:style`) and the saved queries to Neo4j Browser, with CORS.

    kg neo4j guide [--port 8001]

then, in Neo4j Browser (http://localhost:7474/browser/):

    :play http://localhost:8001/guide.html
    :style http://localhost:8001/style.grass

Browser fetches guides and styles from the page with cross-origin requests that carry no-cache headers,
so the server must answer the CORS preflight (plain `python -m http.server` does not). The host must
be on the server's `browser.remote_content_hostname_whitelist`, whose default,
"guides.neo4j.com,localhost", already allows `localhost` (not 127.0.0.1).
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from kg.browser import BROWSER_DIR

DEFAULT_PORT = 8001


class GuideHandler(SimpleHTTPRequestHandler):
    """Static files from kg/browser, readable cross-origin, never cached (edit and :play again)."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map, ".grass": "text/plain", ".cypher": "text/plain", ".params": "text/plain",
    }  # fmt: skip

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        """Quiet: one line per request on a long-running server is noise."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_OPTIONS(self) -> None:  # noqa: N802 (http.server naming)
        """Answer the CORS preflight Browser sends before fetching a guide."""
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*"))
        self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()


def make_server(port: int = DEFAULT_PORT, host: str = "localhost") -> ThreadingHTTPServer:
    """A server for kg/browser (not started); port 0 picks a free port."""
    return ThreadingHTTPServer((host, port), functools.partial(GuideHandler, directory=str(BROWSER_DIR)))
