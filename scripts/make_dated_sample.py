"""Write examples/dated_abstracts.jsonl.gz: a seeded sample of real, dated ML abstracts.

Source: ../shared/data/pwc_sota/train.jsonl (SOTA? corpus, jd-coderepos/sota, CC BY-SA 4.0; the
abstracts are arXiv's, whose metadata is CC0). Only papers with leaderboard annotations are kept, so
the sample is machine learning rather than the corpus's other arXiv categories. The year and month come
from the arXiv id (1810.04805 -> 2018-10), the only date the source carries. The same seed and source
always give the same file byte for byte (gzip mtime 0).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "pwc_sota" / "train.jsonl"
DEFAULT_OUTPUT = ROOT / "examples" / "dated_abstracts.jsonl.gz"
DEFAULT_SIZE = 3000
SEED = 16

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}")  # arXiv ids since April 2007: YYMM.NNNNN
_ARGUMENT_COMMANDS = re.compile(r"\\(?:cite[tp]?|ref|eqref|label|footnote|url)\*?\{[^{}]*\}")
_WRAPPING_COMMAND = re.compile(r"\\[a-zA-Z]+\*?\{([^{}]*)\}")
_BARE_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")


def arxiv_month(arxiv_id: str) -> tuple[int, int] | None:
    """(year, month) encoded in a new-style arXiv id, None for other ids."""
    match = _NEW_ID.match(arxiv_id)
    if not match:
        return None
    year, month = 2000 + int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def plain_text(latex: str) -> str:
    """LaTeX abstract or title as readable text: references dropped, formatting commands unwrapped."""
    text = _ARGUMENT_COMMANDS.sub("", latex)
    previous = None
    while previous != text:  # nested \emph{\textbf{x}}
        previous, text = text, _WRAPPING_COMMAND.sub(r"\1", text)
    text = _BARE_COMMAND.sub("", text.replace("\\\\", " "))
    text = text.replace("``", '"').replace("''", '"').replace("~", " ").replace("$", "")
    return re.sub(r"\s+", " ", text).strip()


def dated_records(lines: Iterable[str]) -> Iterator[dict]:
    """One sample record per annotated source paper with a title, an abstract and a dated arXiv id."""
    for line in lines:
        row = json.loads(line)
        when = arxiv_month(row["paper_id"])
        if when is None or row.get("annotation_status") != "ok" or not row.get("leaderboards"):
            continue
        title, abstract = plain_text(row.get("title_latex") or ""), plain_text(row.get("abstract_latex") or "")
        if not title or len(abstract) < 200:
            continue
        arxiv_id = re.sub(r"v\d+$", "", row["paper_id"])
        yield {
            "id": f"arxiv:{arxiv_id}",
            "arxiv_id": arxiv_id,
            "title": title,
            "abstract": abstract,
            "year": when[0],
            "date": f"{when[0]}-{when[1]:02d}",
            "url": f"https://arxiv.org/abs/{arxiv_id}",
        }


def sample(records: list[dict], size: int, seed: int) -> list[dict]:
    """`size` records drawn with a fixed seed, sorted by id so the file diffs well."""
    chosen = random.Random(seed).sample(records, min(size, len(records)))
    return sorted(chosen, key=lambda r: r["id"])


def write_gzip_jsonl(records: Iterable[dict], path: Path) -> None:
    """JSON lines, gzipped with mtime 0 so reruns give identical bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        io.TextIOWrapper(gz, encoding="utf-8") as sink,
    ):
        for record in records:
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Read the source, sample, write the gzipped corpus, print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="pwc_sota train.jsonl")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("-n", "--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    with args.source.open(encoding="utf-8") as lines:
        records = list(dated_records(lines))
    chosen = sample(records, args.size, args.seed)
    write_gzip_jsonl(chosen, args.output)
    years = sorted({r["year"] for r in chosen})
    print(
        f"wrote {len(chosen)} of {len(records)} dated papers ({years[0]}-{years[-1]}) to {args.output}", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
