"""The name ladder's explanation: what IS_A knowledge added to a name, and where it came from."""

from __future__ import annotations

from collections.abc import Sequence

from kg.query.access import EntityRow, Family, FamilyMember
from kg.query.names import KNOWLEDGE_LINES, resolve_name

RESTORATION = EntityRow("task:image-restoration", "Task", "image restoration", ("image restoration",), 4)


def _member(eid: str, depth: int, name: str, papers: int, source: str | None) -> FamilyMember:
    return FamilyMember(eid, depth, name, papers, (), (), source)


def _family(key: str, labels: Sequence[str]) -> Family:
    if key != "image restoration":
        return Family((), {})
    members = [
        _member("task:image-restoration", 0, "image restoration", 4, "vocabulary"),
        _member("task:image-denoising", 1, "image denoising", 9, "vocabulary"),
        _member("task:image-deblurring", 1, "image deblurring", 2, "vocabulary"),
        _member("task:blind image deblurring", 2, "blind image deblurring", 5, "corpus"),
        _member("task:image-super-resolution", 1, "image super-resolution", 7, "vocabulary"),
    ]
    return Family((RESTORATION,), {m.id: m for m in members})


def test_explain_names_the_knowledge_step_and_its_source() -> None:
    lines = resolve_name("image restoration", _family, ["Task"]).explain()
    knowledge = [line for line in lines if " is " in line]
    # nearest first, then the members with most papers; each says what it is of what, and from where
    assert (
        knowledge
        == [
            "image denoising is a subtask of image restoration (vocabulary)",
            "image super-resolution is a subtask of image restoration (vocabulary)",
            "image deblurring is a subtask of image restoration (vocabulary)",
        ][:KNOWLEDGE_LINES]
    )
    assert lines[-1] == "IS_A family: 1 more entities"


def test_a_sub_phrase_brings_no_family_to_explain() -> None:
    contains = resolve_name("blurry image restoration", _family, ["Task"])
    assert [s.step for s in contains.steps][-1] == "contains" and contains.below == {}


def test_a_question_led_by_a_verb_reads_as_the_tasks_noun_phrase() -> None:
    from kg.query.names import ladder_keys, noun_readings

    assert "image restoration" in noun_readings("restoring images")
    assert "anomaly detection" in noun_readings("detecting anomalies")
    assert "image classification" in noun_readings("classifying images")
    assert "adversarial attack defense" in noun_readings("defending against adversarial attacks")
    assert "clinical outcome prediction" in noun_readings("predicting clinical outcomes from genetic data")
    assert noun_readings("image restoration") == [] and noun_readings("restoring") == []
    # the backend fetches the readings' keys with the others
    assert "image restoration" in ladder_keys("restoring images")
    resolved = resolve_name("restoring images", _family, ["Task"])
    assert [s.step for s in resolved.steps] == ["key", "as noun"]
    assert resolved.entities["task:image-restoration"] == 0.95 and "task:image-denoising" in resolved.entities
    assert resolved.explain()[1] == "as noun: 'image restoration' -> image restoration"
