"""Starting, finding, waiting for and stopping the server process of an instance."""

from __future__ import annotations

import contextlib
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import neo4j
import neo4j.exceptions
import psutil

from kg.neo4j.server.config import (
    DEFAULT_HEAP,
    DEFAULT_PAGECACHE,
    _check_ports,
    _write_config,
    configured_ports,
)
from kg.neo4j.server.home import Neo4jServerError, _home, _instance, _tail
from kg.neo4j.server.jars import Progress, fetch, is_fetched
from kg.neo4j.server.tools import (
    ADMIN_COMMAND,
    ENTRY_POINT,
    SERVER_COMMAND,
    _bootloader,
    _run,
    find_java,
)
from kg.neo4j.settings import (
    DEFAULT_BOLT_PORT,
    DEFAULT_HOST,
    DEFAULT_HTTP_PORT,
    DEFAULT_USERNAME,
)

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0
MIN_PASSWORD_LENGTH = 8  # dbms.security.auth_minimum_password_length default


@dataclass(frozen=True)
class ServerInfo:
    """A running server: Bolt URI, HTTP base URL (Browser at http_url + '/browser/') and server pid."""

    uri: str
    http_url: str
    pid: int
    instance: Path | None = None

    @property
    def browser_url(self) -> str:
        """Neo4j Browser's address, spelled with localhost: guides (`:play`) only play from a localhost Browser."""
        return browser_url(self.http_url)


def browser_url(http_url: str) -> str:
    """The Browser address for a server's HTTP base URL, with 127.0.0.1 spelled localhost (the same socket)."""
    return http_url.replace(f"//{DEFAULT_HOST}:", "//localhost:").rstrip("/") + "/browser/"


def _pid_file(instance: Path) -> Path:
    return instance / "run" / "neo4j.pid"


def _server_process(instance: Path) -> psutil.Process | None:
    # Only a live Neo4j JVM serving *this* instance counts: a stale pid file may name a recycled pid,
    # and a bootloader killed mid-start may have left a server without a pid file.
    with contextlib.suppress(OSError, ValueError, psutil.Error):
        process = psutil.Process(int(_pid_file(instance).read_text().strip()))
        if _serves(process.cmdline(), instance) and process.status() != psutil.STATUS_ZOMBIE:
            return process
    return next(iter(_instance_processes(instance)), None)


