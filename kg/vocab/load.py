"""Load the shipped vocabulary and an optional user file (same JSON-lines format) that extends or overrides it."""

import gzip
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from kg.vocab.records import LABELS, VocabEntry, entry_id

SHIPPED_FILE = "ml_vocab.jsonl.gz"
# keys a user line may carry besides VocabEntry's fields
USER_ONLY_KEYS = ("drop",)


class VocabError(ValueError):
    """A vocabulary file that cannot be used, with the file and line that is wrong."""


def shipped_vocab_path() -> Path:
    """The path of the vocabulary file shipped inside the package."""
    return Path(str(resources.files("kg.vocab") / "data" / SHIPPED_FILE))


def _open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def _read_lines(path: Path) -> list[tuple[int, dict]]:
    """(line number, JSON object) for every non-blank, non-comment line of a JSON-lines file."""
    if not path.is_file():
        raise VocabError(f"{path}: no such vocabulary file")
    records = []
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise VocabError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise VocabError(f"{path}:{number}: not a JSON object")
                records.append((number, record))
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise VocabError(f"{path}: cannot be read ({exc})") from None
    return records


def _validate(path: Path, number: int, record: dict) -> VocabEntry:
    try:
        return VocabEntry.model_validate(record)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}" for err in exc.errors())
        raise VocabError(f"{path}:{number}: {problems}") from None


def read_vocab_file(path: Path) -> list[VocabEntry]:
    """Every entry of a complete vocabulary file (the shipped one), validated."""
    path = Path(path)
    return [_validate(path, number, record) for number, record in _read_lines(path)]


def apply_user_file(entries: dict[str, VocabEntry], path: Path) -> tuple[dict[str, VocabEntry], dict[str, int]]:
    """Entries after a user file: a line with a known id overrides the fields it gives, a new one adds an
    entry (id optional: derived from label and name), {"id": ..., "drop": true} removes one."""
    path = Path(path)
    merged = dict(entries)
    line_of: dict[str, int] = {}
    for number, record in _read_lines(path):
        unknown_user = {k: record.pop(k) for k in USER_ONLY_KEYS if k in record}
        if "id" not in record:
            if "label" not in record or "name" not in record:
                raise VocabError(f"{path}:{number}: a new entry needs 'label' and 'name' (or an 'id')")
            if record["label"] not in LABELS:
                raise VocabError(f"{path}:{number}: label must be one of {', '.join(LABELS)}, not {record['label']!r}")
            record["id"] = entry_id(record["label"], str(record["name"]))
        entity_id = record["id"]
        if unknown_user.get("drop"):
            if entity_id not in merged:
                raise VocabError(f"{path}:{number}: cannot drop {entity_id!r}: no such entry")
            del merged[entity_id]
            continue
        base = merged[entity_id].model_dump() if entity_id in merged else {}
        merged[entity_id] = _validate(path, number, {**base, **record})
        line_of[entity_id] = number
    return merged, line_of


def check_references(
    entries: dict[str, VocabEntry], path: Path | None = None, line_of: dict[str, int] | None = None
) -> None:
    """Raise VocabError when a parent, benchmark or measure names an id that is not in the vocabulary."""
    for entity in entries.values():
        targets = entity.parents + [b.task for b in entity.benchmarks] + [m.task for m in entity.measures]
        for target in targets:
            if target not in entries:
                where = f"{path}:{(line_of or {}).get(entity.id, '?')}" if path else "vocabulary"
                raise VocabError(f"{where}: {entity.id} refers to {target!r}, which is not in the vocabulary")


@lru_cache(maxsize=8)
def _load_cached(shipped: str, user: str | None, _user_mtime: float) -> dict[str, VocabEntry]:
    entries = {e.id: e for e in read_vocab_file(Path(shipped))}
    if user is None:
        check_references(entries)
        return entries
    merged, line_of = apply_user_file(entries, Path(user))
    check_references(merged, Path(user), line_of)
    return dict(sorted(merged.items()))


def load_vocabulary(user_file: Path | str | None = None, shipped: Path | str | None = None) -> dict[str, VocabEntry]:
    """The vocabulary by id: the shipped file, extended or overridden by an optional user file (cached)."""
    shipped_path = Path(shipped) if shipped else shipped_vocab_path()
    if user_file is None:
        return _load_cached(str(shipped_path), None, 0.0)
    user_path = Path(user_file)
    mtime = user_path.stat().st_mtime if user_path.exists() else -1.0
    return _load_cached(str(shipped_path), str(user_path), mtime)
