"""resolve(): merging spellings, abbreviations and generic suffixes into canonical entities."""

from __future__ import annotations

import time

from kg.models import Mention, PaperExtraction
from kg.resolve import name_key, resolve


def paper(pid: str, sentence: str, *specs, field: str = "abstract") -> PaperExtraction:
    """One extraction whose mentions are (text, label[, {long_form/short_form}]) found in `sentence`."""
    mentions = []
    cursor = 0
    for text, label, *extra in specs:
        start = sentence.index(text, cursor) if text in sentence[cursor:] else sentence.index(text)
        cursor = start + len(text)
        mentions.append(
            Mention(
                field=field,
                start=start,
                end=start + len(text),
                text=text,
                label=label,
                confidence=0.9,
                sentence=1 if field == "abstract" else 0,
                **(extra[0] if extra else {}),
            )
        )
    sentences = ["A title", sentence] if field == "abstract" else [sentence]
    return PaperExtraction(paper_id=pid, sentences=sentences, mentions=mentions)


def entity_of(resolution, pid: str, index: int):
    return resolution.entities[resolution.mention_entities[pid][index]]


VIT_CORPUS = [
    paper(
        "p1",
        "We introduce the Vision Transformer (ViT) and show ViT scales.",
        ("Vision Transformer (ViT)", "METHOD"),
        ("ViT", "METHOD"),
    ),
    paper("p2", "Recent vision transformers rival CNNs.", ("vision transformers", "METHOD"), ("CNNs", "METHOD")),
    paper("p3", "A Vision-Transformer backbone is used.", ("Vision-Transformer", "METHOD")),
    paper("p4", "We fine-tune ViT on small data.", ("ViT", "METHOD")),  # no definition in this paper
]


def test_vit_spellings_are_one_entity():
    r = resolve(VIT_CORPUS)
    vit = r.entities["method:vision transformer"]
    assert vit.label == "METHOD"
    assert vit.name == "Vision Transformer"
    assert vit.aliases == sorted(["ViT", "vision transformers", "Vision Transformer (ViT)", "Vision-Transformer"])
    assert vit.paper_count == 4
    assert r.mention_entities == {
        "p1": ["method:vision transformer", "method:vision transformer"],
        "p2": ["method:vision transformer", "method:cnn"],
        "p3": ["method:vision transformer"],
        "p4": ["method:vision transformer"],
    }
    assert r.entities["method:cnn"].name == "CNN"


def test_entity_ids_are_label_and_key():
    r = resolve([paper("p1", "We train on COCO with BERT.", ("COCO", "DATASET"), ("BERT", "METHOD"))])
    assert set(r.entities) == {"dataset:coco", "method:bert"}
    for eid, e in r.entities.items():
        assert eid == e.id == f"{e.label.lower()}:{name_key(e.name)}"


def test_supervised_dictionary_learning_abbreviation_merges():
    r = resolve(
        [
            paper(
                "p1",
                "We propose supervised dictionary learning (SDL). SDL is fast.",
                ("supervised dictionary learning", "METHOD", {"short_form": "SDL"}),
                ("SDL", "METHOD", {"long_form": "supervised dictionary learning"}),
                ("SDL", "METHOD", {"long_form": "supervised dictionary learning"}),
            ),
            paper("p2", "We compare with SDL.", ("SDL", "METHOD")),
        ]
    )
    assert set(r.entities) == {"method:supervised dictionary learning"}
    sdl = r.entities["method:supervised dictionary learning"]
    assert sdl.name == "supervised dictionary learning"
    assert sdl.aliases == ["SDL", "supervised dictionary learning"]
    assert sdl.paper_count == 2


def test_long_form_only_known_from_the_definition_names_the_entity():
    r = resolve([paper("p1", "SDL works.", ("SDL", "METHOD", {"long_form": "Supervised Dictionary Learning"}))])
    (e,) = r.entities.values()
    assert (e.id, e.name) == ("method:supervised dictionary learning", "Supervised Dictionary Learning")
    assert e.aliases == ["SDL", "Supervised Dictionary Learning"]


