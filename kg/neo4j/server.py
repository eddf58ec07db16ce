"""A real Neo4j 5.26 Community server run from Maven Central jars (no Docker, no tarball).

    python -m kg.neo4j.server {fetch,start,stop,status,dry-run} [--home DIR] [--bolt-port N] ...

`fetch` resolves the server, Neo4j Browser and APOC with Maven (scripts/neo4j/pom.xml) into
HOME/lib and HOME/plugins, once. `start` writes HOME/conf/neo4j.conf and runs Neo4j's own bootloader
(`org.neo4j.server.startup.Neo4jCommand start`, what bin/neo4j runs), then polls `RETURN 1`.
`admin(home, ...)` runs neo4j-admin (`Neo4jAdminCommand`) against the same home.

A server's state (conf, data, logs, run, import) lives in an *instance* directory, by default the home
itself; tests pass a temporary instance so they share the jars but never the user's database.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import getpass
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import neo4j
import neo4j.exceptions
import psutil

from kg.neo4j.settings import DEFAULT_BOLT_PORT, DEFAULT_HOST, DEFAULT_HTTP_PORT, DEFAULT_USERNAME

NEO4J_VERSION = "5.26.12"
BROWSER_VERSION = "5.24.0"  # newest org.neo4j.client:neo4j-browser on Central
APOC_VERSION = NEO4J_VERSION  # APOC core is released in lock-step with the server

REPO_ROOT = Path(__file__).resolve().parents[2]
POM = REPO_ROOT / "scripts" / "neo4j" / "pom.xml"
HOME_ENV = "KG_NEO4J_HOME"
DEFAULT_HOME = REPO_ROOT / ".cache" / "neo4j"
STAMP = "fetched.json"

START_TIMEOUT_S = 120.0
PROGRESS_EVERY_S = 5.0  # how often a first download reports its size
Progress = Callable[[str], None]
STOP_TIMEOUT_S = 60.0
# The same defaults as docker-compose.yml. A 100k-paper graph is a ~720 MB store: with a 256m page cache
# a load spends its time evicting pages (91 s against 84 s at 1g/512m, measured under the same load).
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "512m"
# Transaction logs beyond the last checkpoint serve only backups (an Enterprise feature): keep at most
# this much instead of Neo4j's "2 days", which keeps ~1.3 GB per 100k-paper load on disk.
TX_LOG_RETENTION = "1G size"
MIN_PASSWORD_LENGTH = 8  # dbms.security.auth_minimum_password_length default

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
SERVER_COMMAND = "org.neo4j.server.startup.Neo4jCommand"
ADMIN_COMMAND = "org.neo4j.server.startup.Neo4jAdminCommand"
# The bootloader only spawns the server JVM; a small client-style JVM starts fastest on busy cores.
BOOTLOADER_JVM = ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
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


class Neo4jServerError(RuntimeError):
    """The local server could not be fetched, started, stopped or administered; the message says why."""


class Neo4jToolMissing(Neo4jServerError):
    """Java or Maven is not installed (tests skip on this locally and fail on CI)."""


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


# -- locations -------------------------------------------------------------------------------------
def default_home() -> Path:
    """$KG_NEO4J_HOME if set (a cache shared between clones), else .cache/neo4j in the repo."""
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser().resolve()


def _home(home: str | Path | None) -> Path:
    return Path(home).expanduser().resolve() if home is not None else default_home()


def _instance(home: Path, instance_dir: str | Path | None) -> Path:
    return Path(instance_dir).expanduser().resolve() if instance_dir is not None else home


# -- tools -----------------------------------------------------------------------------------------
def find_java() -> str:
    """Path of a Java 17+ `java` ($JAVA_HOME first, then PATH)."""
    return _find_java(os.environ.get("JAVA_HOME"), os.environ.get("PATH", ""))


@functools.lru_cache(maxsize=8)
def _find_java(java_home: str | None, path: str) -> str:
    # Cached per (JAVA_HOME, PATH): `java -version` costs a JVM start, and every command needs java.
    candidate = Path(java_home, "bin", "java") if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java", path=path)
    if not java:
        raise Neo4jToolMissing("Java not found: Neo4j 5.26 needs Java 17 or 21 (install a JDK or set JAVA_HOME)")
    major = _java_major(java)
    if major is not None and major < 17:
        raise Neo4jToolMissing(f"Java {major} found at {java}; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME)")
    return java


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8" means Java 8


def find_maven() -> str:
    """Path of `mvn` (needed only for the first fetch)."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jToolMissing(
            "Maven (mvn) not found: it is needed once to fetch the Neo4j jars from Maven Central "
            "(install Maven, or point KG_NEO4J_HOME at an already fetched home)"
        )
    return mvn


