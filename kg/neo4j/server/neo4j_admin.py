"""neo4j-admin against a home/instance, and a dry run of the server command line."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from kg.neo4j.server.config import DEFAULT_HEAP, DEFAULT_PAGECACHE, _write_config
from kg.neo4j.server.home import Neo4jServerError, _home, _instance, _tail
from kg.neo4j.server.jars import is_fetched
from kg.neo4j.server.processes import _failure, _server_process
from kg.neo4j.server.tools import ADMIN_COMMAND, SERVER_COMMAND, _bootloader, _run
from kg.neo4j.settings import (
    DEFAULT_BOLT_PORT,
    DEFAULT_HTTP_PORT,
)


def admin(
    home: str | Path | None = None,
    *args: str,
    instance_dir: str | Path | None = None,
    heap: str | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """Run `neo4j-admin ARGS` against this home/instance (e.g. "database", "import", "full", ...)."""
    home = _home(home)
    instance = _instance(home, instance_dir)
    if not is_fetched(home, apoc=False):
        raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `kg neo4j fetch`")
    if not (instance / "conf" / "neo4j.conf").is_file():
        _write_config(home, instance)  # the data/lib locations must match what `start` will use
    extra: dict[str, Any] = {"HEAP_SIZE": heap} if heap else {}
    result = _run(_bootloader(home, ADMIN_COMMAND, list(args)), instance, timeout=timeout, **extra)
    if check and result.returncode != 0:
        # picocli prints the reason first and then the whole usage text: keep the reason.
        reason = result.stderr.split("\nUSAGE")[0]
        raise Neo4jServerError(
            f"neo4j-admin {' '.join(args[:3])} failed (exit {result.returncode}):\n" + _tail(result.stdout + reason, 25)
        )
    return result


def dry_run(
    home: str | Path | None = None,
    bolt_port: int = DEFAULT_BOLT_PORT,
    http_port: int = DEFAULT_HTTP_PORT,
    *,
    instance_dir: str | Path | None = None,
    heap: str = DEFAULT_HEAP,
    pagecache: str = DEFAULT_PAGECACHE,
) -> str:
    """The exact server command line the bootloader would run (writes the config, starts nothing)."""
    home = _home(home)
    instance = _instance(home, instance_dir)
    if not is_fetched(home, apoc=False):
        raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `kg neo4j fetch`")
    running = _server_process(instance)
    if running:  # the bootloader refuses, and the config of a running server must not be rewritten
        raise Neo4jServerError(f"Neo4j is running from {instance} (pid {running.pid}); stop it to dry-run a start")
    _write_config(home, instance, bolt_port=bolt_port, http_port=http_port, heap=heap, pagecache=pagecache)
    result = _run(_bootloader(home, SERVER_COMMAND, ["console", "--dry-run"]), instance, timeout=60)
    if result.returncode != 0:
        raise Neo4jServerError(_failure("Neo4j rejected its configuration", instance, result.stdout + result.stderr))
    return result.stdout.strip()