def test_ambiguous_abbreviation_does_not_merge_its_long_forms():
    r = resolve(
        [
            paper(
                "p1",
                "supervised dictionary learning (SDL) ... SDL",
                ("supervised dictionary learning", "METHOD", {"short_form": "SDL"}),
                ("SDL", "METHOD", {"long_form": "supervised dictionary learning"}),
            ),
            paper(
                "p2",
                "sparse dictionary learning (SDL) ... SDL",
                ("sparse dictionary learning", "METHOD", {"short_form": "SDL"}),
                ("SDL", "METHOD", {"long_form": "sparse dictionary learning"}),
            ),
            paper("p3", "SDL is used without a definition.", ("SDL", "METHOD")),
        ]
    )
    sup, spa = "method:supervised dictionary learning", "method:sparse dictionary learning"
    assert r.mention_entities["p1"] == [sup, sup]
    assert r.mention_entities["p2"] == [spa, spa]
    # Undefined and ambiguous: its own entity, not a guess between the two senses.
    assert r.mention_entities["p3"] == ["method:sdl"]
    assert r.entities[sup].paper_count == 1 and r.entities[spa].paper_count == 1
    assert "SDL" in r.entities[sup].aliases and "SDL" in r.entities[spa].aliases
    assert r.entities["method:sdl"].name == "SDL"
    assert (sup, spa) not in r.is_a and (spa, sup) not in r.is_a


def test_dominant_sense_of_an_abbreviation_is_used_where_undefined():
    cnn = "convolutional neural network"
    papers = [paper(f"c{i}", f"{cnn} (CNN)", (f"{cnn} (CNN)", "METHOD")) for i in range(10)]
    papers.append(paper("x", "cellular neural network (CNN)", ("cellular neural network (CNN)", "METHOD")))
    papers.append(paper("u", "a CNN", ("CNN", "METHOD")))
    r = resolve(papers)
    assert r.mention_entities["u"] == ["method:convolutional neural network"]
    assert r.mention_entities["x"] == ["method:cellular neural network"]
    assert r.entities["method:convolutional neural network"].paper_count == 11
    assert "method:cnn" not in r.entities


def test_an_abbreviation_ambiguous_under_one_label_is_ambiguous_under_all():
    """One paper's "IR" the NER read as a method (image restoration) does not make every undefined "IR"
    method image restoration where tasks define IR as image restoration and as information retrieval."""
    r = resolve(
        [
            paper("m", "Image Restoration (IR)", ("IR", "METHOD", {"long_form": "Image Restoration"})),
            paper("t1", "image restoration (IR)", ("image restoration (IR)", "TASK")),
            paper("t2", "information retrieval (IR)", ("information retrieval (IR)", "TASK")),
            paper("u", "IR models are slow.", ("IR models", "METHOD")),
        ]
    )
    assert r.mention_entities["m"] == ["method:image restoration"]
    assert r.mention_entities["u"] != ["method:image restoration"]


def test_generic_word_is_no_long_form():
    # An extraction slip defining "MoEs" as "models" must not make "MoE" ambiguous.
    papers = [paper(f"d{i}", "Mixture of Experts (MoE)", ("Mixture of Experts (MoE)", "METHOD")) for i in range(3)]
    papers.append(paper("slip", "MoEs", ("MoEs", "METHOD", {"long_form": "models"})))
    papers.append(paper("u", "an MoE", ("MoE", "METHOD")))
    r = resolve(papers)
    assert r.mention_entities["slip"] == ["method:mixture of experts"]
    assert r.mention_entities["u"] == ["method:mixture of experts"]
    assert "method:model" not in r.entities


def test_abbreviations_never_cross_labels():
    r = resolve(
        [
            paper("p1", "named entity recognition (NER)", ("named entity recognition (NER)", "TASK")),
            paper("p2", "a NER tagger and NER", ("NER", "METHOD"), ("NER", "TASK")),
        ]
    )
    assert r.mention_entities["p2"] == ["method:ner", "task:named entity recognition"]


