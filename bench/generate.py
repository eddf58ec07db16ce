"""Synthetic corpus generator for benchmarks: any number of abstracts recombined from real sentences.

    python bench/generate.py --size 100000 --seed 7 -o bench/out/corpus-100k.jsonl

Material: `examples/seed_abstracts.jsonl` when present, else the seed pages in /work/shared/seeds/*.txt
(or any --material file/folder). Every synthetic abstract is 5-9 whole sentences, each taken from a
different real abstract (an opening sentence first, a closing sentence last), so entity phrases,
abbreviation definitions and "we propose X" patterns stay intact.

Guarantees:
- reproducible: same material + seed + size -> byte-identical output; a smaller size is a prefix of
  a larger one with the same seed;
- titles unique, without counters: each title is "<real title head>: <twist> <real title tail>", picked
  by a seeded bijection of the paper index over all combinations (errors if the size exceeds them);
- streaming: constant memory whatever the size (the material, a few MB, is the only state);
- citations: each paper cites 0-3 earlier generated papers (`references`), so CITES edges exist.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JSONL = REPO / "examples" / "seed_abstracts.jsonl"
DEFAULT_SEEDS = "/work/shared/seeds/*.txt"

# One-word title twists; tails never start with one of them, so a title decodes to one combination.
TWISTS = (
    "Revisiting",
    "Towards",
    "Rethinking",
    "Scaling",
    "Understanding",
    "Improving",
    "Benchmarking",
    "Accelerating",
    "Simplifying",
    "Generalizing",
    "Stabilizing",
    "Unifying",
    "Analyzing",
    "Extending",
    "Regularizing",
    "Compressing",
)
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|Sec|resp|approx|etc|Dr|Mr|No)\.$")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_PAGE_NOISE = re.compile(
    r"^(?:new|subscribe|byak and the research community|get trending papers.*|[A-Z][a-z]{2} \d{1,2})$", re.I
)


@dataclass(frozen=True)
class Material:
    """Real sentences, grouped by role, and title parts."""

    openers: list[tuple[int, str]]  # (source abstract, sentence)
    middles: list[tuple[int, str]]
    closers: list[tuple[int, str]]
    heads: list[str]
    tails: list[str]
    n_abstracts: int

    @property
    def capacity(self) -> int:
        """How many distinct titles the material can make."""
        return len(self.heads) * len(TWISTS) * len(self.tails)


def split_sentences(text: str) -> list[str]:
    """Regex sentence split that keeps abbreviations (e.g., et al.) and decimals inside sentences."""
    parts = _SENT_END.split(" ".join(text.split()))
    out: list[str] = []
    for part in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [s for s in out if s]


def _read_seed_pages(path: Path) -> Iterator[tuple[str, str]]:
    """(title, abstract) pairs from a saved 'trending papers' page: a title line, then its abstract line."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and not _PAGE_NOISE.match(ln)]
    for title, abstract in pairwise(lines):
        title = re.sub(r"^Subscribe(?=[A-Z])", "", title)
        if 1 <= len(title.split()) <= 30 and len(abstract.split()) >= 30 and not title.endswith("."):
            yield title, abstract


