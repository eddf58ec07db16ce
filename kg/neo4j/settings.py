"""Neo4j connection settings (env NEO4J_* or explicit values) and a driver factory with clear errors.

The password is a pydantic SecretStr: it never appears in repr/str, in validation errors or in the
messages of Neo4jConnectionError.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import neo4j
import neo4j.exceptions as errors
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator

# Project defaults; docker-compose.yml, kg.neo4j.server and the tests import these instead of repeating them.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
DEFAULT_URI = f"bolt://{DEFAULT_HOST}:{DEFAULT_BOLT_PORT}"
DEFAULT_USERNAME = "neo4j"
DEFAULT_DATABASE = "neo4j"

ENV_URI = "NEO4J_URI"
ENV_USERNAME = "NEO4J_USERNAME"
ENV_PASSWORD = "NEO4J_PASSWORD"
ENV_DATABASE = "NEO4J_DATABASE"

SUPPORTED_SCHEMES = ("bolt", "neo4j", "bolt+s", "neo4j+s")
CONNECTION_TIMEOUT_S = 10.0


class Neo4jSettingsError(ValueError):
    """Settings that cannot work (bad URI scheme, credentials in the URI, ...); one line, no secrets."""


class Neo4jConnectionError(RuntimeError):
    """The server is unreachable or refused the credentials; the message is one line without secrets."""


class Neo4jSettings(BaseModel):
    """Where and how to connect to Neo4j."""

    # hide_input_in_errors: a rejected URI or password must not be echoed into a traceback or log.
    model_config = ConfigDict(frozen=True, hide_input_in_errors=True, extra="forbid")

    uri: str = DEFAULT_URI
    username: str = DEFAULT_USERNAME
    password: SecretStr | None = None
    database: str = DEFAULT_DATABASE

    @field_validator("uri")
    @classmethod
    def _check_uri(cls, value: str) -> str:
        return check_uri(value)

    @field_validator("username", "database")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Neo4jSettings:
        """Settings from explicit values, falling back to NEO4J_* environment variables, then defaults."""
        env = os.environ if env is None else env
        if auth is not None:
            username, password = auth
        values: dict[str, Any] = {
            "uri": uri or env.get(ENV_URI) or DEFAULT_URI,
            "username": username or env.get(ENV_USERNAME) or DEFAULT_USERNAME,
            "password": password if password is not None else env.get(ENV_PASSWORD) or None,
            "database": database or env.get(ENV_DATABASE) or DEFAULT_DATABASE,
        }
        try:
            return cls(**values)
        except ValidationError as exc:
            raise Neo4jSettingsError(_one_line(exc)) from None

    from_env = resolve

    def auth(self) -> tuple[str, str] | None:
        """The driver's auth tuple; None when no password is set (a server with auth disabled)."""
        if self.password is None:
            return None
        return (self.username, self.password.get_secret_value())

    def __str__(self) -> str:
        password = "set" if self.password else "not set"
        return f"{self.uri} (user {self.username}, database {self.database}, password {password})"


def check_uri(uri: str) -> str:
    """Return the URI if the driver can use it, else raise ValueError naming the accepted schemes."""
    uri = uri.strip()
    parts = urlsplit(uri)
    if parts.scheme.lower() not in SUPPORTED_SCHEMES or "://" not in uri:
        accepted = ", ".join(f"{s}://" for s in SUPPORTED_SCHEMES)
        shown = f"{parts.scheme}://..." if parts.scheme else "no scheme"
        raise ValueError(f"Neo4j URI must start with one of {accepted} (got {shown})")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"put credentials in {ENV_USERNAME}/{ENV_PASSWORD}, not in the Neo4j URI")
    if not parts.hostname:
        raise ValueError("Neo4j URI has no host")
    return uri


def _one_line(exc: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()
    )
    return f"invalid Neo4j settings: {problems}"


def connect(settings: Neo4jSettings | None = None, **driver_config: Any) -> neo4j.Driver:
    """Open a driver and prove it works (RETURN 1 on the database); errors become Neo4jConnectionError."""
    settings = settings or Neo4jSettings.resolve()
    driver_config.setdefault("connection_timeout", CONNECTION_TIMEOUT_S)
    try:
        driver = neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth(), **driver_config)
    except (errors.ConfigurationError, ValueError) as exc:
        raise Neo4jConnectionError(_scrub(f"cannot use Neo4j URI {settings.uri}: {exc}", settings)) from None
    try:
        # verify_connectivity and an auto-commit run do not retry, so a dead server fails at once
        # instead of after the driver's 30 s transaction retry budget.
        driver.verify_connectivity()
        with driver.session(database=settings.database) as session:
            session.run("RETURN 1").consume()
    except Exception as exc:  # any failure here means "not usable": close and explain in one line
        driver.close()
        raise Neo4jConnectionError(_scrub(explain(exc, settings), settings)) from None
    return driver


def explain(exc: BaseException, settings: Neo4jSettings) -> str:
    """One line saying why connecting with these settings failed (never includes the password)."""
    where = f"Neo4j at {settings.uri}"
    if isinstance(exc, errors.AuthError):
        if settings.password is None:
            return f"{where} requires a password: set {ENV_PASSWORD} (user {settings.username!r})"
        return f"{where} rejected the credentials for user {settings.username!r}: check {ENV_USERNAME}/{ENV_PASSWORD}"
    if isinstance(exc, errors.ServiceUnavailable):
        return f"cannot reach {where}: is the server running? ({_reason(exc)})"
    if isinstance(exc, errors.ClientError) and "DatabaseNotFound" in (exc.code or ""):
        return f"{where} has no database {settings.database!r}: check {ENV_DATABASE}"
    return f"cannot use {where}: {type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip().rstrip(":")


def _reason(exc: BaseException) -> str:
    # The driver's text spans lines ("Couldn't connect ... (reason [Errno 111] Connection refused)");
    # the OS reason is the useful part.
    found = re.search(r"reason \[Errno \d+\] ([^)]+)\)", str(exc))
    return found.group(1).strip() if found else _first_line(exc)


def _scrub(message: str, settings: Neo4jSettings) -> str:
    # Belt and braces: driver messages never contain the password today; keep it that way here.
    message = " ".join(message.split())
    if settings.password is not None and settings.password.get_secret_value():
        message = message.replace(settings.password.get_secret_value(), "***")
    return message
