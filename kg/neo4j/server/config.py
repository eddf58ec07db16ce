"""neo4j.conf for an instance, and the ports it listens on."""

from __future__ import annotations

import contextlib
import re
import socket
from pathlib import Path

from kg.neo4j.server.home import NEO4J_VERSION, Neo4jServerError
from kg.neo4j.settings import (
    DEFAULT_BOLT_PORT,
    DEFAULT_HOST,
    DEFAULT_HTTP_PORT,
)

# The same defaults as docker-compose.yml. A 100k-paper graph is a ~720 MB store: with a 256m page cache
# a load spends its time evicting pages (91 s against 84 s at 1g/512m, measured under the same load).
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "512m"
# Transaction logs beyond the last checkpoint serve only backups (an Enterprise feature): keep at most
# this much instead of Neo4j's "2 days", which keeps ~1.3 GB per 100k-paper load on disk.
TX_LOG_RETENTION = "1G size"
# Neo4j 5.26's own defaults (conf/neo4j.conf of the tarball); JAVA_OPTS would replace all of them.
SERVER_JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
]


def render_config(
    home: Path,
    instance: Path,
    *,
    bolt_port: int = DEFAULT_BOLT_PORT,
    http_port: int = DEFAULT_HTTP_PORT,
    auth_enabled: bool = False,
    heap: str = DEFAULT_HEAP,
    pagecache: str = DEFAULT_PAGECACHE,
) -> str:
    """neo4j.conf text; every key is a declared 5.26 setting (strict validation rejects unknown ones)."""
    settings = {
        "server.directories.lib": home / "lib",
        "server.directories.plugins": home / "plugins",
        "server.directories.data": instance / "data",
        "server.directories.logs": instance / "logs",
        "server.directories.run": instance / "run",
        "server.directories.import": instance / "import",
        "server.default_listen_address": DEFAULT_HOST,
        "server.default_advertised_address": DEFAULT_HOST,
        "server.bolt.listen_address": f"{DEFAULT_HOST}:{bolt_port}",
        "server.bolt.advertised_address": f"{DEFAULT_HOST}:{bolt_port}",
        "server.http.listen_address": f"{DEFAULT_HOST}:{http_port}",
        "server.http.advertised_address": f"{DEFAULT_HOST}:{http_port}",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": str(auth_enabled).lower(),
        "dbms.security.procedures.unrestricted": "apoc.*",
        "dbms.usage_report.enabled": "false",
        "server.memory.heap.initial_size": heap,
        "server.memory.heap.max_size": heap,
        "server.memory.pagecache.size": pagecache,
        "db.tx_log.rotation.retention_policy": TX_LOG_RETENTION,
    }
    lines = [f"# Written by kg.neo4j.server for Neo4j {NEO4J_VERSION}; rewritten on every start.\n"]
    lines += [f"{key}={value}\n" for key, value in settings.items()]
    lines += [f"server.jvm.additional={flag}\n" for flag in SERVER_JVM_FLAGS]
    return "".join(lines)


def _write_config(home: Path, instance: Path, **options: object) -> Path:
    for sub in ("conf", "data", "logs", "run", "import"):
        (instance / sub).mkdir(parents=True, exist_ok=True)
    path = instance / "conf" / "neo4j.conf"
    path.write_text(render_config(home, instance, **options), encoding="utf-8")  # type: ignore[arg-type]
    return path


def configured_ports(instance: Path) -> tuple[int, int]:
    """(bolt, http) ports written in INSTANCE/conf/neo4j.conf, else the defaults."""
    ports = {"bolt": DEFAULT_BOLT_PORT, "http": DEFAULT_HTTP_PORT}
    with contextlib.suppress(OSError):
        for line in (instance / "conf" / "neo4j.conf").read_text(encoding="utf-8").splitlines():
            found = re.fullmatch(r"server\.(bolt|http)\.listen_address=.*:(\d+)", line.strip())
            if found:
                ports[found.group(1)] = int(found.group(2))
    return ports["bolt"], ports["http"]


def port_in_use(port: int, host: str = DEFAULT_HOST) -> bool:
    """True when something already listens on host:port (bound the way Neo4j binds, SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port nothing listens on right now (for tests that must not clash with a running server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _check_ports(bolt_port: int, http_port: int) -> None:
    if bolt_port == http_port:
        raise Neo4jServerError(f"Bolt and HTTP need different ports (both are {bolt_port})")
    for name, port, flag in (("Bolt", bolt_port, "--bolt-port"), ("HTTP", http_port, "--http-port")):
        if port_in_use(port):
            raise Neo4jServerError(
                f"cannot start Neo4j: {name} port {port} on {DEFAULT_HOST} is already in use "
                f"(another Neo4j? stop it, or choose another port with {flag})"
            )
