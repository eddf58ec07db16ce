"""The held-out leaderboard check: which papers, which questions, which helper answers."""

from __future__ import annotations

import json
from pathlib import Path

from kg.eval.leaderboards import named_pairs, read_heldout, sample, write_check
from kg.vocab.heldout import is_heldout


def _row(pid: str, title: str, abstract: str, *pairs: tuple[str, str]) -> dict:
    return {
        "paper_id": pid,
        "title_latex": title,
        "abstract_latex": abstract,
        "annotation_status": "ok",
        "leaderboards": [{"task": t, "dataset": d, "metric": "Accuracy", "score": "1"} for d, t in pairs] or None,
    }


def _ids(held: bool, n: int) -> list[str]:
    """n paper ids that are (or are not) in the held-out slice."""
    out, i = [], 0
    while len(out) < n:
        pid = f"2101.{i:05d}"
        if is_heldout(pid) == held:
            out.append(pid)
        i += 1
    return out


def _source(tmp_path: Path) -> Path:
    held, kept = _ids(True, 4), _ids(False, 1)
    train = [
        _row(held[0], "ViT on CIFAR-10", "We classify CIFAR-10 images.", ("CIFAR-10", "Image Classification")),
        _row(
            held[1],
            "ResNets",
            "Results on cifar-10 and on \\cite{x} SVHN.",
            ("CIFAR-10", "Image Classification"),
            ("SVHN", "Image Classification"),
        ),
        _row(held[2], "Detection", "A detector.", ("COCO", "Object Detection")),  # COCO never named
        _row(held[3], "No leaderboards", "Nothing here."),
        _row(kept[0], "Read by the vocabulary build", "CIFAR-10 again.", ("CIFAR-10", "Image Classification")),
    ]
    validation = [_row("1901.00001", "Validation paper", "We use CIFAR-10 and SVHN.", ("SVHN", "Image Classification"))]
    folder = tmp_path / "pwc"
    folder.mkdir()
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in train))
    (folder / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in validation))
    return folder


def test_only_papers_the_vocabulary_never_read(tmp_path) -> None:
    papers = read_heldout(_source(tmp_path))
    assert [p.title for p in papers] == ["ViT on CIFAR-10", "ResNets", "Detection", "Validation paper"]
    assert "\\cite" not in papers[1].abstract
    assert [p.title for p in sample(papers, 2, seed=1)] == [p.title for p in sample(papers, 2, seed=1)]
    assert len(sample(papers, 2, seed=1)) == 2


def test_questions_need_the_dataset_named_in_the_text(tmp_path) -> None:
    pairs = named_pairs(read_heldout(_source(tmp_path)))
    assert sorted(pairs) == [("CIFAR-10", "Image Classification"), ("SVHN", "Image Classification")]
    assert [p.title for p in pairs[("CIFAR-10", "Image Classification")]] == ["ViT on CIFAR-10", "ResNets"]


def test_written_files_are_questions_and_helper_files(tmp_path) -> None:
    counts = write_check(tmp_path / "check", source=_source(tmp_path))
    assert counts == {"papers.jsonl": 4, "questions.jsonl": 2, "helpers.jsonl": 1}
    questions = [json.loads(line) for line in (tmp_path / "check" / "questions.jsonl").read_text().splitlines()]
    assert questions[0]["x"] == "CIFAR-10" and questions[0]["relevant_titles"] == ["ViT on CIFAR-10", "ResNets"]
    helper = json.loads((tmp_path / "check" / "helpers.jsonl").read_text())
    assert helper["helper"] == "datasets-for" and helper["arg"] == "Image Classification"
    assert {a["name"]: len(a["papers"]) for a in helper["accepted"]} == {"CIFAR-10": 2, "SVHN": 2}
    # the papers file is ordinary input: the readers take it as it is
    from kg.ingest import read_papers

    assert len(list(read_papers([tmp_path / "check" / "papers.jsonl"]))) == 4
