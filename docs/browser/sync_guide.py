"""Fill the guide's `data-params` / `data-file` blocks with the text of the cypher/ NAME.params / NAME.cypher
files they show, so slides and files never differ.

    python docs/browser/sync_guide.py          # rewrite kg/browser/guide.html in place
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "kg" / "browser" / "guide.html"
CYPHER = GUIDE.parents[2] / "cypher"
FILE_BLOCK = re.compile(r'(<pre class="[^"]*\brunnable\b[^"]*" data-(file|params)="([\w-]+)">)(.*?)(</pre>)', re.S)
SUFFIX = {"file": ".cypher", "params": ".params"}


def synced(guide: str, cypher: Path = CYPHER) -> str:
    """The guide text with every data-file block holding its file's text, HTML-escaped."""

    def fill(match: re.Match[str]) -> str:
        text = (cypher / f"{match.group(3)}{SUFFIX[match.group(2)]}").read_text(encoding="utf-8").strip()
        return match.group(1) + html.escape(text, quote=False) + match.group(5)

    return FILE_BLOCK.sub(fill, guide)


def main() -> int:
    path = GUIDE
    before = path.read_text(encoding="utf-8")
    after = synced(before)
    if after != before:
        path.write_text(after, encoding="utf-8")
    print(f"{path}: {'updated' if after != before else 'already in sync'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
