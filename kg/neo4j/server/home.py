"""Versions, where a server home lives, and the errors every part of the local server raises."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

NEO4J_VERSION = "5.26.12"
BROWSER_VERSION = "5.24.0"  # newest org.neo4j.client:neo4j-browser on Central
APOC_VERSION = NEO4J_VERSION  # APOC core is released in lock-step with the server
# Package data, so an installed wheel fetches with the same pom as a clone.
POM = Path(__file__).with_name("pom.xml")
HOME_ENV = "KG_NEO4J_HOME"
# The user's cache folder (~/.cache/paper-kg/neo4j on Linux): one ~800 MB fetch serves every clone and
# every virtualenv, and nothing is written beside site-packages.
DEFAULT_HOME = platformdirs.user_cache_path("paper-kg") / "neo4j"
STAMP = "fetched.json"


class Neo4jServerError(RuntimeError):
    """The local server could not be fetched, started, stopped or administered; the message says why."""


class Neo4jToolMissing(Neo4jServerError):
    """Java or Maven is not installed (tests skip on this locally and fail on CI)."""


def default_home() -> Path:
    """$KG_NEO4J_HOME if set, else paper-kg/neo4j in the user's cache folder (platformdirs)."""
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).expanduser().resolve()


def _home(home: str | Path | None) -> Path:
    return Path(home).expanduser().resolve() if home is not None else default_home()


def _instance(home: Path, instance_dir: str | Path | None) -> Path:
    return Path(instance_dir).expanduser().resolve() if instance_dir is not None else home


def _tail(text: str, lines: int) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "\n".join(f"  {line}" for line in kept) or "  (no output)"