def _read_jsonl(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                title, abstract = rec.get("title") or "", rec.get("abstract") or rec.get("summary") or ""
                if title and len(abstract.split()) >= 20:
                    yield " ".join(title.split()), abstract


def material_sources(material: list[str] | None = None) -> list[Path]:
    """The files sentence material comes from, in a fixed order."""
    if material:
        paths: list[Path] = []
        for item in material:
            p = Path(item)
            paths.extend(sorted(p.glob("*.jsonl")) + sorted(p.glob("*.txt")) if p.is_dir() else [p])
        return paths
    if DEFAULT_JSONL.exists():
        return [DEFAULT_JSONL]
    return [Path(p) for p in sorted(glob.glob(DEFAULT_SEEDS))]


def load_material(material: list[str] | None = None) -> Material:
    """Read real abstracts and cut them into sentences and title parts (deterministic order)."""
    sources = material_sources(material)
    if not sources:
        raise SystemExit(
            "no sentence material: need examples/seed_abstracts.jsonl or /work/shared/seeds/*.txt (or --material)"
        )
    pairs: dict[str, str] = {}
    for path in sources:
        reader = _read_jsonl if path.suffix == ".jsonl" else _read_seed_pages
        for title, abstract in reader(path):
            pairs.setdefault(title, abstract)  # first copy of a duplicated title wins
    openers: list[tuple[int, str]] = []
    middles: list[tuple[int, str]] = []
    closers: list[tuple[int, str]] = []
    n = 0
    for title in pairs:  # dicts keep insertion order: deterministic
        sentences = split_sentences(pairs[title])
        if sentences and not re.search(r"[.!?)\]\"']$", sentences[-1]):
            sentences = sentences[:-1]  # page text cut mid-sentence
        sentences = [s for s in sentences if 4 <= len(s.split()) <= 80]
        if len(sentences) < 3:
            continue
        openers.append((n, sentences[0]))
        middles.extend((n, s) for s in sentences[1:-1])
        closers.append((n, sentences[-1]))
        n += 1
    if n < 10:
        raise SystemExit(f"too little sentence material ({n} usable abstracts in {[str(s) for s in sources]})")
    heads, tails = _title_parts(list(pairs))
    return Material(openers, middles, closers, heads, tails, n)


def _title_parts(titles: list[str]) -> tuple[list[str], list[str]]:
    """Heads: text before ':' or short titles; tails: text after ':' or whole titles. No ':' inside."""
    twist_words = {t.lower() for t in TWISTS}
    heads: dict[str, None] = {}
    tails: dict[str, None] = {}
    for title in titles:
        title = " ".join(title.replace("\u200b", "").split())
        if ":" in title:
            head, _, tail = title.partition(":")
            head, tail = head.strip(), tail.strip()
            if head and ":" not in tail:
                heads.setdefault(head, None)
            if tail and ":" not in tail:
                tails.setdefault(tail, None)
        else:
            tails.setdefault(title, None)
            if len(title.split()) <= 5:
                heads.setdefault(title, None)
    tail_list = [t for t in tails if t.split()[0].lower() not in twist_words]
    return sorted(heads), sorted(tail_list)


class TitleMaker:
    """Index -> unique title via a seeded affine bijection over every (head, twist, tail) combination."""

    def __init__(self, material: Material, seed: int) -> None:
        self.heads, self.tails = material.heads, material.tails
        self.n = material.capacity
        rng = random.Random(f"titles:{seed}")
        while True:
            a = rng.randrange(1, self.n)
            if math.gcd(a, self.n) == 1:
                break
        self.a, self.b = a, rng.randrange(self.n)

    def __call__(self, index: int) -> str:
        if index >= self.n:
            raise ValueError(f"only {self.n} unique titles possible from this material")
        j = (self.a * index + self.b) % self.n
        j, tail = divmod(j, len(self.tails))
        head, twist = divmod(j, len(TWISTS))
        return f"{self.heads[head]}: {TWISTS[twist]} {self.tails[tail]}"


def paper_id(seed: int, index: int) -> str:
    """Stable id of the index-th generated paper."""
    return f"synth:s{seed}-{index:07d}"


def generate(size: int, seed: int, material: Material | None = None, *, citations: bool = True) -> Iterator[dict]:
    """Yield `size` paper records; the same seed gives the same records (a prefix for smaller sizes)."""
    material = material or load_material()
    if size > material.capacity:
        raise SystemExit(f"--size {size} exceeds the {material.capacity} unique titles this material allows")
    title_of = TitleMaker(material, seed)
    rng = random.Random(f"abstracts:{seed}")
    openers, middles, closers = material.openers, material.middles, material.closers
    for i in range(size):
        k = rng.randint(5, 9)
        used: set[int] = set()
        sentences: list[str] = []
        roles = [openers] + [middles] * (k - 2) + [closers]
        for pool in roles:
            for _ in range(20):  # each sentence from a different source abstract
                src, sentence = pool[rng.randrange(len(pool))]
                if src not in used:
                    break
            used.add(src)
            sentences.append(sentence)
        record = {
            "id": paper_id(seed, i),
            "title": title_of(i),
            "abstract": " ".join(sentences),
            "year": 2012 + rng.randrange(14),
        }
        if citations:
            n_refs = rng.choice((0, 0, 1, 1, 2, 3)) if i else 0
            refs = sorted({int(i * rng.random() ** 0.5) for _ in range(n_refs)})
            if refs:
                record["references"] = [paper_id(seed, r) for r in refs]
        yield record


def write_corpus(
    path: str | Path, size: int, seed: int, *, material: list[str] | None = None, citations: bool = True
) -> Path:
    """Write `size` records as JSONL (atomically) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for record in generate(size, seed, load_material(material), citations=citations):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="number of papers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", default=None, help="JSONL file [default: stdout]")
    parser.add_argument("--material", action="append", help="JSONL/seed-page files or folders to recombine")
    parser.add_argument("--no-citations", action="store_true", help="omit `references`")
    parser.add_argument("--capacity", action="store_true", help="print how many unique titles are possible")
    args = parser.parse_args(argv)
    if args.capacity:
        m = load_material(args.material)
        print(f"{m.capacity} titles; {m.n_abstracts} abstracts, {len(m.middles) + 2 * m.n_abstracts} sentences")
        return 0
    if args.output:
        write_corpus(args.output, args.size, args.seed, material=args.material, citations=not args.no_citations)
    else:
        for record in generate(args.size, args.seed, load_material(args.material), citations=not args.no_citations):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
