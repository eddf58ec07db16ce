"""Every reader, fed seeded random mutations of real-shaped records, ends with a report and never crashes.

Mutations: truncation, wrong JSON types, control characters (raw and escaped), huge fields, bytes in
other encodings, duplicated and dropped lines. A run may end in IngestError (a whole-file problem,
e.g. a CSV header without a title column): that is a report too. Anything else is a bug.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from kg.ingest import IngestError, IngestReport, read_papers
from kg.ingest.limits import MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ingest"
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
RUNS_PER_FORMAT = 40
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WRONG_VALUES = [5, 2.5, True, None, [], ["x", 3], {"a": {"b": []}}, "", "\u0000\u0007", "x" * 1_200_000]


def _sample_csv() -> bytes:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "title", "abstract", "year", "authors"])
    for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:6]:
        r = json.loads(line)
        writer.writerow([r.get("id", ""), r["title"], r["abstract"], 2021, "A. One; B. Two"])
    return buf.getvalue().encode("utf-8")


def _sample_seeds() -> bytes:
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:6]:
        r = json.loads(line)
        lines += [r["title"], r["abstract"], ""]
    return "\n".join(lines).encode("utf-8")


# format -> (file name, real-shaped content)
BASES: dict[str, tuple[str, bytes]] = {
    "jsonl": ("papers.jsonl", b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[:6])),
    "csv": ("papers.csv", _sample_csv()),
    "seeds-txt": ("seeds.txt", _sample_seeds()),
    "arxiv-atom": ("arxiv.xml", (DATA / "arxiv_classic.xml").read_bytes()),
    "arxiv-snapshot": ("snapshot.jsonl", (DATA / "arxiv_snapshot.jsonl").read_bytes()),
    "openalex": ("openalex.json", (DATA / "openalex_page.json").read_bytes()),
    "semantic-scholar": ("s2.json", (DATA / "s2_papers.json").read_bytes()),
}


def _mutate_json_value(value, rng: random.Random):
    """A copy of a decoded JSON value with one field somewhere replaced by a wrong value or removed."""
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.15:
            del out[key]
        elif roll < 0.55 or not isinstance(value[key], (dict, list)):
            out[key] = rng.choice(_WRONG_VALUES)
        else:
            out[key] = _mutate_json_value(value[key], rng)
        return out
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        out = list(value)
        out[i] = _mutate_json_value(value[i], rng) if rng.random() < 0.7 else rng.choice(_WRONG_VALUES)
        return out
    return rng.choice(_WRONG_VALUES)


def _wrong_types(content: bytes, rng: random.Random) -> bytes:
    """JSON documents or lines with fields of the wrong type; other formats get a field of junk text."""
    text = content.decode("utf-8")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if doc is not None:
        return json.dumps(_mutate_json_value(doc, rng)).encode("utf-8")
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    try:
        lines[i] = json.dumps(_mutate_json_value(json.loads(lines[i]), rng))
    except ValueError:
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)] + rng.choice(['",,"', "</title>", "\t\t", "5"])
    return "\n".join(lines).encode("utf-8")


def _truncate(content: bytes, rng: random.Random) -> bytes:
    return content[: rng.randrange(len(content))]


def _control_chars(content: bytes, rng: random.Random) -> bytes:
    out = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        junk = rng.choice([b"\x00", b"\x07", b"\x1b", b"\\u0000", b"\\u001f", b"\\ud800", b"\xc2\x85", b"\xef\xbf\xbe"])
        pos = rng.randrange(len(out) + 1)
        out[pos:pos] = junk
    return bytes(out)


def _huge_field(content: bytes, rng: random.Random) -> bytes:
    # Inside the longest line (an abstract, usually), so the record stays well-formed around it.
    lines = content.split(b"\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]))
    pos = rng.randrange(len(lines[i]) + 1)
    filler = (b"very long words " * 80_000) if rng.random() < 0.5 else b"x" * 1_100_000
    lines[i] = lines[i][:pos] + filler + lines[i][pos:]
    return b"\n".join(lines)


def _wrong_encoding(content: bytes, rng: random.Random) -> bytes:
    text = content.decode("utf-8")
    roll = rng.random()
    if roll < 0.3:
        return text.encode("utf-16")
    if roll < 0.6:
        return text.replace("e", "\u00e9").encode("latin-1", errors="replace")
    out = bytearray(content)
    for _ in range(rng.randint(1, 5)):
        pos = rng.randrange(len(out) + 1)
        out[pos:pos] = rng.choice([b"\xff", b"\xe9", b"\xc3", b"\x80\x80", b"\xfe\xff"])
    return bytes(out)


def _shuffle_lines(content: bytes, rng: random.Random) -> bytes:
    lines = content.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        else:
            del lines[i]
            if not lines:
                break
    return b"\n".join(lines)


MUTATIONS = [_wrong_types, _truncate, _control_chars, _huge_field, _wrong_encoding, _shuffle_lines]


def _check_run(path: Path, fmt: str | None) -> IngestReport:
    report = IngestReport()
    try:
        papers = list(read_papers([path], format=fmt, report=report))
    except IngestError as exc:  # a whole-file problem, reported as one message
        assert str(exc).strip()
        return report
    assert report.papers == len(papers)
    assert report.summary().startswith("Read ")
    for paper in papers:
        assert paper.id and (paper.title or paper.abstract)
        assert len(paper.title) <= MAX_TITLE_CHARS and len(paper.abstract) <= MAX_ABSTRACT_CHARS
        for text in (paper.id, paper.title, paper.abstract, *(paper.authors), paper.venue or ""):
            assert not _FORBIDDEN.search(text), (paper.id, text[:80])
        paper.model_dump_json().encode("utf-8")  # writable to a graph file
    return report


@pytest.mark.parametrize("fmt", list(BASES))
def test_reader_survives_mutations(fmt, tmp_path):
    name, base = BASES[fmt]
    clean = tmp_path / name
    clean.write_bytes(base)
    assert _check_run(clean, fmt).papers > 0, "the unmutated base is read"
    rng = random.Random(f"issue-13:{fmt}")
    for run in range(RUNS_PER_FORMAT):
        mutate = MUTATIONS[run % len(MUTATIONS)]
        path = tmp_path / f"{run}-{name}"
        path.write_bytes(mutate(base, rng))
        # the named format, and detection (which may itself refuse the file with IngestError)
        for given in (fmt, None):
            try:
                _check_run(path, given)
            except AssertionError:
                raise
            except Exception as exc:  # a crash: say which seeded mutation made it
                raise AssertionError(f"{fmt} run {run} ({mutate.__name__}, format={given}): {exc!r}") from exc
