"""Resolving the server, Neo4j Browser and APOC jars from Maven Central into a home, once."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.neo4j.server.home import (
    APOC_VERSION,
    BROWSER_VERSION,
    NEO4J_VERSION,
    POM,
    STAMP,
    Neo4jServerError,
    _home,
    _tail,
)
from kg.neo4j.server.tools import (
    ADMIN_COMMAND,
    BOOTLOADER_JVM,
    SERVER_COMMAND,
    find_java,
    find_maven,
)

PROGRESS_EVERY_S = 5.0  # how often a first download reports its size
Progress = Callable[[str], None]


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
exec "$JAVA" {" ".join(BOOTLOADER_JVM)} -cp "{home}/lib/*" {main} "$@"
"""
        path = bin_dir / name
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)
