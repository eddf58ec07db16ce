"""Build kg/vocab/data/ml_vocab.jsonl.gz from the curated sources in ../shared/data (deterministic output)."""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import time
from collections import Counter
from pathlib import Path

from kg.vocab.build import build_vocabulary
from kg.vocab.corrections import read_corrections
from kg.vocab.heldout import is_heldout
from kg.vocab.records import VocabEntry
from kg.vocab.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = ROOT / "kg" / "vocab" / "data" / "ml_vocab.jsonl.gz"
DEFAULT_CORRECTIONS = ROOT / "kg" / "vocab" / "data" / "corrections.tsv"


def annotated_train(data: Path) -> list[dict]:
    """ml_abstracts' hand-annotated papers less the slice held out for the NER's model selection (none if absent)."""
    path = data / "ml_abstracts" / "train.jsonl"
    if not path.exists():
        return []
    sys.path.insert(0, str(ROOT / "training"))
    import ml_abstracts  # the one definition of the held-out slice (training/ml_abstracts.py)

    train, _ = ml_abstracts.split(ml_abstracts.read(path))
    return train


def vocab_bytes(entries: list[VocabEntry]) -> bytes:
    """The gzip bytes of the file: one JSON object a line, sorted by id, no timestamp in the gzip header."""
    text = "".join(json.dumps(e.model_dump(), ensure_ascii=False) + "\n" for e in sorted(entries, key=lambda e: e.id))
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Read the sources (held-out papers excluded), build, write the file, print counts to stderr."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (vocab/, pwc_sota/)")
    parser.add_argument("--corrections", type=Path, default=DEFAULT_CORRECTIONS)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    from wordfreq import zipf_frequency  # build-time only (the dev extra)

    started = time.perf_counter()
    bundle = read_sources(args.data, keep_paper=lambda pid: not is_heldout(pid))
    entries = build_vocabulary(
        bundle, read_corrections(args.corrections), lambda w: zipf_frequency(w, "en"), annotated_train(args.data)
    )
    data = vocab_bytes(entries)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    counts = Counter(e.label for e in entries)
    print(
        f"{len(entries)} entries ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
        f"aliases {sum(len(e.aliases) for e in entries)}, paraphrases {sum(len(e.paraphrases) for e in entries)}; "
        f"build papers {len(bundle.papers)}; {len(data) / 1e6:.2f} MB; {time.perf_counter() - started:.1f} s "
        f"-> {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
