"""Relation typing from cue words around entities: paper-level (PROPOSES, USES, ...) and within sentences."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.lexicon_ner import SEED_LEXICON, load_lexicon
from kg.extract.components.util import doc_text, drop_text_cache, sentence_token_starts


class RelationHit(NamedTuple):
    """One typed relation: head/tail index into doc.ents (head None = the paper), the cue that fired."""

    type: str
    head: int | None
    tail: int
    confidence: float
    cue: str


def _relations(doc: Doc) -> list[RelationHit]:
    """Relations the kg_relations component found (stored as plain lists so Doc.to_bytes keeps them)."""
    return [RelationHit(*row) for row in doc._.relation_rows or []]


Doc.set_extension("relation_rows", default=None, force=True)
Doc.set_extension("relations", getter=_relations, force=True)

_W = r"[\w\-/+.']+"  # one word, loosely
_GAP = r"(?:[^.;]|\.(?=\d))"  # any char within the sentence ("43.5" is no sentence end)

# ---- paper-level cues, matched against the text left (…\Z) or right (\A…) of one entity in its sentence ----
_WE = r"\b(?:we|this (?:paper|work|study|article|letter|thesis)|here(?:in)?|in this (?:paper|work|study)|i)\b"
_PROPOSE_METHOD = re.compile(
    rf"{_WE}{_GAP}{{0,40}}?\b(?:propose|introduce|present|develop|design|devise|put forward|formulate|"
    rf"contribute)[sd]?\b(?P<gap>{_GAP}{{0,90}})\Z",
    re.I,
)
_PROPOSE_DATASET = re.compile(
    rf"{_WE}{_GAP}{{0,40}}?\b(?:propose|introduce|present|develop|release|collect|construct|build|create|curate|"
    rf"contribute|provide|design)(?:s|d|ed)?\b(?P<gap>{_GAP}{{0,90}})\Z",
    re.I,
)
# Words in the gap after "we propose" that make the entity something the new thing is built from.
_GAP_BLOCKS = re.compile(
    r"\b(?:using|uses?|with|based|via|by|from|upon|on top of|leverag\w*|combin\w*|than|over|unlike|instead|compared|of|"
    r"for|to|on|in|into|integrat\w*|incorporat\w*|extend\w*|such as|like|including|e\.g|improv\w*|enhanc\w*|between|"
    r"where|which|that|when|while|whose|beyond|outperform\w*)\b",
    re.I,
)
_NAMED = re.compile(
    r"(?:\b(?:called|named|dubbed|termed|coined|namely|denoted(?: as)?|referred to as|abbreviated(?: as)?)|"
    rf"\bwe (?:call|name|dub|term)\b{_GAP}{{0,30}})\s*[,:]?\s*(?:the\s+|as\s+)?[\"'“]?\Z",
    re.I,
)
_OURS = re.compile(
    r"\b(?P<cue>our|the proposed|the presented|the introduced|the new|the novel|a novel|a new)\s+"
    r"(?:(?:proposed|novel|new|method|approach|model|framework|algorithm|system|dataset|benchmark),?\s+){0,2}\Z",
    re.I,
)
_APPOSITIVE_NEW = re.compile(
    r"\A\s*(?:\([^)]{1,40}\)\s*)?,\s*(?:a|an|the|our)\s+(?:[\w-]+\s+){0,3}?(?:novel|new|simple|general|unified|"
    r"efficient|effective|lightweight|scalable|principled|first|proposed|large-scale)\b",
    re.I,
)
_MODIFIER = re.compile(r"\A\s*-?\s*(?:based|like|style|inspired|powered|driven|guided|augmented|enhanced)\b", re.I)
_USE_STRONG = re.compile(
    r"\b(?:use[sd]?|using|adopt(?:s|ed|ing)?|apply|applies|applied|applying|employ(?:s|ed|ing)?|"
    r"leverag(?:e|es|ed|ing)|utili[sz](?:e|es|ed|ing)|build(?:s|ing)? (?:up)?on|built (?:up)?on|based on|"
    r"rel(?:y|ies|ying) on|"
    r"incorporat(?:e|es|ed|ing)|exploit(?:s|ed|ing)?|harness(?:es|ed|ing)?|extend(?:s|ed|ing)?|on top of|"
    r"fine-?tun(?:e|es|ed|ing)|equip(?:s|ped)?|integrat(?:e|es|ed|ing)|plug(?:s|ged)? into|borrow(?:s|ed|ing)?|"
    rf"inspired by|follow(?:s|ed|ing)?)\b(?P<gap>{_GAP}{{0,60}})\Z",
    re.I,
)
_USE_WEAK = re.compile(
    rf"\b(?:with|via|through|by|upon|from|backbones?|such as|including|e\.g\.,?)\s+(?:{_W}\s+){{0,3}}\Z", re.I
)
_BASELINE = re.compile(
    r"\b(?:outperform(?:s|ed|ing)?|than|compared (?:to|with|against)|comparisons? (?:to|with)|unlike|"
    r"surpass(?:es|ed|ing)?|beat(?:s|ing)?|superior to|against|versus|vs\.?|instead of|rather than|alternatives? to|"
    r"comparable (?:to|with)|competitive with|on par with|"
    r"replac(?:e|es|ed|ing)|"
    rf"over(?![\w-]))\b(?P<gap>{_GAP}{{0,60}})\Z",
    re.I,
)
_NEW_DATASET = re.compile(
    rf"\b(?:new|novel|large-scale|first|our|public(?:ly available)?)\s+(?:{_W}\s+){{0,3}}?(?:dataset|benchmark|corpus|"
    r"collection|testbed|suite|database)s?\s*,?\s*(?:called|named|dubbed|termed|namely|coined)?\s*[,:(]?\s*\Z",
    re.I,
)
_TRAINED_ON = re.compile(
    rf"\b(?:train(?:s|ed|ing)?|pre-?train(?:s|ed|ing)?|fine-?tun(?:e|es|ed|ing)|learn(?:s|ed|t|ing)?)\s+"
    rf"(?:{_W}\s+){{0,4}}?(?:on|using|with|from)\s+(?:the\s+)?(?:{_W}\s+){{0,2}}\Z",
    re.I,
)
_EVAL_ON = re.compile(
    r"\b(?:evaluat\w*|experiment\w*|results?|test(?:s|ed|ing)?|benchmark\w*|performance|accurac\w*|state-of-the-art|"
    r"sota|achiev\w*|outperform\w*|surpass\w*|perform\w*|report\w*|scor\w*|validat\w*|demonstrat\w*|show\w*|"
    rf"improv\w*|gains?|error)\b{_GAP}{{0,100}}?\b(?:on|across|over|using|in)\s+(?:the\s+)?(?:{_W}\s+){{0,6}}?\Z",
    re.I,
)
# A title opening "On ..." ("On User-Level Private Convex Optimization", "X: On the ...") is about, not evaluated on
_TITLE_ON = re.compile(r"\A\s*(?:[^:]{1,80}:\s*)?on\s+(?:the\s+)?\Z", re.I)
_ON = re.compile(rf"\b(?:on|across)\s+(?:the\s+)?(?:{_W}\s+){{0,4}}?\Z", re.I)
# "... BUSI, GlaS, and CVC datasets": the name followed by what it is
_DATA_AFTER = re.compile(r"\s*(?:data ?sets?|benchmarks?|corpus|corpora|collections?)\b", re.I)
_DATA_LIST = re.compile(
    r"\b(?:datasets?|benchmarks?|corpora|corpus|data sets?)\s*(?:such as|including|like|namely|:|\(|,|e\.g\.,?)\s*"
    rf"{_GAP}{{0,80}}\Z",
    re.I,
)
_TASK_LEFT = re.compile(
    rf"\b(?:for|to|towards|tackl\w*|address\w*|solv\w*|focus(?:es|ed)? on|stud(?:y|ies|ied)|in)\s+(?:the\s+|a\s+)?"
    rf"(?:(?:task|problem|challenge|field|area)s?\s+of\s+)?(?:{_W}\s+){{0,2}}?\Z",
    re.I,
)
_TASK_OF = re.compile(r"\b(?:task|problem|challenge)s?\s+of\s+(?:the\s+)?\Z", re.I)
_TASK_RIGHT = re.compile(r"\A\s*(?:tasks?|problems?|challenges?|benchmarks?)\b", re.I)
_METRIC_CONTEXT = re.compile(
    r"\b(?:in terms of|measured (?:by|in|with|using)|metrics?|improv\w*|gains?|scores?|achiev\w*|reach\w*|higher|"
    rf"lower|better)\b{_GAP}{{0,40}}\Z",
    re.I,
)
_DIGIT = re.compile(r"\d")
_TITLE_NEW_NAME = re.compile(r"\A(?:\s*,|\s+-+\s|\s+(?:for|in|with|via|towards|to)\b)", re.I)

# ---- sentence-level cues, matched against the text between two entities ----
_CLAUSE_BREAK = re.compile(r";|\b(?:while|whereas|but|however|although|though|unlike)\b", re.I)
_B_BASED = re.compile(rf"\A\s*-?\s*based\s+(?:{_W}\s+){{0,3}}?\Z", re.I)
_B_FOR = re.compile(
    rf"\A(?:\s*\([^)]*\))?\s*(?:{_W}\s+){{0,6}}?(?:for|towards)\s+(?:the\s+|a\s+|an\s+)?"
    rf"(?:(?:task|problem)s?\s+of\s+)?(?:{_W}\s+){{0,3}}?\Z",
    re.I,
)
_B_APPLIED_TO = re.compile(
    rf"\A(?:\s*\([^)]*\))?\s*(?:{_W}\s+){{0,4}}?(?:is|are|was|were|can be|be|been)?\s*"
    rf"(?:appl(?:y|ied|ies)|used?|employ(?:ed)?|adapt(?:ed)?|extend(?:ed)?|leverag(?:e|ed)|exploit(?:ed)?|"
    rf"tailor(?:ed)?|design(?:ed)?|develop(?:ed)?|suitable|"
    rf"effective|useful|helps?|allows?|enables?)\s+(?:{_W}\s+){{0,3}}?(?:to|for|in)\s+(?:the\s+)?"
    rf"(?:{_W}\s+){{0,3}}?\Z",
    re.I,
)
_B_TO_DO = re.compile(
    rf"\A(?:\s*\([^)]*\))?,?\s*(?:{_W}\s+){{0,5}}?(?:to|which|that)\s+"
    rf"(?:solve|address|tackle|perform|improve|handle|do|achieve|enable|support|boost|help|facilitate|automate|"
    rf"deal with|build|make|produce|carry out|"
    rf"solves|addresses|tackles|performs|improves|handles|achieves|enables|supports|yields|allows|facilitates|"
    rf"automates|deals with|produces|carries out)\s+(?:the\s+|a\s+|an\s+)?(?:{_W}\s+){{0,3}}?\Z",
    re.I,
)
_B_IN = re.compile(rf"\A\s*(?:{_W}\s+){{0,1}}?(?:in|on)\s+(?:the\s+)?(?:{_W}\s+){{0,1}}?\Z", re.I)
_B_OF = re.compile(r"\A\s*of\s+(?:the\s+)?\Z", re.I)
_METHOD_HEAD = re.compile(
    r"\b(?:model|models|approach|approaches|method|methods|framework|algorithm|algorithms|theory|system)\Z", re.I
)
_LEFT_USE = re.compile(
    r"\b(?:use|using|uses|used|apply|applying|applies|adopt\w*|employ\w*|leverag\w*|utili[sz]\w*|exploit\w*)\b"
    rf"{_GAP}{{0,40}}\Z",
    re.I,
)
_B_TASK_USING = re.compile(
    rf"\A(?:\s*\([^)]*\))?{_GAP}{{0,40}}?\b(?P<cue>using|uses?|used|via|based on|through|by means of|"
    rf"leverag\w*|employ\w*|utili[sz]\w*|exploit\w*|rel(?:y|ies|ying) on|adopt\w*|apply\w*|applied|with|by)\s+"
    rf"(?:the\s+|a\s+|an\s+|our\s+)?(?:{_W}\s+){{0,3}}?\Z",
    re.I,
)
_B_TASK_PROPOSE = re.compile(
    rf"\A(?:\s*\([^)]*\))?\s*,\s*(?:we|this paper|this work)\s+(?:{_W}\s+){{0,2}}?"
    rf"(?:propose|introduce|present|develop|use|apply|adopt|employ|describe)s?d?\s+(?:{_W}\s+){{0,3}}?\Z",
    re.I,
)
_B_EVAL_VERB_ON = re.compile(
    r"\b(?:evaluat\w*|test(?:s|ed|ing)?|verif\w*|validat\w*|benchmark\w*|assess\w*|experiment\w*|results?|"
    r"performance|accuracy|achiev\w*|obtain\w*|reach\w*|attain\w*|outperform\w*|surpass\w*|scor\w*|improv\w*|gains?)"
    rf"\b{_GAP}{{0,60}}?\b(?:on|in|with|using|across|against|over)\b",
    re.I,
)
_B_ON_ONLY = re.compile(r"\A\s*on\s+(?:the\s+)?\Z", re.I)
_B_NOT_EVAL_ON = re.compile(
    r"\b(?:based|depend\w*|rel(?:y|ies|ying)|built|trained|train\w*|pre-?train\w*|estimated|learn\w*|focus\w*|"
    r"fine-?tun\w*)\s+(?:up)?on\b",
    re.I,
)
_B_SHOW = re.compile(
    r"\b(?:show\w*|demonstrat\w*|indicat\w*|confirm\w*|reveal\w*|achiev\w*|outperform\w*|obtain\w*|reach\w*|"
    r"improv\w*|perform\w*|surpass\w*|verif\w*|validat\w*)\b",
    re.I,
)
_LEFT_EVAL_CONTEXT = re.compile(
    rf"\b(?:on|experiments?|results?|evaluations?|tests?|benchmarks?)\b{_GAP}{{0,40}}\Z", re.I
)


def _words(text: str) -> int:
    return text.count(" ") + 1 if text.strip() else 0


@Language.factory(
    "kg_relations",
    default_config={"max_pair_tokens": 30, "left_chars": 160, "right_chars": 100, "known_names": []},
)
class RelationTyper:
    """Types paper->entity relations per mention and METHOD->TASK / METHOD->DATASET links per sentence."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        max_pair_tokens: int,
        left_chars: int,
        right_chars: int,
        known_names: list[str],
    ) -> None:
        self.name = name
        self.max_pair_tokens = max_pair_tokens
        self.left_chars = left_chars
        self.right_chars = right_chars
        # Names of existing methods/datasets (lexicon files; the seed lexicon when empty): a title that starts
        # with one ("BERT for X") applies it; one that starts with a new name ("Rank-DETR for X") proposes it.
        paths = known_names or [str(SEED_LEXICON)]
        self.known = {row["pattern"].lower() for path in paths for row in load_lexicon(path)}

    def __call__(self, doc: Doc) -> Doc:
        """Store the relations in doc._.relation_rows; read them as RelationHit via doc._.relations."""
        ents = list(doc.ents)
        rows: list[RelationHit | None] = []
        if ents:
            text = doc_text(doc)
            starts = sentence_token_starts(doc).tolist()
            sents = [doc[a:b] for a, b in zip(starts, [*starts[1:], len(doc)], strict=True)]
            by_sent: dict[int, list[int]] = {}
            for i, ent in enumerate(ents):
                by_sent.setdefault(bisect_right(starts, ent.start) - 1, []).append(i)
            title_end = doc._.title_end
            for si, members in by_sent.items():
                sent = sents[si]
                in_title = title_end is not None and si == 0
                for i in members:
                    rows.append(self._paper_relation(text, sent, ents[i], i, in_title))
                if len(members) > 1:
                    rows.extend(self._pair_relations(text, sent, ents, members))
        doc._.relation_rows = [list(r) for r in rows if r is not None]
        drop_text_cache(doc)
        return doc

    # -- paper level ------------------------------------------------------------------------------------
    def _paper_relation(self, text: str, sent: Span, ent: Span, i: int, in_title: bool) -> RelationHit | None:
        left = text[max(sent.start_char, ent.start_char - self.left_chars) : ent.start_char]
        right = text[ent.end_char : min(sent.end_char, ent.end_char + self.right_chars)]
        label = ent.label_
        title_start = in_title and ent.start_char == sent.start_char
        new_name = title_start and label in ("METHOD", "DATASET") and ent.text.lower() not in self.known
        if new_name and _TITLE_NEW_NAME.match(right):
            return RelationHit("PROPOSES", None, i, 0.8, "title_new_name")
        if label == "METHOD":
            rel, conf, cue = self._method(left, right, title_start)
        elif label == "DATASET":
            rel, conf, cue = self._dataset(left, right, title_start, in_title)
        elif label == "TASK":
            rel, conf, cue = self._task(left, right, in_title)
        elif label == "METRIC":
            rel, conf, cue = self._metric(left, right)
        else:
            return None
        return RelationHit(rel, None, i, conf, cue)

    @staticmethod
    def _method(left: str, right: str, title_start: bool) -> tuple[str, float, str]:
        if _MODIFIER.match(right):
            return "USES", 0.8, "modifier"  # "a transformer-based detector" builds on transformers
        if title_start and right.lstrip().startswith(":"):
            return "PROPOSES", 0.85, "title_name"
        if _NAMED.search(left[-70:]):
            return "PROPOSES", 0.9, "named"
        if _APPOSITIVE_NEW.match(right):
            return "PROPOSES", 0.9, "appositive_new"
        match = _PROPOSE_METHOD.search(left)
        if match and not _GAP_BLOCKS.search(match.group("gap")):
            return "PROPOSES", (0.9 if _words(match.group("gap")) <= 5 else 0.8), "we_propose"
        match = _OURS.search(left[-60:])
        if match:
            return "PROPOSES", (0.8 if match.group("cue").lower() in ("our", "the proposed") else 0.7), "ours"
        match = _BASELINE.search(left[-90:])
        if match and _words(match.group("gap")) <= 8:
            return "USES", 0.35, "baseline"
        match = _USE_STRONG.search(left[-90:])
        if match and _words(match.group("gap")) <= 6:
            return "USES", 0.85, "use_verb"
        if _USE_WEAK.search(left[-70:]):
            return "USES", 0.7, "use_prep"
        if title_start:
            return "USES", 0.6, "title"
        return "USES", 0.55, "default"

    @staticmethod
    def _dataset(left: str, right: str, title_start: bool, in_title: bool = False) -> tuple[str, float, str]:
        if title_start and right.lstrip().startswith(":"):
            return "PROPOSES", 0.85, "title_name"
        if _NEW_DATASET.search(left[-90:]) or _NAMED.search(left[-70:]):
            return "PROPOSES", 0.9, "new_dataset"
        if _APPOSITIVE_NEW.match(right):
            return "PROPOSES", 0.9, "appositive_new"
        match = _PROPOSE_DATASET.search(left)
        if match and not _GAP_BLOCKS.search(match.group("gap")):
            return "PROPOSES", 0.85, "we_propose"
        if _TRAINED_ON.search(left[-90:]):
            return "EVALUATES_ON", 0.45, "trained_on"
        if _EVAL_ON.search(left[-140:]):
            return "EVALUATES_ON", 0.9, "evaluate_on"
        if _ON.search(left[-70:]) and not (in_title and _TITLE_ON.match(left)):
            return "EVALUATES_ON", 0.75, "on"
        if _DATA_LIST.search(left):
            return "EVALUATES_ON", 0.8, "dataset_list"
        match = _OURS.search(left[-60:])
        if match and match.group("cue").lower() == "our":
            return "PROPOSES", 0.75, "ours"
        if _DATA_AFTER.match(right):
            return "EVALUATES_ON", 0.75, "dataset_head"
        return "EVALUATES_ON", 0.55, "default"

    @staticmethod
    def _task(left: str, right: str, in_title: bool) -> tuple[str, float, str]:
        if _TASK_OF.search(left[-40:]):
            return "ADDRESSES", 0.9, "task_of"
        if _TASK_LEFT.search(left[-70:]):
            return "ADDRESSES", 0.9 if not in_title else 0.92, "for_task"
        if in_title:
            return "ADDRESSES", 0.85, "title"
        if _TASK_RIGHT.match(right):
            return "ADDRESSES", 0.85, "task_noun"
        return "ADDRESSES", 0.6, "default"

    @staticmethod
    def _metric(left: str, right: str) -> tuple[str, float, str]:
        if _DIGIT.search(left[-40:]) or _DIGIT.search(right[:40]):
            return "REPORTS", 0.85, "number"
        if _METRIC_CONTEXT.search(left[-70:]):
            return "REPORTS", 0.8, "metric_context"
        return "REPORTS", 0.65, "default"

    # -- sentence level ---------------------------------------------------------------------------------
    def _pair_relations(self, text: str, sent: Span, ents: list[Span], members: list[int]) -> list[RelationHit]:
        found: list[RelationHit] = []
        methods = [i for i in members if ents[i].label_ == "METHOD"]
        if not methods:
            return found
        others = [i for i in members if ents[i].label_ in ("TASK", "DATASET")]
        for m in methods:
            me = ents[m]
            for o in others:
                oe = ents[o]
                if abs(oe.start - me.start) > self.max_pair_tokens:
                    continue
                if oe.label_ == "TASK":
                    hit = self._used_for(text, sent, me, oe)
                    if hit:
                        found.append(RelationHit("USED_FOR", m, o, hit[0], hit[1]))
                else:
                    hit = self._evaluated_on(text, sent, me, oe)
                    if hit:
                        found.append(RelationHit("EVALUATED_ON", m, o, hit[0], hit[1]))
        return found

    @staticmethod
    def _used_for(text: str, sent: Span, method: Span, task: Span) -> tuple[float, str] | None:
        if method.end <= task.start:
            between = text[method.end_char : task.start_char]
            if _CLAUSE_BREAK.search(between):
                return None
            if _B_BASED.match(between):
                return 0.85, "x_based_y"
            if _B_APPLIED_TO.match(between):
                return 0.75, "x_applied_to_y"
            if _B_FOR.match(between):
                return 0.85, "x_for_y"
            if _B_TO_DO.match(between):
                return 0.8, "x_to_solve_y"
            left = text[sent.start_char : method.start_char]
            if _LEFT_USE.search(left[-80:]) and re.search(r"\b(?:to|for|in)\b", between) and _words(between) <= 8:
                return 0.8, "use_x_to_y"
            if _B_IN.match(between):
                return 0.6, "x_in_y"
            if _B_OF.match(between) and _METHOD_HEAD.search(method.text):
                return 0.6, "model_of_y"
            return None
        if task.end <= method.start:
            between = text[task.end_char : method.start_char]
            if _CLAUSE_BREAK.search(between) or ", and " in between:
                return None
            match = _B_TASK_USING.match(between)
            if match:
                weak = match.group("cue").lower() in ("with", "by")
                return (0.55, "y_with_x") if weak else (0.7, "y_using_x")
            if _B_TASK_PROPOSE.match(between):
                return 0.7, "for_y_we_propose_x"
        return None

    @staticmethod
    def _evaluated_on(text: str, sent: Span, method: Span, data: Span) -> tuple[float, str] | None:
        if method.end <= data.start:
            between = text[method.end_char : data.start_char]
            if _CLAUSE_BREAK.search(between) or _words(between) > 15 or _B_NOT_EVAL_ON.search(between):
                return None
            if _B_EVAL_VERB_ON.search(between):
                return 0.75, "x_evaluated_on_y"
            left = text[sent.start_char : method.start_char]
            if _B_EVAL_VERB_ON.search(left[-60:] + " " + between):
                return 0.5, "evaluate_x_on_y"
            if _B_ON_ONLY.match(between):
                return 0.55, "x_on_y"
            return None
        if data.end <= method.start:
            between = text[data.end_char : method.start_char]
            if _CLAUSE_BREAK.search(between) or _words(between) > 12:
                return None
            left = text[sent.start_char : data.start_char]
            after = text[data.end_char : min(sent.end_char, method.end_char + 80)]
            if _LEFT_EVAL_CONTEXT.search(left) and _B_SHOW.search(after):
                return 0.6, "on_y_x_achieves"
        return None
