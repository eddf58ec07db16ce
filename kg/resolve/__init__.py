"""Resolution: mentions -> canonical entities, aliases and the IS_A hierarchy.

    resolve(extractions) -> Resolution     one entity per (label, concept) across the corpus
    name_key(text) -> str                  the normalised lookup key (case, plural, hyphens, unicode)
"""

from kg.resolve.merge import resolve
from kg.resolve.normalize import name_key

__all__ = ["name_key", "resolve"]