def test_plural_and_case_variants_merge():
    r = resolve(
        [
            paper("p1", "transformers and the Transformer", ("transformers", "METHOD"), ("Transformer", "METHOD")),
            paper("p2", "a Transformer", ("Transformer", "METHOD")),
        ]
    )
    assert set(r.entities) == {"method:transformer"}
    e = r.entities["method:transformer"]
    assert (e.name, e.aliases, e.paper_count) == ("Transformer", ["Transformer", "transformers"], 2)


def test_loss_is_not_singularised():
    r = resolve([paper("p1", "the loss and the losses", ("loss", "METRIC"), ("losses", "METRIC"))])
    assert set(r.entities) == {"metric:loss"}
    assert r.entities["metric:loss"].name == "loss"


def test_same_text_under_two_labels_stays_apart():
    r = resolve(
        [
            paper(
                "p1",
                "object detection for object detection",
                ("object detection", "METHOD"),
                ("object detection", "TASK"),
            )
        ]
    )
    assert r.mention_entities["p1"] == ["method:object detection", "task:object detection"]
    assert r.entities["method:object detection"].label == "METHOD"
    assert r.entities["task:object detection"].label == "TASK"


def test_paper_count_counts_distinct_papers():
    r = resolve(
        [
            paper("p1", "BERT, BERT and BERT", ("BERT", "METHOD"), ("BERT", "METHOD"), ("BERT", "METHOD")),
            paper("p2", "BERT", ("BERT", "METHOD")),
            paper("p3", "nothing here"),
        ]
    )
    assert r.entities["method:bert"].paper_count == 2
    assert r.mention_entities["p3"] == []


def test_generic_suffix_dropped_for_specific_names():
    r = resolve(
        [
            paper("p1", "the BERT model on the COCO dataset", ("BERT model", "METHOD"), ("COCO dataset", "DATASET")),
            paper("p2", "BERT", ("BERT", "METHOD")),
            paper("p3", "an F1 score and F1", ("F1 score", "METRIC"), ("F1", "METRIC")),
            paper("p4", "Results on the Penn Treebank dataset", ("Penn Treebank dataset", "DATASET")),
        ]
    )
    assert r.mention_entities["p1"] == ["method:bert", "dataset:coco"]
    assert r.entities["dataset:coco"].name == "COCO"  # acronym: suffix goes for display too
    assert r.entities["dataset:coco"].aliases == ["COCO dataset"]
    assert r.entities["method:bert"].paper_count == 2
    assert r.mention_entities["p3"] == ["metric:f1", "metric:f1"]
    assert r.mention_entities["p4"] == ["dataset:penn treebank"]  # Title Case dataset name


def test_generic_suffix_kept_when_remainder_is_no_name():
    r = resolve(
        [
            paper("p1", "a neural network and a network", ("neural network", "METHOD"), ("network", "METHOD")),
            paper(
                "p2",
                "Convolutional Neural Networks (CNNs) beat the language model",
                ("Convolutional Neural Networks", "METHOD"),
                ("language model", "METHOD"),
            ),
            paper("p3", "a BERT-based model", ("BERT-based model", "METHOD")),
            paper("p4", "our proposed model", ("proposed model", "METHOD")),
        ]
    )
    assert r.mention_entities["p1"] == ["method:neural network", "method:network"]
    assert r.mention_entities["p2"] == ["method:convolutional neural network", "method:language model"]
    assert r.mention_entities["p3"] == ["method:bert based model"]
    assert r.mention_entities["p4"] == ["method:proposed model"]


def test_generic_suffix_dropped_when_corpus_uses_the_bare_name():
    r = resolve(
        [
            paper("p1", "the Transformer model", ("Transformer model", "METHOD")),
            paper("p2", "the Transformer", ("Transformer", "METHOD")),
            paper("p3", "the object detection task", ("object detection task", "TASK")),
            paper("p4", "object detection", ("object detection", "TASK")),
            paper("p5", "a diffusion model", ("diffusion model", "METHOD")),
        ]
    )
    assert r.mention_entities["p1"] == ["method:transformer"]
    assert r.mention_entities["p3"] == ["task:object detection"]
    assert r.mention_entities["p5"] == ["method:diffusion model"]  # "diffusion" never seen alone
    assert r.entities["method:transformer"].name == "Transformer"


