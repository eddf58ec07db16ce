"""paper-kg: research-paper abstracts -> knowledge graph of methods, datasets, tasks and metrics."""

from kg.api import KnowledgeGraph

__all__ = ["KnowledgeGraph"]
__version__ = "0.1.0"
