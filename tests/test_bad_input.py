"""Issue 13 reproductions through the `kg` command: bad input gets one clear answer and a good graph is never lost."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph.store import load_graph

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "seed_abstracts.jsonl"
KG = str(Path(sys.executable).with_name("kg"))


def kg(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `kg` with the arguments; output captured as text."""
    return subprocess.run([KG, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def sample_lines(start: int, stop: int) -> list[str]:
    """Lines [start, stop) of the sample corpus."""
    with SAMPLE.open(encoding="utf-8") as fh:
        return fh.readlines()[start:stop]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A folder with small.jsonl (8 sample papers) and its graph good.json.gz."""
    folder = tmp_path_factory.mktemp("bad_input")
    (folder / "small.jsonl").write_text("".join(sample_lines(0, 8)), encoding="utf-8")
    proc = kg("build", folder / "small.jsonl", "-o", folder / "good.json.gz", "-q")
    assert proc.returncode == 0, proc.stderr
    return folder


def _copy_graph(small: Path, tmp_path: Path) -> tuple[Path, bytes]:
    target = tmp_path / "keep.json.gz"
    data = (small / "good.json.gz").read_bytes()
    target.write_bytes(data)
    return target, data


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Aborted" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    return " ".join(proc.stderr.split())


# -- item 1: a second build of the same output -------------------------------------------------------


def test_second_build_of_a_locked_output_fails_at_once(small, tmp_path):
    target, before = _copy_graph(small, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from kg.graph.writelock import graph_write_lock\n"
            f"with graph_write_lock({str(target)!r}):\n print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        message = _one_error_line(kg("build", small / "small.jsonl", "-o", target, "-q"))
        assert f"another build is writing {target}" in message
        assert target.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_two_builds_started_together_leave_one_whole_graph(small, tmp_path):
    target = tmp_path / "race.json.gz"
    procs = [
        subprocess.Popen(
            [KG, "build", str(small / "small.jsonl"), "-o", str(target), "-q"], stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, stderr in results:
        assert code == 0 or (code == 2 and "another build is writing" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    good = load_graph(small / "good.json.gz")
    assert load_graph(target).number_of_nodes() == good.number_of_nodes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.json.gz"]


# -- item 2: empty, all-bad and binary inputs ------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b'{"foo": 1}\n{"bar": 2}\n', bytes(range(256)) * 20],
    ids=["empty", "blank", "all-bad", "binary"],
)
def test_input_without_papers_keeps_the_old_graph(small, tmp_path, content):
    target, before = _copy_graph(small, tmp_path)
    bad = tmp_path / "input.jsonl"
    bad.write_bytes(content)
    # a binary file is named as such (issue 18) before any reader calls it invalid JSON
    expected = "looks like a binary file" if content.startswith(b"\x00") else "no papers read"
    message = _one_error_line(kg("build", bad, "-o", target, "-q"))
    assert expected in message and ("left as it was" in message or content.startswith(b"\x00"))
    assert target.read_bytes() == before
    message = _one_error_line(kg("build", "--update", target, bad, "-q"))
    assert expected in message
    assert target.read_bytes() == before


# -- item 4: truncated graph files ----------------------------------------------------------------------


def _cut_lines(source: Path, target: Path, keep: int) -> None:
    lines = gzip.decompress(Path(source).read_bytes()).decode("utf-8").splitlines()
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines[:keep]) + "\n")


def test_graph_cut_at_a_line_boundary_is_an_error_for_query_and_update(small, tmp_path):
    cut = tmp_path / "cut.json.gz"
    _cut_lines(small / "good.json.gz", cut, 40)  # inside the node lines
    message = _one_error_line(kg("query", "stats", "--graph", cut))
    assert f"graph file {cut} is truncated or incomplete" in message and "rebuild it" in message
    message = _one_error_line(kg("build", "--update", cut, small / "small.jsonl", "-q"))
    assert "truncated or incomplete" in message


def test_graph_cut_inside_gzip_given_to_update_is_one_line(small, tmp_path):
    cut = tmp_path / "cut.json.gz"
    data = (small / "good.json.gz").read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    before = cut.read_bytes()
    message = _one_error_line(kg("build", "--update", cut, small / "small.jsonl", "-q"))
    assert "truncated" in message and "EOFError" not in message
    assert cut.read_bytes() == before


# -- item 3: an abstract over spaCy's 1,000,000 characters ------------------------------------------


def test_huge_abstract_is_truncated_with_a_located_note(tmp_path):
    from kg.ingest.limits import MAX_ABSTRACT_CHARS

    lines = sample_lines(0, 4)
    huge = json.loads(lines[1])
    huge.update(id="huge-1", title="A paper with a runaway abstract", abstract=(huge["abstract"] + " ") * 1200)
    assert len(huge["abstract"]) > 1_000_000
    lines.insert(2, json.dumps(huge) + "\n")
    path = tmp_path / "huge.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    proc = kg("build", path, "-o", tmp_path / "g.json.gz", "-q")
    assert proc.returncode == 0, proc.stderr
    summary = " ".join(proc.stderr.split())
    assert re.search(
        rf"{re.escape(str(path))}:3: abstract has 1,7\d\d,\d\d\d characters; truncated to the first 100,000", summary
    )
    graph = load_graph(tmp_path / "g.json.gz")
    assert sum(1 for _, label in graph.nodes(data="label") if label == "Paper") == 5
    assert 0 < len(graph.nodes["huge-1"]["abstract"]) <= MAX_ABSTRACT_CHARS


def test_truncation_cuts_at_a_space():
    from kg.ingest.limits import truncate

    assert truncate("abc def ghi", 9) == "abc def"
    assert truncate("abcdefghij", 4) == "abcd"
    assert truncate("short", 100) == "short"


# -- item 5: control characters ------------------------------------------------------------------------


def test_control_characters_never_reach_graphml(tmp_path):
    import networkx as nx

    record = json.loads(sample_lines(0, 1)[0])
    record.update(
        title="Nul\u0000 and bell\u0007 title",
        authors=["Ada\u0001 Lovelace"],
        abstract=record["abstract"] + " Lone \ud800 surrogate, escape \u001b and \ufffe end.",
    )
    path = tmp_path / "ctl.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")  # json.dumps keeps them as \\u escapes
    assert "\\u0000" in path.read_text()
    assert kg("build", path, "-o", tmp_path / "g.json.gz", "-q").returncode == 0
    proc = kg("export", "--graph", tmp_path / "g.json.gz", "--format", "graphml", "-o", tmp_path / "g.graphml")
    assert proc.returncode == 0, proc.stderr
    exported = nx.read_graphml(tmp_path / "g.graphml")  # not well-formed XML before the fix
    [paper] = [n for n, label in exported.nodes(data="label") if label == "Paper"]
    assert exported.nodes[paper]["title"] == "Nul and bell title"
    assert exported.nodes["author:ada lovelace"]["name"] == "Ada Lovelace"


def test_paper_model_strips_control_characters():
    from kg.models import Paper

    paper = Paper(id="p\u0000", title="a\u0000b \u0085c", abstract="x\ud83d y\ufffe", venue="V\u0008")
    assert (paper.id, paper.title, paper.abstract, paper.venue) == ("p", "ab c", "x y", "V")
    assert Paper(id="p", title="tab\tand\nnewline").title == "tab and newline"


# -- item 6: CSV without a title column ----------------------------------------------------------------


def test_csv_without_title_column_is_exit_2_with_the_map_hint(small, tmp_path):
    target, before = _copy_graph(small, tmp_path)
    path = tmp_path / "papers.csv"
    path.write_text("name,abstract\nA paper,An abstract about object detection.\n", encoding="utf-8")
    message = _one_error_line(kg("build", path, "-o", target, "-q"))
    assert message == f"error: {path}:1: no 'title' column (found: name, abstract); map one with --map title=name"
    assert target.read_bytes() == before
    assert kg("build", path, "-o", target, "-q", "--map", "title=name").returncode == 0


# -- item 7: wrong JSON types ------------------------------------------------------------------------------


def test_wrong_json_types_are_bad_records_with_their_line(tmp_path):
    from kg.ingest import IngestReport, read_papers

    path = tmp_path / "types.jsonl"
    path.write_text(
        '{"title": 5, "abstract": ["x"]}\n'
        '{"title": "Fine", "abstract": "A fine abstract."}\n'
        '{"title": {"en": "T"}}\n'
        '{"title": "Also fine", "abstract": null}\n',
        encoding="utf-8",
    )
    report = IngestReport()
    papers = list(read_papers([path], report=report))
    assert [p.title for p in papers] == ["Fine", "Also fine"]
    assert report.bad_records == 2
    reasons = {p.line: p.reason for p in report.problems}
    assert reasons == {
        1: "wrong type: title is a number (5), expected text; abstract is a list, expected text",
        3: "wrong type: title is an object, expected text",
    }


# -- item 16: the user's own ids -----------------------------------------------------------------------------


def test_own_ids_survive_extract_and_build(tmp_path):
    records = [json.loads(line) for line in sample_lines(0, 3)]
    for n, record in enumerate(records, 1):
        record["id"] = f"d{n}"
    records[2]["id"] = "arxiv:2101.00001"  # a better id still wins
    path = tmp_path / "own.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = kg("extract", path)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["paper_id"] for line in proc.stdout.splitlines()] == ["d1", "d2", "arxiv:2101.00001"]
    assert kg("build", path, "-o", tmp_path / "g.json.gz", "-q").returncode == 0
    graph = load_graph(tmp_path / "g.json.gz")
    assert {"d1", "d2", "arxiv:2101.00001"} <= set(graph.nodes)


def test_two_records_with_one_own_id_are_one_paper():
    from kg.ingest import merge_duplicates
    from kg.ingest.fields import make_paper

    a = make_paper(title="First", abstract="", source="t", ids=["d1"])
    b = make_paper(title="first ", abstract="Text.", source="t", ids=["d1"])  # the same title, spelled otherwise
    [merged] = merge_duplicates([a, b])
    assert merged.id == "d1" and merged.abstract == "Text."


# -- item 8: unknown paper id, stopping a server that is not running --------------------------------------


def test_related_with_an_unknown_id_says_so(small):
    message = _one_error_line(kg("query", "related", "arxiv:2309.08349", "--graph", small / "good.json.gz"))
    assert message.startswith("error: paper 'arxiv:2309.08349' is not in the graph")
    known = json.loads(sample_lines(0, 1)[0])["id"]
    proc = kg("query", "related", known, "--graph", small / "good.json.gz", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"], "a paper of the graph has related papers"


def test_related_unknown_id_is_an_error_in_the_engine_for_any_backend(small):
    from kg.api import KnowledgeGraph
    from kg.query.engine import UnknownPaperError

    g = KnowledgeGraph.load(small / "good.json.gz")
    with pytest.raises(UnknownPaperError, match="not in the graph"):
        g.related_papers("d-404")


def test_neo4j_stop_without_a_server_says_nothing_ran(tmp_path, monkeypatch):
    from kg.neo4j.server import HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    proc = kg("neo4j", "stop")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == f"no local Neo4j server was running (instance in {tmp_path}); nothing to stop"


def test_one_own_id_on_two_different_papers_keeps_both(tmp_path):
    from kg.ingest import IngestReport, read_papers

    # two files that each number their records from 1
    (tmp_path / "a.csv").write_text("id,title,abstract\n1,First paper,One.\n2,Second paper,Two.\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        "id,title,abstract\n1,Another paper,Three.\n2,Second paper,Two again.\n", encoding="utf-8"
    )
    report = IngestReport()
    papers = list(read_papers([tmp_path / "a.csv", tmp_path / "b.csv"], report=report))
    by_title = {p.title: p.id for p in papers}
    assert by_title["First paper"] == "1" and by_title["Second paper"] == "2"  # the same "2" is the same paper
    assert by_title["Another paper"].startswith("title:")
    assert len(papers) == 3 and len(set(by_title.values())) == 3
    [problem] = report.problems
    assert problem.file == "b.csv" and "id '1' already names a paper with another title" in problem.reason


def test_update_with_an_own_id_replaces_that_paper():
    from kg.ingest import merge_duplicates
    from kg.ingest.fields import make_paper

    old = make_paper(title="Frist paper", abstract="Typo in the title.", source="t", ids=["d1"])
    new = make_paper(title="First paper", abstract="Typo fixed.", source="t", ids=["d1"])
    [merged] = merge_duplicates([old, new], prefer_last=True)
    assert (merged.id, merged.title) == ("d1", "First paper")


def test_messages_keep_brackets_in_paths(tmp_path):
    path = tmp_path / "papers [v2].csv"
    path.write_text("name,abstract\nA paper,An abstract.\n", encoding="utf-8")
    proc = kg("build", path, "-o", tmp_path / "g.json.gz", "-q")
    message = _one_error_line(proc)
    assert message.startswith(f"error: {path}:1: no 'title' column")  # not eaten as console markup
    assert len(proc.stderr) > 100 and proc.stderr.count("\n") == 1  # one line, not wrapped at 80 columns


def test_api_build_without_papers_raises_and_reports_bad_records(tmp_path):
    from kg import KnowledgeGraph
    from kg.ingest import IngestError

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no papers read"):
        KnowledgeGraph.build([empty])
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(sample_lines(0, 1)[0] + '{"title": 5}\n', encoding="utf-8")
    g = KnowledgeGraph.build([mixed])
    assert g.ingest_report.papers == 1 and g.ingest_report.bad_records == 1
    assert g.ingest_report.problems[0].location() == f"{mixed}:2"


def test_a_graph_file_given_as_papers_says_to_pass_it_as_graph(small, tmp_path):
    target, before = _copy_graph(small, tmp_path)
    line = _one_error_line(kg("build", small / "good.json.gz", "-o", target))
    assert "is a paper-kg graph file, not a file of papers" in line and "--graph" in line, line
    assert target.read_bytes() == before
