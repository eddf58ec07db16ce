"""Shared pytest fixtures. Each block below is owned by one area; add new fixtures in their own block."""

from __future__ import annotations

# ==================================================================================================
# Neo4j fixtures (kg.neo4j.server / kg.neo4j.settings)
#
#   neo4j_home      session   the fetched jars (lib/, plugins/) of kg.neo4j.server.default_home()
#   neo4j_server    session   Neo4jTestServer: .settings (Neo4jSettings, with password), .uri,
#                             .http_url, .info; NEO4J_URI set -> that server, else a real Neo4j 5.26
#                             started once per session on free ports in a temporary instance
#   clean_database  function  a connected neo4j.Driver on an emptied database (no nodes, no
#                             constraints, no indexes); `neo4j_driver` is the same fixture
#
# The repo's server runs WITH auth (random password; the settings carry it) so the wrong-password
# path is tested against the real server. Missing Java/Maven: skip locally, fail when CI is set.
# Tests using these fixtures get the `neo4j` marker automatically (`pytest -m "not neo4j"`).
# WARNING: with NEO4J_URI set, clean_database empties that database: point it at a disposable one.
# ==================================================================================================
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest

from kg.neo4j import server
from kg.neo4j.settings import ENV_URI, Neo4jConnectionError, Neo4jSettings, connect

NEO4J_FIXTURES = {"neo4j_home", "neo4j_server", "clean_database", "neo4j_driver"}


@dataclass(frozen=True)
class Neo4jTestServer:
    """The server the tests talk to."""

    settings: Neo4jSettings
    http_url: str | None  # None for an external server unless NEO4J_HTTP_URL is set
    info: server.ServerInfo | None = None  # None for an external server (NEO4J_URI)

    @property
    def uri(self) -> str:
        """Bolt URI."""
        return self.settings.uri

    @property
    def external(self) -> bool:
        """True when the tests use a server from NEO4J_URI rather than the repo's own."""
        return self.info is None


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    # On CI a missing prerequisite is a broken pipeline, not a reason to silently skip.
    if _on_ci():
        pytest.fail(f"Neo4j tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(f"Neo4j tests skipped: {reason}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses a Neo4j fixture with `neo4j`, so -m can select or deselect them."""
    # (pytest allows one such hook per conftest: if another block needs it, extend this function.)
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_home() -> Path:
    """The home holding the fetched Neo4j jars (fetched now if needed); Java is checked too."""
    try:
        server.find_java()  # a fetched home still needs Java to run anything
        return server.fetch()
    except server.Neo4jToolMissing as exc:
        _unavailable(str(exc))
    except server.Neo4jServerError as exc:
        pytest.fail(f"fetching Neo4j failed: {exc}", pytrace=False)
    raise AssertionError("unreachable")


def _free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = server.free_port()
        if port not in ports:
            ports.append(port)
    return ports


@pytest.fixture(scope="session")
def neo4j_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jTestServer]:
    """The session's Neo4j server (external via NEO4J_URI, else the repo's own, started here)."""
    if os.environ.get(ENV_URI):
        settings = Neo4jSettings.resolve()
        _check_connect(settings)
        yield Neo4jTestServer(settings=settings, http_url=os.environ.get("NEO4J_HTTP_URL"))
        return
    home = request.getfixturevalue("neo4j_home")
    instance = tmp_path_factory.mktemp("neo4j-instance")
    bolt_port, http_port = _free_ports(2)
    # a leading "-" every time: neo4j-admin once read such a password as an option (token_urlsafe gives one
    # in 32), so the whole Neo4j suite now proves it is set as a password
    password = "-" + secrets.token_urlsafe(16)
    try:
        info = server.start(
            home, bolt_port, http_port, password=password, instance_dir=instance, heap="512m", pagecache="128m"
        )
    except server.Neo4jToolMissing as exc:
        _unavailable(str(exc))
    except server.Neo4jServerError as exc:
        pytest.fail(f"the test Neo4j server did not start: {exc}", pytrace=False)
    settings = Neo4jSettings.resolve(uri=info.uri, auth=("neo4j", password), database="neo4j", env={})
    try:
        yield Neo4jTestServer(settings=settings, http_url=info.http_url, info=info)
    finally:
        server.stop(home, instance_dir=instance)
        assert server.status(home, instance_dir=instance) is None, "the test Neo4j server outlived stop()"


def _check_connect(settings: Neo4jSettings) -> None:
    try:
        connect(settings).close()
    except Neo4jConnectionError as exc:
        pytest.fail(f"{ENV_URI} is set but unusable: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def _neo4j_session_driver(neo4j_server: Neo4jTestServer) -> Iterator[neo4j.Driver]:
    driver = connect(neo4j_server.settings)
    yield driver
    driver.close()


def empty_database(driver: neo4j.Driver, database: str) -> None:
    """Delete every node, relationship, constraint and index (except the built-in lookup indexes)."""
    with driver.session(database=database) as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        # Constraints first: dropping one drops the index that backs it.
        for record in session.run("SHOW CONSTRAINTS YIELD name").data():
            session.run(f"DROP CONSTRAINT `{record['name']}` IF EXISTS").consume()
        for record in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").data():
            session.run(f"DROP INDEX `{record['name']}` IF EXISTS").consume()


@pytest.fixture
def clean_database(neo4j_server: Neo4jTestServer, _neo4j_session_driver: neo4j.Driver) -> neo4j.Driver:
    """A driver on an empty database (emptied before the test, so a failed test leaves evidence)."""
    empty_database(_neo4j_session_driver, neo4j_server.settings.database)
    return _neo4j_session_driver


@pytest.fixture
def neo4j_driver(clean_database: neo4j.Driver) -> neo4j.Driver:
    """Alias of clean_database."""
    return clean_database


# ==================================================================================================
# end of Neo4j fixtures
# ==================================================================================================


# ==================================================================================================
# Graph snapshots (kg.graph.snapshot): `kg` commands write them to the user's cache folder; tests
# (and the `kg` processes they start, which inherit the environment) write them to a temporary one.
# A test that starts `kg` with an environment of its own passes KG_SNAPSHOT_DIR on from os.environ
# (tests/test_first_hour.py, tests/test_installed_wheel.py).
# ==================================================================================================
@pytest.fixture(scope="session", autouse=True)
def _snapshots_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from kg.graph.snapshot import ENV_DIR

    before = os.environ.get(ENV_DIR)
    os.environ[ENV_DIR] = str(tmp_path_factory.mktemp("snapshots"))
    yield
    if before is None:
        os.environ.pop(ENV_DIR, None)
    else:
        os.environ[ENV_DIR] = before
