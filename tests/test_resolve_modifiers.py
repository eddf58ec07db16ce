"""resolve(): generic modifiers around a named core ("online and offline RLHF methods" -> RLHF)."""

from __future__ import annotations

from test_resolve import entity_of, paper  # noqa: E402  (same helpers)

from kg.resolve import resolve
from kg.resolve.suffixes import canonical_key, core_written_specific, strip_prefix


def test_coordinated_modifiers_before_a_named_core_resolve_to_it():
    r = resolve(
        [
            paper("p1", "We compare online and offline RLHF methods.", ("online and offline RLHF methods", "METHOD")),
            paper("p2", "RLHF aligns language models.", ("RLHF", "METHOD")),
        ]
    )
    assert entity_of(r, "p1", 0).id == entity_of(r, "p2", 0).id == "method:rlhf"
    assert r.entities["method:rlhf"].paper_count == 2


def test_the_core_names_the_entity_when_only_modified_forms_exist():
    r = resolve(
        [paper("p1", "We compare online and offline RLHF methods.", ("online and offline RLHF methods", "METHOD"))]
    )
    assert entity_of(r, "p1", 0).id == "method:rlhf"
    assert entity_of(r, "p1", 0).name == "RLHF"


def test_coordinated_names_or_activities_are_not_cut():
    r = resolve(
        [
            paper("p1", "On MNIST and Fashion MNIST we test.", ("MNIST and Fashion MNIST", "DATASET")),
            paper("p2", "Understanding and enhancing GNNs is hard.", ("Understanding and enhancing GNNs", "TASK")),
        ]
    )
    assert entity_of(r, "p1", 0).id != "dataset:mnist"
    assert entity_of(r, "p2", 0).id != "task:gnn"


def test_a_hyphenated_name_is_no_coordination():
    r = resolve(
        [
            paper("p1", "The plug-and-play IR methods restore images.", ("plug-and-play IR methods", "METHOD")),
            paper("p2", "IR is old.", ("IR", "METHOD")),
        ]
    )
    assert entity_of(r, "p1", 0).id != entity_of(r, "p2", 0).id


def test_generic_setting_suffix_resolves_to_the_core():
    r = resolve([paper("p1", "In the RLHF setting we show it.", ("RLHF setting", "TASK"))])
    assert entity_of(r, "p1", 0).id == "task:rlhf"


def test_plain_generic_modifier_resolves_to_a_core_seen_alone():
    r = resolve(
        [
            paper("p1", "A vanilla Transformer is the baseline.", ("vanilla Transformer", "METHOD")),
            paper("p2", "The Transformer is used.", ("Transformer", "METHOD")),
            paper("p3", "Existing GANs fail here.", ("Existing GANs", "METHOD")),
        ]
    )
    assert entity_of(r, "p1", 0).id == entity_of(r, "p2", 0).id
    assert entity_of(r, "p3", 0).id == "method:gan"  # an acronym core needs no other mention


def test_a_title_s_praise_of_its_task_resolves_to_the_task_but_named_variants_stay():
    r = resolve(
        [
            paper("p1", "Scalable Recommendation with Graphs", ("Scalable Recommendation", "TASK")),
            paper("p2", "We study recommendation.", ("recommendation", "TASK")),
            paper("p3", "Fast R-CNN detects objects.", ("Fast R-CNN", "METHOD")),
            paper("p4", "R-CNN detects objects.", ("R-CNN", "METHOD")),
            paper("p5", "Robust PCA separates outliers.", ("Robust PCA", "METHOD")),
            paper("p6", "PCA reduces dimension.", ("PCA", "METHOD")),
        ]
    )
    assert entity_of(r, "p1", 0).id == entity_of(r, "p2", 0).id
    assert entity_of(r, "p3", 0).id != entity_of(r, "p4", 0).id  # "fast" and "robust" start names
    assert entity_of(r, "p5", 0).id != entity_of(r, "p6", 0).id


def test_meaningful_modifiers_and_name_coordinations_stay():
    r = resolve(
        [
            paper("p1", "We study offline RLHF.", ("offline RLHF", "METHOD")),
            paper("p2", "RLHF is popular.", ("RLHF", "METHOD")),
            paper(
                "p3",
                "Bidirectional and Auto-Regressive Transformers are used.",
                ("Bidirectional and Auto-Regressive Transformers", "METHOD"),
            ),
            paper("p4", "The transformer is used.", ("transformer", "METHOD")),
            paper("p5", "Multiple instance learning works.", ("Multiple instance learning", "METHOD")),
            paper("p6", "Instance learning works.", ("Instance learning", "METHOD")),
        ]
    )
    assert entity_of(r, "p1", 0).id != entity_of(r, "p2", 0).id  # offline RL is not RL
    assert entity_of(r, "p3", 0).id != entity_of(r, "p4", 0).id  # BART's long form is a name, not "transformer"
    assert entity_of(r, "p5", 0).id != entity_of(r, "p6", 0).id


def test_prefix_and_core_rules_on_keys():
    assert strip_prefix("online and offline rlhf") == ("rlhf", True)
    assert strip_prefix("state of the art gan") == ("gan", False)
    assert strip_prefix("offline rlhf") is None
    assert core_written_specific("METHOD", "online and offline RLHF methods")
    assert not core_written_specific("METHOD", "vanilla transformers")
    assert (
        canonical_key("METHOD", "novel method", False, {("METHOD", "method")}) == "novel method"
    )  # nothing specific left
