"""Bytes to text line by line, so one undecodable line is reported without losing the rest of the file."""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Line:
    """One physical line: 1-based number, text without its line break, and why decoding failed (if it did)."""

    number: int
    text: str
    error: str | None = None


@dataclass
class Text:
    """A whole file as text; undecodable lines hold U+FFFD and are listed with their reason in `bad_lines`."""

    text: str
    bad_lines: dict[int, str] = field(default_factory=dict)

    def bad_between(self, first: int, last: int) -> tuple[int, str] | None:
        """The first undecodable line in [first, last] with its reason, or None."""
        for number in range(first, last + 1):
            if number in self.bad_lines:
                return number, self.bad_lines[number]
        return None


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, gunzipped when it is gzip (by magic number, so `.gz` naming is not required)."""
    raw = path.open("rb")
    if raw.read(2) == _GZIP_MAGIC:
        raw.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    raw.seek(0)
    return raw


# Magic numbers of files people pass by mistake, and what to call them.
_BINARY_MAGIC = ((b"%PDF", "a PDF"), (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"), (b"\x89PNG", "a PNG image"),
                 (b"\xff\xd8\xff", "a JPEG image"), (b"\xd0\xcf\x11\xe0", "an old Office document"))  # fmt: skip


def binary_kind(path: Path, size: int = 4096) -> str | None:
    """'a PDF', 'a ZIP archive', ... or 'a binary file' when the file is not text at all; None for text."""
    with open_binary(path) as handle:
        data = handle.read(size)
    if data.startswith(_UTF16_BOMS):
        return None  # UTF-16 text has NUL bytes by design
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    return "a binary file" if b"\x00" in data else None


def head(path: Path, size: int = 65536) -> str:
    """The first `size` bytes as text (BOM removed, bad bytes replaced): for sniffing formats."""
    with open_binary(path) as handle:
        data = handle.read(size)
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")


def _decode(number: int, raw: bytes) -> Line:
    body = raw.rstrip(b"\r\n")
    try:
        return Line(number, body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        reason = f"undecodable bytes (not UTF-8) at column {exc.start + 1}"
        return Line(number, body.decode("utf-8", errors="replace"), reason)


def iter_lines(path: Path) -> Iterator[Line]:
    """Every line of the file, decoded as UTF-8 one at a time; a UTF-8 BOM is dropped, UTF-16 is decoded whole."""
    with open_binary(path) as handle:
        first = handle.readline()
        if first.startswith(_UTF16_BOMS):
            # UTF-16 (an Excel "Unicode text" export) cannot be split on b"\n"; such files are small.
            text = (first + handle.read()).decode("utf-16", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                yield Line(number, line)
            return
        if not first:
            return
        yield _decode(1, first.removeprefix(codecs.BOM_UTF8))
        for number, raw in enumerate(handle, start=2):
            yield _decode(number, raw)


def read_text(path: Path) -> Text:
    """The whole file as one string joined with "\\n", with its undecodable lines listed."""
    parts: list[str] = []
    bad: dict[int, str] = {}
    for line in iter_lines(path):
        parts.append(line.text)
        if line.error:
            bad[line.number] = line.error
    return Text("\n".join(parts), bad)