def test_acronym_casing_kept_in_display_name():
    r = resolve(
        [
            paper("p1", "bert and bert", ("bert", "METHOD"), ("bert", "METHOD")),
            paper("p2", "BERT", ("BERT", "METHOD")),
            paper("p3", "resnet", ("resnet", "METHOD")),
            paper("p4", "ResNet", ("ResNet", "METHOD")),
            paper("p5", "the resnet", ("resnet", "METHOD")),
        ]
    )
    assert r.entities["method:bert"].name == "BERT"
    assert r.entities["method:resnet"].name == "ResNet"


def test_odd_casing_is_not_imposed_on_the_name():
    r = resolve(
        [
            paper("p1", "transformer and transformer", ("transformer", "METHOD"), ("transformer", "METHOD")),
            paper("p2", "the transformer", ("transformer", "METHOD")),
            paper("p3", "TransfORmers", ("TransfORmers", "METHOD")),
        ]
    )
    assert r.entities["method:transformer"].name == "transformer"
    assert "TransfORmers" in r.entities["method:transformer"].aliases


def test_title_mentions_count_less_for_the_display_name():
    r = resolve(
        [
            paper("t1", "Object Detection at Scale", ("Object Detection", "TASK"), field="title"),
            paper("t2", "Object Detection Revisited", ("Object Detection", "TASK"), field="title"),
            paper("a1", "We study object detection.", ("object detection", "TASK")),
            paper("a2", "For object detection we ...", ("object detection", "TASK")),
            paper("a3", "... in object detection", ("object detection", "TASK")),
        ]
    )
    assert r.entities["task:object detection"].name == "object detection"


def test_mentions_aligned_and_every_mention_has_an_entity():
    corpus = [*VIT_CORPUS, paper("p9", "( ) and the", ("( )", "METHOD"), ("the", "TASK"))]
    r = resolve(corpus)
    for ex in corpus:
        ids = r.mention_entities[ex.paper_id]
        assert len(ids) == len(ex.mentions)
        assert all(i in r.entities for i in ids)
        assert [r.entities[i].label for i in ids] == [m.label for m in ex.mentions]


def test_resolution_is_deterministic_and_order_independent():
    corpus = [*VIT_CORPUS, paper("p5", "DINO-DETR and DETR", ("DINO-DETR", "METHOD"), ("DETR", "METHOD"))]
    a, b = resolve(corpus), resolve(list(reversed(corpus)))
    assert a.entities == b.entities
    assert a.is_a == b.is_a
    assert a.mention_entities == b.mention_entities
    assert resolve(corpus).model_dump() == a.model_dump()


def test_empty_corpus():
    r = resolve([])
    assert (r.entities, r.mention_entities, r.is_a) == ({}, {}, [])


def test_fast_on_a_synthetic_corpus():
    words = ["graph", "vision", "sparse", "robust", "masked", "deep", "DINO", "Rank", "efficient", "contrastive"]
    heads = ["networks", "transformer", "DETR", "detection", "accuracy", "dataset", "GANs", "model"]
    labels = ["METHOD", "TASK", "METRIC", "DATASET"]
    corpus = []
    for p in range(5000):
        specs = []
        for j in range(15):
            text = f"{words[(p + j) % 10]} {words[(p * j) % 10]}-{heads[(p + 3 * j) % 8]}"
            specs.append((text, labels[j % 4]))
        specs.append((f"XY{p % 50}", "METHOD", {"long_form": f"method number {p % 70}"}))
        corpus.append(
            PaperExtraction(
                paper_id=f"p{p}",
                sentences=["t"],
                mentions=[
                    Mention(field="abstract", start=0, end=1, text=t, label=lab, confidence=0.5, **(e[0] if e else {}))
                    for t, lab, *e in specs
                ],
            )
        )
    start = time.process_time()
    r = resolve(corpus)
    assert time.process_time() - start < 10  # 80k mentions; the 1.5M-mention target scales linearly
    assert sum(len(v) for v in r.mention_entities.values()) == 5000 * 16
