"""One Paper per work: records sharing an arXiv id, DOI (or other strong id) or normalised title are merged."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kg.ingest.fields import unique
from kg.ingest.ids import (
    ARXIV_DOI_PREFIX,
    STRONG_SCHEMES,
    bare,
    choose_id,
    hashed_title_id,
    is_own_id,
    normalise_title,
    scheme_of,
    title_id,
)
from kg.models import Paper

# Scalar fields merged by "first non-empty value wins" (or last, when newer records replace older ones).
SCALAR_FIELDS: tuple[str, ...] = ("title", "abstract", "year", "date", "arxiv_id", "doi", "url", "venue", "source")


def strong_ids(paper: Paper) -> list[str]:
    """Ids that name exactly one work (arXiv, DOI, OpenAlex, S2, PubMed, ...): sharing one means same paper.

    The input's own id counts when it is the paper's id: it names the node, so two records with it are one paper.
    """
    own = [paper.id] if is_own_id(paper.id) else []
    return [*own, *(i for i in (paper.id, *paper.external_ids) if scheme_of(i) in STRONG_SCHEMES)]


def title_key(paper: Paper) -> str | None:
    """The normalised-title key, or None for a paper without a usable title."""
    normalised = normalise_title(paper.title)
    return hashed_title_id(normalised) if normalised else None


def conflicting(a: Paper, b: Paper) -> bool:
    """True when two papers with the same title carry different arXiv ids or different (non-arXiv) DOIs.

    Generic titles ("Introduction", "Editorial") recur across distinct works; distinct identifiers of the
    same kind prove they are different papers. An arXiv DOI is the preprint's, so it never conflicts with
    the publisher's DOI of the same paper.
    """
    for scheme in ("arxiv", "doi"):
        ids_a, ids_b = _ids_of(a, scheme), _ids_of(b, scheme)
        if ids_a and ids_b and not ids_a & ids_b:
            return True
    return False


def _ids_of(paper: Paper, scheme: str) -> set[str]:
    return {
        i
        for i in (paper.id, *paper.external_ids)
        if scheme_of(i) == scheme and not bare(i).startswith(ARXIV_DOI_PREFIX)
    }


def combine(first: Paper, second: Paper) -> Paper:
    """One paper from two records of it: first's non-empty fields win; ids, authors and citations are unioned."""
    data = first.model_dump()
    for field in SCALAR_FIELDS:
        if data[field] in (None, ""):
            data[field] = getattr(second, field)
    for field in ("external_ids", "references", "cited_by"):
        data[field] = list(dict.fromkeys([*data[field], *getattr(second, field)]))
    data["authors"] = unique([*first.authors, *second.authors])
    ids = list(dict.fromkeys([first.id, second.id, *data["external_ids"]]))
    data["id"] = choose_id(ids) or first.id
    data["external_ids"] = ids
    return Paper(**data)


def same_work(a: Paper, b: Paper) -> bool:
    """True unless both papers have titles and the titles differ (after normalising)."""
    key_a, key_b = title_key(a), title_key(b)
    return key_a is None or key_b is None or key_a == key_b


def without_own_id(paper: Paper) -> Paper:
    """The paper identified by its title hash instead of its own id (which another paper already holds)."""
    new_id = title_id(paper.title or paper.abstract)
    ids = [i for i in paper.external_ids if i != paper.id]
    return paper.model_copy(update={"id": new_id, "external_ids": [*ids, new_id]})


OwnIdConflict = Callable[[str, Paper], None]


class _Merger:
    """Groups arriving papers by shared strong ids or (non-conflicting) titles, remembering first-seen order."""

    def __init__(self, prefer_last: bool, on_conflict: OwnIdConflict | None = None) -> None:
        self.prefer_last = prefer_last
        self.on_conflict = on_conflict
        self.merged: list[Paper | None] = []  # None once a group was folded into an earlier one
        self.parent: list[int] = []  # folded group -> the group that absorbed it
        self.by_id: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}

    def find(self, group: int) -> int:
        """The group that now holds `group` (itself unless it was folded into another)."""
        while self.parent[group] != group:
            self.parent[group] = self.parent[self.parent[group]]
            group = self.parent[group]
        return group

    def add(self, paper: Paper) -> None:
        """Merge paper into the group(s) it matches, or start a new group."""
        # Inputs number their records ("1", "2", ...) per file: the same own id on a different title
        # is another paper, which must not take over (or merge into) the first one's node. In an
        # update (prefer_last) the same id is the same record, corrected: it replaces the old one.
        if not self.prefer_last and is_own_id(paper.id) and paper.id in self.by_id:
            holder = self.merged[self.find(self.by_id[paper.id])]
            if holder is not None and not same_work(holder, paper):
                own = paper.id
                paper = without_own_id(paper)
                if self.on_conflict is not None:
                    self.on_conflict(own, paper)
        groups = {self.find(self.by_id[i]) for i in strong_ids(paper) if i in self.by_id}
        key = title_key(paper)
        if key:
            for group in map(self.find, self.by_title.get(key, [])):
                current = self.merged[group]
                if group not in groups and current is not None and not conflicting(current, paper):
                    groups.add(group)
                    break
        if not groups:
            self.merged.append(paper)
            self.parent.append(len(self.parent))
            self._index(len(self.merged) - 1, paper, key)
            return
        target, *others = sorted(groups)
        result = self._combine(self.merged[target], paper)
        for other in others:
            # The new record links two groups seen apart so far (e.g. its DOI matches one, its arXiv id another).
            folded = self.merged[other]
            assert folded is not None
            result = combine(result, folded)
            self.merged[other], self.parent[other] = None, target
        self.merged[target] = result
        self._index(target, paper, key)

    def _combine(self, old: Paper | None, new: Paper) -> Paper:
        assert old is not None
        return combine(new, old) if self.prefer_last else combine(old, new)

    def _index(self, group: int, paper: Paper, key: str | None) -> None:
        for identifier in strong_ids(paper):
            self.by_id.setdefault(identifier, group)
        if key is not None:
            self.by_title.setdefault(key, []).append(group)


def merge_duplicates(
    papers: Iterable[Paper], *, prefer_last: bool = False, on_conflict: OwnIdConflict | None = None
) -> Iterator[Paper]:
    """Papers with duplicates merged, in first-seen order.

    prefer_last=True lets a later record's non-empty fields replace an earlier one's (an update of a
    paper already in a graph); by default the first value seen is kept, and a paper whose own id is
    taken by a paper with another title gets its title-hash id instead (on_conflict(own id, paper) hears of it).
    """
    merger = _Merger(prefer_last, on_conflict)
    for paper in papers:
        merger.add(paper)
    return (p for p in merger.merged if p is not None)
