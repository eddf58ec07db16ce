"""Issue 13 item 14: every cypher/ file runs as pasted into Neo4j Browser, and the guide shows the files' own text."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from kg.neo4j.saved_queries import CYPHER_DIR, SavedQueryError, parse, saved_queries

BROWSER = Path(__file__).resolve().parents[1] / "docs" / "browser"
FILES = sorted(CYPHER_DIR.glob("*.cypher"))
RUNNABLE = re.compile(r'<pre class="[^"]*\brunnable\b[^"]*"( data-file="([\w-]+)")?>(.*?)</pre>', re.S)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_is_paste_and_run(path):
    text = path.read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    kinds = ["comment" if l.startswith("//") else "param" if l.startswith(":param") else "query" for l in lines]
    # comments, then the :param statements, then one query: the order Browser runs them in
    assert kinds == sorted(kinds, key=["comment", "param", "query"].index), path
    assert "// :param" not in text, "a commented-out :param sets nothing: Browser would answer ParameterMissing"
    assert all(l.endswith(";") for l, k in zip(lines, kinds) if k == "param")
    assert lines[-1].endswith(";")
    # no other ";" anywhere, comments included: Browser splits the editor text into statements on it
    assert text.count(";") == kinds.count("param") + 1
    saved = parse(text, name=path.name)
    assert saved.params and set(re.findall(r"\$(\w+)", saved.query)) == set(saved.params)


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
    guide = (BROWSER / "guide.html").read_text(encoding="utf-8")
    shown = {name: html.unescape(body).strip() for _, name, body in RUNNABLE.findall(guide) if name}
    assert set(shown) >= {"papers_using_x_for_y", "methods_for_task", "datasets_for_task", "is_a_tree"}
    for name, text in shown.items():
        assert text == (CYPHER_DIR / f"{name}.cypher").read_text(encoding="utf-8").strip(), name
    sys.path.insert(0, str(BROWSER))
    try:
        import sync_guide  # docs/browser/sync_guide.py: what regenerates those blocks
    finally:
        sys.path.remove(str(BROWSER))
    assert sync_guide.synced(guide) == guide


def test_every_guide_parameter_is_set_before_it_is_used():
    guide = (BROWSER / "guide.html").read_text(encoding="utf-8")
    known: set[str] = set()
    for _, name, body in RUNNABLE.findall(guide):
        text = html.unescape(body).strip()
        if name:
            known |= set(parse(text).params)
        elif text.startswith(":param"):
            known.add(text.split()[1])
        else:
            assert set(re.findall(r"\$(\w+)", text)) <= known, text


def test_saved_queries_cover_the_folder():
    assert set(saved_queries()) == {p.stem for p in FILES} and len(FILES) >= 9
