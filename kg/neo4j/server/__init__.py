"""A real Neo4j 5.26 Community server run from Maven Central jars (no Docker, no tarball).

    kg neo4j {fetch,start,stop,status,dry-run}

`fetch` resolves the server, Neo4j Browser and APOC with Maven (the package's pom.xml) into
HOME/lib and HOME/plugins, once. `start` writes HOME/conf/neo4j.conf and runs Neo4j's own bootloader
(`org.neo4j.server.startup.Neo4jCommand start`, what bin/neo4j runs), then polls `RETURN 1`.
`admin(home, ...)` runs neo4j-admin (`Neo4jAdminCommand`) against the same home.

A server's state (conf, data, logs, run, import) lives in an *instance* directory, by default the home
itself; tests pass a temporary instance so they share the jars but never the user's database.

One module per concern: `home` (versions, locations, errors), `tools` (Java, Maven, the bootloader), `jars`
(fetching), `config` (neo4j.conf, ports), `processes` (start, stop, status), `neo4j_admin`
(neo4j-admin, dry run). This package re-exports their public names.
"""

from kg.neo4j.server.config import (
    DEFAULT_HEAP,
    DEFAULT_PAGECACHE,
    SERVER_JVM_FLAGS,
    TX_LOG_RETENTION,
    configured_ports,
    free_port,
    port_in_use,
    render_config,
)
from kg.neo4j.server.home import (
    APOC_VERSION,
    BROWSER_VERSION,
    DEFAULT_HOME,
    HOME_ENV,
    NEO4J_VERSION,
    POM,
    STAMP,
    Neo4jServerError,
    Neo4jToolMissing,
    default_home,
)
from kg.neo4j.server.jars import PROGRESS_EVERY_S, Progress, fetch, fetched, is_fetched
from kg.neo4j.server.neo4j_admin import admin, dry_run
from kg.neo4j.server.processes import (
    MIN_PASSWORD_LENGTH,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    ServerInfo,
    browser_url,
    start,
    status,
    stop,
    wait_until_ready,
)
from kg.neo4j.server.tools import (
    ADMIN_COMMAND,
    ENTRY_POINT,
    SERVER_COMMAND,
    find_java,
    find_maven,
)

__all__ = [
    "ADMIN_COMMAND", "APOC_VERSION", "BROWSER_VERSION", "DEFAULT_HEAP", "DEFAULT_HOME", "DEFAULT_PAGECACHE",
    "ENTRY_POINT", "HOME_ENV", "MIN_PASSWORD_LENGTH", "NEO4J_VERSION", "POM", "PROGRESS_EVERY_S", "Progress",
    "SERVER_COMMAND", "SERVER_JVM_FLAGS", "STAMP", "START_TIMEOUT_S", "STOP_TIMEOUT_S", "TX_LOG_RETENTION",
    "Neo4jServerError", "Neo4jToolMissing", "ServerInfo", "admin", "browser_url", "configured_ports",
    "default_home", "dry_run", "fetch", "fetched", "find_java", "find_maven", "free_port", "is_fetched",
    "port_in_use", "render_config", "start", "status", "stop", "wait_until_ready",
]  # fmt: skip
