"""Finding Java and Maven, and running Neo4j's own bootloader and admin entry points."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from kg.neo4j.server.home import Neo4jServerError, Neo4jToolMissing, _tail

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
SERVER_COMMAND = "org.neo4j.server.startup.Neo4jCommand"
ADMIN_COMMAND = "org.neo4j.server.startup.Neo4jAdminCommand"
# The bootloader only spawns the server JVM; a small client-style JVM starts fastest on busy cores.
BOOTLOADER_JVM = ["-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]


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
