"""The real Neo4j 5.26 server from Maven Central jars, its connection settings and their errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pydantic import SecretStr

from kg.neo4j import server
from kg.neo4j.settings import (
    DEFAULT_DATABASE,
    DEFAULT_URI,
    DEFAULT_USERNAME,
    Neo4jConnectionError,
    Neo4jSettings,
    Neo4jSettingsError,
    connect,
)

SECRET = "s3cret-Value-42"


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A port some other program is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- settings (no server needed) -------------------------------------------------------------------
def test_settings_defaults_and_env_with_explicit_override() -> None:
    env = {"NEO4J_URI": "neo4j+s://graph.example.org:7687", "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": "papers"}
    assert Neo4jSettings.resolve(env={}) == Neo4jSettings(
        uri=DEFAULT_URI, username=DEFAULT_USERNAME, password=None, database=DEFAULT_DATABASE
    )
    from_env = Neo4jSettings.resolve(env=env)
    assert (from_env.uri, from_env.username) == ("neo4j+s://graph.example.org:7687", "neo4j")
    assert from_env.database == "papers"
    assert from_env.auth() == ("neo4j", SECRET)
    explicit = Neo4jSettings.resolve(uri="bolt://localhost:7999", auth=("alice", "other-pass"), database="x", env=env)
    assert (explicit.uri, explicit.auth(), explicit.database) == ("bolt://localhost:7999", ("alice", "other-pass"), "x")


@pytest.mark.parametrize("uri", ["bolt://h:7687", "neo4j://h", "bolt+s://h:7687", "neo4j+s://h.example.org"])
def test_settings_accept_the_four_driver_schemes(uri: str) -> None:
    assert Neo4jSettings.resolve(uri=uri, env={}).uri == uri


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt+ssc://h:7687", "bolt://"])
def test_settings_reject_other_uris_in_one_line(uri: str) -> None:
    with pytest.raises(Neo4jSettingsError) as caught:
        Neo4jSettings.resolve(uri=uri, env={})
    assert "\n" not in str(caught.value)
    assert "Neo4j URI" in str(caught.value)


def test_password_never_shown_in_repr_str_or_errors() -> None:
    settings = Neo4jSettings.resolve(password=SECRET, env={})
    assert SECRET not in repr(settings) and SECRET not in str(settings)
    assert "password set" in str(settings)
    with pytest.raises(Neo4jSettingsError) as caught:  # credentials smuggled into the URI are refused
        Neo4jSettings.resolve(uri=f"bolt://neo4j:{SECRET}@localhost:7687", env={})
    assert SECRET not in str(caught.value) and "NEO4J_PASSWORD" in str(caught.value)
    with pytest.raises(ValueError) as direct:  # pydantic's own error must not echo the input either
        Neo4jSettings(uri=f"bolt://neo4j:{SECRET}@localhost:7687")
    assert SECRET not in str(direct.value)


def test_unreachable_server_gives_one_line_connection_error() -> None:
    port = server.free_port()
    settings = Neo4jSettings.resolve(uri=f"bolt://127.0.0.1:{port}", password=SECRET, env={})
    with pytest.raises(Neo4jConnectionError) as caught:
        connect(settings)
    message = str(caught.value)
    assert "\n" not in message and SECRET not in message
    assert f"cannot reach Neo4j at bolt://127.0.0.1:{port}" in message and "refused" in message


# -- server management without a running server ----------------------------------------------------
def test_start_on_a_taken_port_fails_with_a_clear_message(listening_port: int, tmp_path: Path) -> None:
    with pytest.raises(server.Neo4jServerError) as caught:
        server.start(tmp_path / "home", bolt_port=listening_port, http_port=server.free_port())
    assert str(caught.value) == (
        f"cannot start Neo4j: Bolt port {listening_port} on 127.0.0.1 is already in use "
        "(another Neo4j? stop it, or choose another port with --bolt-port)"
    )
    assert not (tmp_path / "home").exists()  # failed before fetching or writing anything


def test_cli_reports_errors_in_one_message_without_traceback(listening_port: int, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kg.cli", "neo4j", "start", "--http-port", str(listening_port)]
    env = {**os.environ, server.HOME_ENV: str(tmp_path)}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot start Neo4j: HTTP port {listening_port}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_java_and_maven_are_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(server.Neo4jToolMissing, match=r"^Java not found: Neo4j 5.26 needs Java 17 or 21"):
        server.find_java()
    with pytest.raises(server.Neo4jToolMissing, match=r"^Maven \(mvn\) not found"):
        server.find_maven()


def test_stop_when_nothing_runs_says_so(tmp_path: Path) -> None:
    assert server.stop(tmp_path / "home", instance_dir=tmp_path / "instance") is False


def test_config_has_the_ports_paths_and_auth_asked_for(tmp_path: Path) -> None:
    text = server.render_config(tmp_path / "h", tmp_path / "i", bolt_port=1234, http_port=5678, auth_enabled=True)
    lines = set(text.splitlines())
    assert {
        "server.bolt.listen_address=127.0.0.1:1234",
        "server.http.listen_address=127.0.0.1:5678",
        "dbms.security.auth_enabled=true",
        f"server.directories.lib={tmp_path / 'h' / 'lib'}",
        f"server.directories.data={tmp_path / 'i' / 'data'}",
        "dbms.security.procedures.unrestricted=apoc.*",
        f"db.tx_log.rotation.retention_policy={server.TX_LOG_RETENTION}",
    } <= lines
    assert "server.jvm.additional=-XX:+UseG1GC" in lines


# -- fetched jars (Java needed, no server) ---------------------------------------------------------
def test_config_passes_neo4j_strict_validation(neo4j_home: Path, tmp_path: Path) -> None:
    server.dry_run(neo4j_home, server.free_port(), server.free_port(), instance_dir=tmp_path)  # writes the conf
    result = server.admin(neo4j_home, "server", "validate-config", instance_dir=tmp_path)
    assert "Configuration file validation successful" in result.stdout


def test_dry_run_prints_the_community_server_command(neo4j_home: Path, tmp_path: Path) -> None:
    command = server.dry_run(neo4j_home, 7690, 7491, instance_dir=tmp_path)
    assert server.ENTRY_POINT in command and f"--home-dir={tmp_path}" in command
    assert "-Xmx1048576k" in command  # the configured 1g default heap reached the JVM


def test_neo4j_admin_import_full_is_available(neo4j_home: Path, tmp_path: Path) -> None:
    result = server.admin(neo4j_home, "database", "import", "full", "--help", instance_dir=tmp_path)
    assert "neo4j-admin database import full" in result.stdout and "--nodes" in result.stdout
    with pytest.raises(server.Neo4jServerError, match="Missing required option: '--nodes"):
        server.admin(neo4j_home, "database", "import", "full", instance_dir=tmp_path)


def test_a_server_that_does_not_start_in_time_is_reported_and_removed(neo4j_home: Path, tmp_path: Path) -> None:
    with pytest.raises(server.Neo4jServerError) as caught:
        server.start(neo4j_home, server.free_port(), server.free_port(), instance_dir=tmp_path, timeout=5)
    assert str(caught.value).startswith("Neo4j did not start within 5 s")
    assert server.status(neo4j_home, instance_dir=tmp_path) is None
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if f"--home-dir={tmp_path}" in (p.info["cmdline"] or [])]
    assert leftovers == []  # the half-started server JVM was killed too


# -- the running server ----------------------------------------------------------------------------
def test_server_answers_and_is_5_26_community(clean_database) -> None:
    records, _, _ = clean_database.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1
    records, _, _ = clean_database.execute_query("CALL dbms.components() YIELD name, versions, edition RETURN *")
    kernel = next(r for r in records if r["name"] == "Neo4j Kernel")
    assert kernel["edition"] == "community"
    assert kernel["versions"][0].startswith("5.26.")


def test_apoc_is_installed_when_it_was_fetched(neo4j_server, neo4j_home: Path, clean_database) -> None:
    if neo4j_server.external:
        pytest.skip("APOC presence is only known for the repo's own server")
    assert server.fetched(neo4j_home)["apoc"] == server.APOC_VERSION  # it resolves on Central, so it must be there
    records, _, _ = clean_database.execute_query(
        "RETURN apoc.version() AS version, apoc.coll.sum([1, 2, 3]) AS total, apoc.text.join(['a', 'b'], '-') AS j"
    )
    assert dict(records[0]) == {"version": server.APOC_VERSION, "total": 6.0, "j": "a-b"}
    records, _, _ = clean_database.execute_query("CALL apoc.meta.stats() YIELD nodeCount RETURN nodeCount")
    assert records[0]["nodeCount"] == 0  # apoc-common's classes load too (meta.stats needs them)


def test_browser_is_served(neo4j_server) -> None:
    if not neo4j_server.http_url:
        pytest.skip("set NEO4J_HTTP_URL to check the Browser of an external server")
    with urllib.request.urlopen(f"{neo4j_server.http_url}/browser/", timeout=30) as response:
        body = response.read().decode("utf-8", errors="replace")
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
    assert "<title>Neo4j Browser</title>" in body


def test_taken_port_of_the_running_server_is_refused(neo4j_server, neo4j_home: Path, tmp_path: Path) -> None:
    if neo4j_server.external:
        pytest.skip("needs the repo's own server")
    bolt_port = int(neo4j_server.uri.rsplit(":", 1)[1])
    with pytest.raises(server.Neo4jServerError, match=f"Bolt port {bolt_port} on 127.0.0.1 is already in use"):
        server.start(neo4j_home, bolt_port, server.free_port(), instance_dir=tmp_path)


def test_wrong_or_missing_password_gives_one_line_connection_error(neo4j_server) -> None:
    if neo4j_server.settings.password is None:
        pytest.skip("the server under test has auth disabled")
    wrong = neo4j_server.settings.model_copy(update={"password": SecretStr(SECRET)})
    with pytest.raises(Neo4jConnectionError) as caught:
        connect(wrong)
    message = str(caught.value)
    assert message == (
        f"Neo4j at {neo4j_server.uri} rejected the credentials for user 'neo4j': check NEO4J_USERNAME/NEO4J_PASSWORD"
    )
    assert SECRET not in message and neo4j_server.settings.password.get_secret_value() not in message
    anonymous = neo4j_server.settings.model_copy(update={"password": None})
    with pytest.raises(Neo4jConnectionError, match=r"requires a password: set NEO4J_PASSWORD"):
        connect(anonymous)


def test_missing_database_is_named(neo4j_server) -> None:
    settings = neo4j_server.settings.model_copy(update={"database": "nosuchdb"})
    with pytest.raises(Neo4jConnectionError, match=r"has no database 'nosuchdb': check NEO4J_DATABASE$"):
        connect(settings)


def test_clean_database_leaves_nothing_behind_1(neo4j_driver) -> None:
    neo4j_driver.execute_query("CREATE CONSTRAINT test_paper_id FOR (p:Paper) REQUIRE p.id IS UNIQUE")
    neo4j_driver.execute_query("CREATE INDEX test_method_name FOR (m:Method) ON (m.name)")
    neo4j_driver.execute_query("CREATE (:Paper {id: 'arxiv:1'})-[:USES]->(:Method {name: 'ViT'})")


def test_clean_database_leaves_nothing_behind_2(neo4j_driver) -> None:
    # Runs after _1 (file order): the fixture must have removed its data and schema.
    records, _, _ = neo4j_driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0
    records, _, _ = neo4j_driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert records[0]["names"] == []
    records, _, _ = neo4j_driver.execute_query("SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS n")
    assert records[0]["n"] == 0