def _instance_processes(instance: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if _serves(process.info["cmdline"] or [], instance) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
    return found


def _serves(cmdline: list[str], instance: Path) -> bool:
    return ENTRY_POINT in cmdline and f"--home-dir={instance}" in cmdline


def status(home: str | Path | None = None, *, instance_dir: str | Path | None = None) -> int | None:
    """Pid of the server running from this home/instance, or None."""
    home = _home(home)
    process = _server_process(_instance(home, instance_dir))
    return process.pid if process else None


def start(
    home: str | Path | None = None,
    bolt_port: int = DEFAULT_BOLT_PORT,
    http_port: int = DEFAULT_HTTP_PORT,
    *,
    password: str | None = None,
    instance_dir: str | Path | None = None,
    heap: str = DEFAULT_HEAP,
    pagecache: str = DEFAULT_PAGECACHE,
    timeout: float = START_TIMEOUT_S,
    fetch_if_missing: bool = True,
    progress: Progress | None = None,
) -> ServerInfo:
    """Start the server on 127.0.0.1 and return once it answers RETURN 1 (auth only if password is set)."""
    home = _home(home)
    instance = _instance(home, instance_dir)
    # Cheap checks first, so a taken port fails in milliseconds rather than after a download.
    running = _server_process(instance)
    if running:
        bolt, _ = configured_ports(instance)
        raise Neo4jServerError(
            f"Neo4j is already running from {instance} (pid {running.pid}, bolt://{DEFAULT_HOST}:{bolt}); stop it first"
        )
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise Neo4jServerError(f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters")
    _check_ports(bolt_port, http_port)
    find_java()
    if not is_fetched(home, apoc=False):
        if not fetch_if_missing:
            raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `kg neo4j fetch`")
        fetch(home, progress=progress)
    _write_config(
        home, instance, bolt_port=bolt_port, http_port=http_port, auth_enabled=password is not None,
        heap=heap, pagecache=pagecache,
    )  # fmt: skip
    if password is not None:
        _set_initial_password(home, instance, password)
    # The 5.26 bootloader returns only once the server logged "Started." (or died), so it gets the
    # whole budget; the RETURN 1 poll afterwards proves the default database answers queries.
    deadline = time.monotonic() + timeout
    console = _console_log(instance)
    try:
        result = _run(_bootloader(home, SERVER_COMMAND, ["start"]), instance, timeout=timeout, output=console)
    except Neo4jServerError:
        _kill_instance(instance)  # never leave a half-started server behind
        raise Neo4jServerError(_failure(f"Neo4j did not start within {timeout:g} s", instance, console)) from None
    process = _server_process(instance)
    if result.returncode != 0 or process is None:
        _kill_instance(instance)
        raise Neo4jServerError(_failure("Neo4j refused to start", instance, console))
    info = ServerInfo(
        uri=f"bolt://{DEFAULT_HOST}:{bolt_port}", http_url=f"http://{DEFAULT_HOST}:{http_port}",
        pid=process.pid, instance=instance,
    )  # fmt: skip
    auth = (DEFAULT_USERNAME, password) if password is not None else None
    try:
        wait_until_ready(info.uri, auth, max(deadline - time.monotonic(), 10.0), process=process)
    except Neo4jServerError as exc:
        _kill_instance(instance)
        raise Neo4jServerError(_failure(str(exc), instance, console)) from None
    return info


def _console_log(instance: Path) -> Path:
    """Output of the bootloader and of the server JVM's stdout/stderr (JVM crashes end up here)."""
    return instance / "logs" / "console.log"


def _set_initial_password(home: Path, instance: Path, password: str) -> None:
    # Only possible before the first start: afterwards the system database owns the credentials.
    if (instance / "data" / "databases" / "system").exists():
        return
    # "--" ends the options: a password may begin with "-" (token_urlsafe gives one in 32)
    command = _bootloader(home, ADMIN_COMMAND, ["dbms", "set-initial-password", "--", password])
    result = _run(command, instance, timeout=120)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).replace(password, "***")
        raise Neo4jServerError(f"neo4j-admin could not set the initial password:\n{_tail(output, 10)}")


def wait_until_ready(
    uri: str,
    auth: tuple[str, str] | None = None,
    timeout: float = START_TIMEOUT_S,
    *,
    process: psutil.Process | None = None,
) -> None:
    """Poll RETURN 1 over Bolt until it answers; raise Neo4jServerError on timeout, bad auth or a dead server."""
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    with neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=5.0) as driver:
        while True:
            if process is not None and not process.is_running():
                raise Neo4jServerError(f"Neo4j exited during startup (pid {process.pid})")
            try:
                with driver.session() as session:  # the default database, the one users query
                    session.run("RETURN 1").consume()
                return
            except neo4j.exceptions.AuthError:
                raise Neo4jServerError(
                    f"Neo4j at {uri} is up but rejected the password (a database created earlier keeps its "
                    "first password: use it, or delete the instance's data/ folder)"
                ) from None
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
                last_error = " ".join(str(exc).split())[:200] or type(exc).__name__
            if time.monotonic() > deadline:
                raise Neo4jServerError(f"Neo4j did not answer at {uri} within {timeout:.0f} s ({last_error})")
            time.sleep(0.5)


def stop(
    home: str | Path | None = None, *, instance_dir: str | Path | None = None, timeout: float = STOP_TIMEOUT_S
) -> bool:
    """Stop the server cleanly, killing it if it has not stopped after `timeout` s; False if none ran."""
    home = _home(home)
    instance = _instance(home, instance_dir)
    process = _server_process(instance)
    if process is None:
        _pid_file(instance).unlink(missing_ok=True)
        return False
    with contextlib.suppress(Neo4jServerError):
        # NEO4J_SHUTDOWN_TIMEOUT bounds the bootloader's own wait; our timeout is the backstop.
        _run(
            _bootloader(home, SERVER_COMMAND, ["stop"]), instance, timeout=timeout + 15,
            NEO4J_SHUTDOWN_TIMEOUT=str(int(timeout)),
        )  # fmt: skip
    with contextlib.suppress(psutil.Error):
        process.wait(timeout=5)
    if process.is_running():  # e.g. the pid file was gone, so the bootloader did not find it
        with contextlib.suppress(psutil.Error):
            process.terminate()
            process.wait(timeout=timeout)
    _kill(process)
    _pid_file(instance).unlink(missing_ok=True)
    return True


def _kill_instance(instance: Path) -> None:
    for process in _instance_processes(instance):
        _kill(process)
    _pid_file(instance).unlink(missing_ok=True)


def _kill(process: psutil.Process) -> None:
    with contextlib.suppress(psutil.Error):
        if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)


def _failure(headline: str, instance: Path, console: str | Path = "") -> str:
    if isinstance(console, Path):
        console = console.read_text(encoding="utf-8", errors="replace") if console.is_file() else ""
    parts = [headline]
    if console.strip():
        parts.append("console output:\n" + _tail(console, 15))
    for name, count in (("neo4j.log", 20), ("debug.log", 10)):
        log = instance / "logs" / name
        with contextlib.suppress(OSError):
            text = log.read_text(encoding="utf-8", errors="replace")
            if name == "debug.log":  # verbose: keep the errors only
                text = "\n".join(line for line in text.splitlines() if " ERROR " in line)
            if text.strip():
                parts.append(f"{log} (last lines):\n" + _tail(text, count))
    return "\n".join(parts)
