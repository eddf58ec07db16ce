"""Size limits on the text one paper brings, so a runaway field cannot stop a build (spaCy refuses docs over 1M chars)."""

from __future__ import annotations

# The longest real abstracts are a few thousand characters; 100k leaves room for anything genuine
# and keeps title + abstract far below spaCy's nlp.max_length (1,000,000), past which it raises E088.
MAX_ABSTRACT_CHARS = 100_000
MAX_TITLE_CHARS = 2_000
LIMITS: dict[str, int] = {"title": MAX_TITLE_CHARS, "abstract": MAX_ABSTRACT_CHARS}


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the last space before the limit when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    # Do not end on half a word, unless the field has (almost) no spaces at all.
    return cut[:space] if space > limit // 2 else cut


def oversized(fields: dict[str, str]) -> dict[str, int]:
    """field -> length for each field of `fields` longer than its limit."""
    return {name: len(text) for name, text in fields.items() if name in LIMITS and len(text) > LIMITS[name]}
