"""Issue 18, "the first hour, round two": what a newcomer meets on a fresh clone (Browser items: test_browser.py)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.neo4j import server

ROOT = Path(__file__).resolve().parents[1]
KG = Path(sys.executable).with_name("kg")


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# -- item 2: the README's Python snippet uses a password `kg neo4j start` can set -----------------------
def test_readme_passwords_are_ones_kg_neo4j_start_accepts(tmp_path, taken_port):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    passwords = re.findall(r'auth=\("neo4j", "([^"]*)"\)', readme)
    assert passwords, "the README shows how to connect with a password"
    env = {**os.environ, server.HOME_ENV: str(tmp_path)}
    for password in [*passwords, "secret"]:
        # the password is checked before anything else; a taken port is the next check, so nothing starts
        result = subprocess.run([str(KG), "neo4j", "start", "--password", password, "--bolt-port", str(taken_port)],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 2
        too_short = "at least 8 characters" in result.stderr
        assert too_short == (password == "secret"), (password, result.stderr)
