"""paper-kg: research-paper abstracts -> knowledge graph of methods, datasets, tasks and metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph, to_records

__all__ = ["KnowledgeGraph", "to_records"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The API pulls in networkx and numpy; `kg --help` and the CLI's light commands should not pay for them.
    if name in __all__:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
