"""The reviewed correction file: one fix of a source a row, each with its reason."""

import csv
from dataclasses import dataclass
from pathlib import Path

ACTIONS = ("add", "rename", "merge", "drop", "set_parents", "add_parent", "drop_parent", "add_alias", "drop_alias")


@dataclass(frozen=True)
class Correction:
    """label, the name it applies to (a source name or a built name), action, value, reason."""

    label: str
    name: str
    action: str
    value: str
    reason: str


def read_corrections(path: Path) -> list[Correction]:
    """Rows of corrections.tsv (tab-separated: label, name, action, value, reason; '#' lines are comments)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for number, record in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
        action = (record.get("action") or "").strip()
        if action not in ACTIONS:
            raise ValueError(f"{path}: row {number}: unknown action {action!r} (one of {', '.join(ACTIONS)})")
        if not (record.get("reason") or "").strip():
            raise ValueError(f"{path}: row {number}: every correction needs a reason")
        rows.append(
            Correction(
                label=record["label"].strip(),
                name=record["name"].strip(),
                action=action,
                value=(record.get("value") or "").strip(),
                reason=record["reason"].strip(),
            )
        )
    return rows
