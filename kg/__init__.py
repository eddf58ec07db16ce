"""paper-kg: research-paper abstracts -> knowledge graph of methods, datasets, tasks and metrics."""

from kg.api import KnowledgeGraph, to_records

__all__ = ["KnowledgeGraph", "to_records"]
__version__ = "0.1.0"
