"""Write examples/seed_abstracts.jsonl from the plain-text seed dumps (deduplicated, one paper per line)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from kg.ingest import IngestReport, read_papers
from kg.models import Paper

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = Path("/work/shared/seeds")
DEFAULT_OUTPUT = ROOT / "examples" / "seed_abstracts.jsonl"
FIELDS = ("id", "title", "abstract", "source")


def corpus_lines(papers: Iterable[Paper]) -> Iterable[str]:
    """One JSON object per paper with the fields the sample corpus keeps."""
    for paper in papers:
        yield json.dumps({f: getattr(paper, f) for f in FIELDS}, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Read the seed dumps, write the corpus, print the ingest summary to stderr."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seeds", nargs="*", type=Path, default=[DEFAULT_SEEDS], help="seed .txt files or folders")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="JSONL file to write")
    args = parser.parse_args(argv)
    report = IngestReport()
    papers = list(read_papers(args.seeds, format="seeds-txt", report=report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8") as sink:
        sink.writelines(corpus_lines(papers))
    print(report.summary(), file=sys.stderr)
    print(f"wrote {len(papers)} papers to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
