"""Serve this folder to Neo4j Browser: the guide (`:play`) and the style (`:style`), with CORS.

    python docs/browser/serve.py [--port 8001]

then, in Neo4j Browser (http://localhost:7474/browser/):

    :play http://localhost:8001/guide.html
    :style http://localhost:8001/style.grass

Browser fetches guides and styles from the page with cross-origin requests that carry no-cache headers,
so the server must answer the CORS preflight (plain `python -m http.server` does not). The host must
be on the server's `browser.remote_content_hostname_whitelist`, whose default,
"guides.neo4j.com,localhost", already allows `localhost` (not 127.0.0.1).
"""

from __future__ import annotations

import argparse
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PORT = 8001


class GuideHandler(SimpleHTTPRequestHandler):
    """Static files from this folder, readable cross-origin, never cached (edit and :play again)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".grass": "text/plain", ".cypher": "text/plain"}

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
    """A server for this folder (not started); port 0 picks a free port."""
    return ThreadingHTTPServer((host, port), functools.partial(GuideHandler, directory=str(HERE)))


def main() -> None:
    """Serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    port = parser.parse_args().port
    with make_server(port) as httpd:
        print(f"serving {HERE} on http://localhost:{httpd.server_address[1]}/  (Ctrl-C to stop)")
        print(f"  in Neo4j Browser:  :play http://localhost:{httpd.server_address[1]}/guide.html")
        print(f"                     :style http://localhost:{httpd.server_address[1]}/style.grass")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
