"""The input formats `kg build --format` accepts (a module of its own so the CLI can list them cheaply)."""

FORMATS: tuple[str, ...] = (
    "seeds-txt",
    "jsonl",
    "csv",
    "arxiv-atom",
    "arxiv-snapshot",
    "openalex",
    "semantic-scholar",
)
