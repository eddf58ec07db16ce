"""docker-compose.yml: structure, and ports/database/credentials agree with the project's defaults."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.neo4j.server import NEO4J_VERSION
from kg.neo4j.settings import (
    DEFAULT_BOLT_PORT,
    DEFAULT_DATABASE,
    DEFAULT_HOST,
    DEFAULT_HTTP_PORT,
    DEFAULT_USERNAME,
    ENV_PASSWORD,
)

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


@pytest.fixture(scope="module")
def neo4j_service() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert set(compose["services"]) == {"neo4j"}
    return compose["services"]["neo4j"]


def test_image_is_the_community_line_the_local_server_runs(neo4j_service: dict[str, Any]) -> None:
    major_minor = ".".join(NEO4J_VERSION.split(".")[:2])
    assert neo4j_service["image"] == f"neo4j:{major_minor}-community"


def test_ports_are_the_default_ports_on_localhost_only(neo4j_service: dict[str, Any]) -> None:
    assert sorted(neo4j_service["ports"]) == sorted(
        [f"{DEFAULT_HOST}:{DEFAULT_HTTP_PORT}:7474", f"{DEFAULT_HOST}:{DEFAULT_BOLT_PORT}:7687"]
    )


def test_password_is_required_and_user_and_database_are_the_defaults(neo4j_service: dict[str, Any]) -> None:
    env = neo4j_service["environment"]
    user, _, password = env["NEO4J_AUTH"].partition("/")
    assert user == DEFAULT_USERNAME
    # ${VAR:?message}: compose refuses to run without it; the variable is the one the settings read.
    assert re.fullmatch(r"\$\{" + ENV_PASSWORD + r":\?[^}]+\}", password)
    assert env["NEO4J_initial_dbms_default__database"] == DEFAULT_DATABASE


def test_apoc_is_installed_and_allowed(neo4j_service: dict[str, Any]) -> None:
    env = neo4j_service["environment"]
    assert json.loads(env["NEO4J_PLUGINS"]) == ["apoc"]
    assert env["NEO4J_dbms_security_procedures_unrestricted"] == "apoc.*"


def test_data_and_logs_live_in_named_volumes(neo4j_service: dict[str, Any]) -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    mounts = {}
    for volume in neo4j_service["volumes"]:
        source, target = volume.split(":")[:2]
        mounts[target] = source
    assert mounts["/data"] in compose["volumes"] and mounts["/logs"] in compose["volumes"]


def test_healthcheck_probes_the_http_port(neo4j_service: dict[str, Any]) -> None:
    check = neo4j_service["healthcheck"]
    assert check["test"][0] == "CMD-SHELL" and "http://localhost:7474" in check["test"][1]
    assert check["retries"] >= 10 and check["start_period"]


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
    if shutil.which("docker")
    else True,
    reason="docker compose is not installed",
)
def test_compose_accepts_the_file_and_insists_on_a_password(tmp_path: Path) -> None:
    command = ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--format", "json"]
    env = {k: v for k, v in os.environ.items() if k != ENV_PASSWORD}
    refused = subprocess.run(command, capture_output=True, text=True, env=env)
    assert refused.returncode != 0 and "set NEO4J_PASSWORD" in refused.stderr
    accepted = subprocess.run(command, capture_output=True, text=True, env={**env, ENV_PASSWORD: "test-password"})
    assert accepted.returncode == 0, accepted.stderr
    service = json.loads(accepted.stdout)["services"]["neo4j"]
    assert service["environment"]["NEO4J_AUTH"] == "neo4j/test-password"
