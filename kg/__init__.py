"""paper-kg: research-paper abstracts -> knowledge graph."""