def _java_env(instance: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # JAVA_OPTS replaces every server.jvm.additional flag and HEAP_SIZE overrides the configured heap.
    for name in ("JAVA_OPTS", "HEAP_SIZE", "NEO4J_CONF", "NEO4J_HOME"):
        env.pop(name, None)
    env.update(NEO4J_HOME=str(instance), NEO4J_CONF=str(instance / "conf"), **extra)
    return env


# -- fetch -----------------------------------------------------------------------------------------
def fetched(home: str | Path | None = None) -> dict[str, str | None]:
    """Versions recorded by the last successful fetch ({} when nothing is fetched)."""
    stamp = _home(home) / STAMP
    try:
        return json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def is_fetched(home: str | Path | None = None, *, apoc: bool = True) -> bool:
    """True when HOME holds this module's server (and APOC, if asked) versions."""
    home = _home(home)
    stamp = fetched(home)
    return _server_fetched(home, stamp) and (not apoc or _apoc_fetched(home, stamp))


def _server_fetched(home: Path, stamp: dict[str, str | None]) -> bool:
    return (
        stamp.get("neo4j") == NEO4J_VERSION
        and stamp.get("browser") == BROWSER_VERSION
        and (home / "lib" / f"neo4j-kernel-{NEO4J_VERSION}.jar").is_file()
    )


def _apoc_fetched(home: Path, stamp: dict[str, str | None]) -> bool:
    return stamp.get("apoc") == APOC_VERSION and (home / "plugins" / f"apoc-core-{APOC_VERSION}.jar").is_file()


def fetch(
    home: str | Path | None = None, *, apoc: bool = True, force: bool = False, progress: Progress | None = None
) -> Path:
    """Download the server, Browser and (optionally) APOC jars into HOME unless already there.

    `progress` receives a line now and then while Maven downloads (the first fetch is ~800 MB).
    """
    home = _home(home)
    home.mkdir(parents=True, exist_ok=True)
    with _lock(home / ".fetch.lock"):  # two test sessions may fetch into one shared home at once
        if not force and is_fetched(home, apoc=apoc):
            return home
        mvn = find_maven()
        find_java()
        stamp = fetched(home) if not force else {}
        if not _server_fetched(home, stamp):
            _maven_copy(mvn, home, "server", home / "lib", progress)
            stamp = {"neo4j": NEO4J_VERSION, "browser": BROWSER_VERSION, "apoc": None}
            _write_stamp(home, stamp)
        if apoc and not _apoc_fetched(home, stamp):
            _maven_copy(mvn, home, "apoc", home / "plugins", progress)
            _prune_plugins(home / "plugins", home / "lib")
            _write_stamp(home, {**stamp, "apoc": APOC_VERSION})
        _write_wrappers(home)
    return home


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _maven_copy(mvn: str, home: Path, profile: str, target: Path, progress: Progress | None = None) -> None:
    # Resolve into a scratch folder and swap it in, so an interrupted download or a version bump
    # never leaves a mix of jars on the classpath.
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = [
        mvn, "-B", "-q", "-f", str(POM), "-P", profile,
        f"-Dmaven.repo.local={home / 'm2'}",
        f"-Dneo4j.version={NEO4J_VERSION}", f"-Dbrowser.version={BROWSER_VERSION}", f"-Dapoc.version={APOC_VERSION}",
        "dependency:copy-dependencies", f"-DoutputDirectory={partial}",
    ]  # fmt: skip
    env = dict(os.environ)
    env.setdefault("MAVEN_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1")
    result = _run_reporting(command, env, home / "m2", f"Neo4j {profile} jars", progress)
    if result.returncode != 0 or not partial.is_dir():
        shutil.rmtree(partial, ignore_errors=True)
        raise Neo4jServerError(
            f"Maven could not fetch the Neo4j {profile} jars from Maven Central (exit {result.returncode}):\n"
            + _tail(result.stdout + result.stderr, 25)
        )
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def _run_reporting(
    command: list[str], env: dict[str, str], repository: Path, what: str, progress: Progress | None
) -> subprocess.CompletedProcess:
    """Run Maven; every PROGRESS_EVERY_S seconds tell `progress` how much the local repository has grown."""
    if progress is None:
        return subprocess.run(command, capture_output=True, text=True, env=env)
    started, before = time.monotonic(), _tree_size(repository)
    progress(f"fetching {what} from Maven Central into {repository} (first time only, ~800 MB in all)")
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
        while True:
            try:
                proc.wait(timeout=PROGRESS_EVERY_S)
                break
            except subprocess.TimeoutExpired:
                grown = (_tree_size(repository) - before) / 1e6
                progress(f"  {what}: {grown:,.0f} MB downloaded, {time.monotonic() - started:.0f} s")
        log.seek(0)
        output = log.read()
    progress(f"  {what}: done in {time.monotonic() - started:.0f} s")
    return subprocess.CompletedProcess(command, proc.returncode, output, "")


def _tree_size(folder: Path) -> int:
    """Bytes in the files under folder (0 when it does not exist yet)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def _prune_plugins(plugins: Path, lib: Path) -> None:
    # The bootloader puts plugins/* BEFORE lib/* on the server classpath, so an older copy of a jar
    # the server already ships (commons-lang3, slf4j-api, asm, ...) would shadow the server's own.
    shipped = {_artifact_id(jar.name) for jar in lib.glob("*.jar")}
    for jar in plugins.glob("*.jar"):
        if _artifact_id(jar.name) in shipped:
            jar.unlink()


def _artifact_id(jar_name: str) -> str:
    return re.sub(r"-\d[^-]*(-[A-Za-z]+)?\.jar$", "", jar_name)


def _write_stamp(home: Path, stamp: dict[str, str | None]) -> None:
    (home / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")


def _write_wrappers(home: Path) -> None:
    # bin/neo4j and bin/neo4j-admin like the tarball's, so shell recipes (import.sh) can use this home.
    bin_dir = home / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, main in (("neo4j", SERVER_COMMAND), ("neo4j-admin", ADMIN_COMMAND)):
        script = f"""#!/bin/sh
# Generated by kg.neo4j.server: Neo4j {NEO4J_VERSION} from Maven Central jars.
NEO4J_HOME="${{NEO4J_HOME:-{home}}}"
NEO4J_CONF="${{NEO4J_CONF:-$NEO4J_HOME/conf}}"
export NEO4J_HOME NEO4J_CONF
unset JAVA_OPTS
JAVA="${{JAVA_HOME:+$JAVA_HOME/bin/}}java"
exec "$JAVA" {' '.join(BOOTLOADER_JVM)} -cp "{home}/lib/*" {main} "$@"
"""
        path = bin_dir / name
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)


# -- configuration ---------------------------------------------------------------------------------
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


# -- ports -----------------------------------------------------------------------------------------
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


# -- processes -------------------------------------------------------------------------------------
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


def _bootloader(home: Path, main: str, args: Sequence[str]) -> list[str]:
    return [find_java(), *BOOTLOADER_JVM, "-cp", str(home / "lib" / "*"), main, *args]


def _run(
    command: list[str], instance: Path, timeout: float | None, output: Path | None = None, **extra_env: str
) -> subprocess.CompletedProcess:
    # With `output`, stdout+stderr go to that file instead of a pipe: the server JVM inherits them
    # from the bootloader, and a pipe would stay open (and block us) until the server is nearly up.
    env = _java_env(instance, **extra_env)
    try:
        if output is None:
            return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, cwd=instance)
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as sink:
            done = subprocess.run(
                command, stdout=sink, stderr=subprocess.STDOUT, env=env, timeout=timeout, cwd=instance
            )
        text = output.read_text(encoding="utf-8", errors="replace")
        return subprocess.CompletedProcess(command, done.returncode, text, "")
    except subprocess.TimeoutExpired as exc:
        captured = exc.stdout or (output.read_text(errors="replace") if output and output.exists() else "")
        captured = captured.decode(errors="replace") if isinstance(captured, bytes) else captured
        raise Neo4jServerError(f"{command[-1]} did not finish within {timeout:.0f} s:\n{_tail(captured, 20)}") from None


# -- start / stop ----------------------------------------------------------------------------------
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
            raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `python -m kg.neo4j.server fetch`")
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
    result = _run(
        _bootloader(home, ADMIN_COMMAND, ["dbms", "set-initial-password", password]), instance, timeout=120
    )
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


# -- neo4j-admin and dry-run -----------------------------------------------------------------------
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
        raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `python -m kg.neo4j.server fetch`")
    if not (instance / "conf" / "neo4j.conf").is_file():
        _write_config(home, instance)  # the data/lib locations must match what `start` will use
    extra = {"HEAP_SIZE": heap} if heap else {}
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
        raise Neo4jServerError(f"Neo4j is not fetched into {home}: run `python -m kg.neo4j.server fetch`")
    running = _server_process(instance)
    if running:  # the bootloader refuses, and the config of a running server must not be rewritten
        raise Neo4jServerError(f"Neo4j is running from {instance} (pid {running.pid}); stop it to dry-run a start")
    _write_config(home, instance, bolt_port=bolt_port, http_port=http_port, heap=heap, pagecache=pagecache)
    result = _run(_bootloader(home, SERVER_COMMAND, ["console", "--dry-run"]), instance, timeout=60)
    if result.returncode != 0:
        raise Neo4jServerError(_failure("Neo4j rejected its configuration", instance, result.stdout + result.stderr))
    return result.stdout.strip()


# -- diagnostics -----------------------------------------------------------------------------------
def _tail(text: str, lines: int) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join(f"  {line}" for line in kept) or "  (no output)"


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


# -- command line ----------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kg.neo4j.server",
        description=f"Fetch and run a local Neo4j {NEO4J_VERSION} Community server from Maven Central jars.",
    )
    parser.add_argument(
        "command", choices=["fetch", "start", "stop", "status", "dry-run"],
        help="fetch: download the jars once; start/stop/status: the server; dry-run: print the server's java command",
    )  # fmt: skip
    parser.add_argument("--home", type=Path, default=None, help=f"server home (default: ${HOME_ENV} or {DEFAULT_HOME})")
    parser.add_argument("--bolt-port", type=int, default=DEFAULT_BOLT_PORT)
    parser.add_argument("--http-port", type=int, default=DEFAULT_HTTP_PORT)
    parser.add_argument(
        "--password", nargs="?", const="", default=None,
        help="enable auth for user neo4j with this password (no value: prompt); default: auth disabled",
    )  # fmt: skip
    parser.add_argument("--heap", default=DEFAULT_HEAP, help="JVM heap (default %(default)s)")
    parser.add_argument("--pagecache", default=DEFAULT_PAGECACHE, help="page cache size (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=START_TIMEOUT_S, help="seconds to wait for RETURN 1")
    parser.add_argument("--no-apoc", action="store_true", help="fetch without the APOC plugin")
    return parser


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _command(args: argparse.Namespace) -> str:
    home = _home(args.home)
    if args.command == "fetch":
        started = time.monotonic()
        fetch(home, apoc=not args.no_apoc, progress=_say)
        took = time.monotonic() - started
        return f"Neo4j {NEO4J_VERSION} ready in {home} ({json.dumps(fetched(home))}, {took:.1f} s)"
    if args.command == "start":
        password = getpass.getpass("Neo4j password for user neo4j: ") if args.password == "" else args.password
        started = time.monotonic()
        info = start(
            home, args.bolt_port, args.http_port, password=password, heap=args.heap, pagecache=args.pagecache,
            timeout=args.timeout, progress=_say,
        )  # fmt: skip
        return (
            f"Neo4j {NEO4J_VERSION} is up in {time.monotonic() - started:.1f} s: {info.uri}  "
            f"Browser: {info.browser_url}  (pid {info.pid}, auth {'on' if password else 'off'}, home {home})"
        )
    if args.command == "stop":
        return "Neo4j stopped" if stop(home) else f"Neo4j was not running from {home}"
    if args.command == "status":
        pid = status(home)
        if pid is None:
            raise Neo4jServerError(f"Neo4j is not running from {home}")
        bolt, http = configured_ports(home)
        where = f"bolt://{DEFAULT_HOST}:{bolt}  Browser: {browser_url(f'http://{DEFAULT_HOST}:{http}')}"
        return f"Neo4j is running (pid {pid}): {where}"
    return dry_run(home, args.bolt_port, args.http_port, heap=args.heap, pagecache=args.pagecache)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: prints one clear message on failure, never a stack trace."""
    args = _parser().parse_args(argv)
    try:
        print(_command(args))
    except Neo4jServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
