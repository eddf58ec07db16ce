"""One writer per graph file: an advisory lock on a `<graph>.lock` sidecar, held while a build writes.

flock() locks die with the process that holds them, so a killed build never leaves a stale lock; the
sidecar file itself is removed on release (and a leftover one from a killed writer is simply reused).
Re-entrant within one thread, so `kg build` can hold the lock for the whole run and `save_graph` can
take it again inside.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the atomic replace still keeps the file whole
    fcntl = None  # type: ignore[assignment]


class GraphLockedError(Exception):
    """Another process (or thread) is writing the same graph file."""


_held = threading.local()


def lock_path(path: str | Path) -> Path:
    """The sidecar file locked while `path` is being written."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


@contextmanager
def graph_write_lock(path: str | Path) -> Iterator[None]:
    """Hold the write lock of graph file `path`; GraphLockedError at once if someone else holds it."""
    key = str(Path(path).resolve())
    held: dict[str, int] = _held.__dict__.setdefault("counts", {})
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = _acquire(Path(path)) if fcntl is not None else None
    held[key] = 1
    try:
        yield
    finally:
        del held[key]
        if fd is not None:
            _release(Path(path), fd)


def _acquire(path: Path) -> int:
    sidecar = lock_path(path)
    sidecar.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(sidecar, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise GraphLockedError(
                f"another build is writing {path} (lock {sidecar} is held); wait for it to finish or write elsewhere with -o"
            ) from None
        # The previous holder may have unlinked the sidecar between our open and our lock: then we
        # locked an orphan inode that nobody else will ever see, so start again on the current file.
        try:
            if os.stat(sidecar).st_ino == os.fstat(fd).st_ino:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for people looking
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _release(path: Path, fd: int) -> None:
    # Unlink while still locked, so a waiter that opened this inode re-checks and starts over.
    lock_path(path).unlink(missing_ok=True)
    os.close(fd)
