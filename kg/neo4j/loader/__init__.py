"""Push the embedded graph into Neo4j so the database mirrors it (idempotent, safe to re-run after a crash).

Every step is a set operation keyed by node id, so any partial state left by an interrupted load
converges to the same database when the load runs again:

1. check every label, relationship type, (source, target) label pair and property value against the
   schema whitelist -- nothing is sent when the graph breaks it;
2. constraints and indexes (``IF NOT EXISTS``);
3. nodes per label: ``MERGE`` on id, then ``SET n = props`` (so properties the graph no longer has go);
4. nodes of the schema's labels whose id is not in the graph are ``DETACH DELETE``d;
5. relationships, grouped by source node: both ends found by elementId, ``MERGE``, ``SET r = props``;
6. for every node of a source label, its outgoing relationships of the schema's types that the graph
   does not have (a re-extracted paper's old USES edge, an IS_A edge resolution dropped) are deleted,
   and so are duplicates of one (source, type, target).

A first load -- the database holds no node of the schema's labels (one count-store query) -- has
nothing to match and nothing stale, so it writes nodes and relationships with ``CREATE`` and skips
steps 4 and 6; the result is the same database (tests compare the digests). A first load killed half
way leaves nodes behind, so its rerun takes the MERGE path above and converges like any other.

Only the schema's labels and types are managed; anything else in the database is left alone. None
values and empty lists are not stored (Neo4j cannot type an empty list, and neo4j-admin import skips
empty arrays); readers treat a missing list as empty.

Batches go through `workers` sessions at once (two by default: the server writes one batch while the
client packs the next, and on two cores the server runs both). Batches of one step touch disjoint
source nodes; a lock wait on a shared entity node ends in the driver's retry of the whole batch, so
the result does not depend on the order the batches commit in.

One module per concern: `validation` (whitelist checks, rows), `cypher` (statement text), `writer`
(batches through a few sessions), `load` (the create and merge paths), `snapshot` (digests of a
database and of a graph). This package re-exports their public names.
"""

from kg.neo4j.loader.load import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WORKERS,
    load_graph_into_neo4j,
)
from kg.neo4j.loader.snapshot import Snapshot, snapshot_database, snapshot_graph
from kg.neo4j.loader.validation import EDGE_META, NODE_META, LoadPlan, RelRow, plan_load
from kg.neo4j.loader.writer import LoadSummary

__all__ = [
    "DEFAULT_BATCH_SIZE", "DEFAULT_WORKERS", "EDGE_META", "NODE_META", "LoadPlan", "LoadSummary", "RelRow",
    "Snapshot", "load_graph_into_neo4j", "plan_load", "snapshot_database", "snapshot_graph",
]  # fmt: skip
