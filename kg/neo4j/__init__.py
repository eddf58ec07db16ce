"""Neo4j storage for paper-kg: connection settings, a local server for tests/CI, schema, loader, bulk import."""
