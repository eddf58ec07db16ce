"""Resolution: mentions -> canonical entities, aliases and the IS_A hierarchy.

resolve(extractions) -> Resolution     one entity per (label, concept) across the corpus
name_key(text) -> str                  the normalised lookup key (case, plural, hyphens, unicode)
"""

from typing import Any

from kg.resolve.normalize import name_key

__all__ = ["name_key", "resolve"]


def __getattr__(name: str) -> Any:
    # resolve() is imported on first use: queries only need name_key, and merge pulls in the record
    # models (pydantic) and the hierarchy rules, a fifth of `kg query`'s imports.
    if name == "resolve":
        from kg.resolve.merge import resolve

        return resolve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
