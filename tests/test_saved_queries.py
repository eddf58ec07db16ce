"""Issue 13 item 14: every cypher/ file runs as pasted into Neo4j Browser, and the guide shows the files' own text."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from kg.neo4j.saved_queries import CYPHER_DIR, SavedQueryError, load, parse, parse_params, saved_queries

BROWSER = Path(__file__).resolve().parents[1] / "docs" / "browser"  # sync_guide.py
GUIDE_DIR = Path(__file__).resolve().parents[1] / "kg" / "browser"
FILES = sorted(CYPHER_DIR.glob("*.cypher"))
RUNNABLE = re.compile(r'<pre class="[^"]*\brunnable\b[^"]*"( data-(?:file|params)="([\w-]+)")?>(.*?)</pre>', re.S)
FILE_BLOCKS = re.compile(r'<pre class="[^"]*\brunnable\b[^"]*" data-(file|params)="([\w-]+)">(.*?)</pre>', re.S)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_query_file_is_one_statement_and_params_file_sets_every_parameter(path):
    text = path.read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    kinds = ["comment" if line.startswith("//") else "query" for line in lines]
    assert kinds == sorted(kinds, key=["comment", "query"].index), path
    # One statement, so Browser shows its table: no other ";" anywhere (Browser splits on it) and no :param
    assert text.count(";") == 1 and lines[-1].endswith(";") and not any(line.startswith(":") for line in lines)
    params_text = path.with_suffix(".params").read_text(encoding="utf-8")
    params_lines = params_text.strip().splitlines()
    assert params_lines and all(line.startswith(":param ") and line.endswith(";") for line in params_lines)
    saved = load(path)
    assert saved.params == parse_params(params_text)
    assert set(re.findall(r"\$(\w+)", saved.query)) == set(saved.params)


def test_parse_refuses_what_browser_could_not_run():
    with pytest.raises(SavedQueryError, match=r"no `:param` line for \$y"):
        parse(":param x => 1;\nRETURN $x, $y;")
    with pytest.raises(SavedQueryError, match="must end with `;`"):
        parse(":param x => 1;\nRETURN $x")
    with pytest.raises(SavedQueryError, match="belongs before the query"):
        parse("RETURN 1\n:param x => 1;\nRETURN $x;")
    saved = parse("// what\n:param x => 'a;b';\nRETURN $x AS x;")
    assert (saved.purpose, saved.params, saved.query) == ("what", {"x": "a;b"}, "RETURN $x AS x")


def test_guide_blocks_are_the_files_text():
    guide = (GUIDE_DIR / "guide.html").read_text(encoding="utf-8")
    shown = {(kind, name): html.unescape(body).strip() for kind, name, body in FILE_BLOCKS.findall(guide)}
    names = {"papers_using_x_for_y", "methods_for_task", "datasets_for_task", "is_a_tree"}
    assert {name for _, name in shown} >= names
    suffix = {"file": ".cypher", "params": ".params"}
    for (kind, name), text in shown.items():
        assert text == (CYPHER_DIR / f"{name}{suffix[kind]}").read_text(encoding="utf-8").strip(), name
        assert ("params", name) in shown and ("file", name) in shown  # every query comes with its params block
    sys.path.insert(0, str(BROWSER))
    try:
        import sync_guide  # docs/browser/sync_guide.py: what regenerates those blocks
    finally:
        sys.path.remove(str(BROWSER))
    assert sync_guide.synced(guide) == guide


def test_every_guide_parameter_is_set_before_it_is_used():
    guide = (GUIDE_DIR / "guide.html").read_text(encoding="utf-8")
    known: set[str] = set()
    for _, _name, body in RUNNABLE.findall(guide):
        text = html.unescape(body).strip()
        if text.startswith(":param"):
            known |= set(parse_params(text))
        else:
            assert set(re.findall(r"\$(\w+)", text)) <= known, text


def test_saved_queries_cover_the_folder():
    assert set(saved_queries()) == {p.stem for p in FILES} and len(FILES) >= 9
