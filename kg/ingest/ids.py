"""Paper identifiers: parsing every form the inputs use into one `scheme:value` spelling, and choosing a paper's id."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Highest first: the paper's id is its best-ranked identifier (docs/CONTRACTS.md). OWN_ID stands for
# any other id the input gave (the user's own "d1", a PubMed id, ...): it beats the title hash, so
# output can be joined back to the input, but loses to the global schemes.
OWN_ID = ""
ID_PRIORITY: tuple[str, ...] = ("arxiv", "doi", "openalex", "s2", OWN_ID, "title")
# Identifiers that name exactly one work, so two records sharing one are the same paper.
STRONG_SCHEMES: frozenset[str] = frozenset(
    {"arxiv", "doi", "openalex", "s2", "mag", "pmid", "pmcid", "corpusid", "dblp", "acl"}
)
KNOWN_SCHEMES: frozenset[str] = STRONG_SCHEMES | {"title"}

# arXiv DOIs (DataCite, since 2022) carry the arXiv id, which lets a DOI-only record meet its preprint.
ARXIV_DOI_PREFIX = "10.48550/arxiv."

_NEW_ARXIV = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
# Old-style ids keep their archive ("cs/9901002"); a subject class ("math.AG/...") is not part of the id.
_OLD_ARXIV = re.compile(r"^([a-z][a-z-]*)(?:\.[a-z]{2})?/(\d{7})(v\d+)?$", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^https?://(?:export\.|www\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$", re.IGNORECASE)
_DOI_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_OPENALEX = re.compile(r"^(?:https?://openalex\.org/)?(W\d+)$", re.IGNORECASE)
_S2 = re.compile(r"^[0-9a-f]{40}$")
_NON_ALNUM = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Title as compared for dedup: NFKC, casefolded, runs of non-alphanumerics collapsed to one space."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


def title_id(text: str) -> str:
    """`title:<16 hex>` from the normalised text (the fallback id)."""
    return hashed_title_id(normalise_title(text))


def hashed_title_id(normalised: str) -> str:
    """`title:<16 hex>` from an already normalised title."""
    return "title:" + hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:16]


def clean_arxiv_id(value: str) -> str | None:
    """Bare arXiv id without version ("2101.00001", "cs/9901002"), or None if value is not one."""
    text = value.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:].strip()
    if url := _ARXIV_URL.match(text):
        text = url.group(1)
    if match := _NEW_ARXIV.match(text):
        return match.group(1)
    if match := _OLD_ARXIV.match(text):
        return f"{match.group(1).lower()}/{match.group(2)}"
    return None


def clean_doi(value: str) -> str | None:
    """Lowercase bare DOI ("10.1/x") from a DOI, doi: form or doi.org URL, or None if value is not one."""
    text = _DOI_URL.sub("", value.strip()).strip().lower()
    return text if text.startswith("10.") and "/" in text else None


def clean_openalex_id(value: str) -> str | None:
    """OpenAlex work id ("W123") from "W123" or "https://openalex.org/W123", or None."""
    match = _OPENALEX.match(value.strip())
    return match.group(1).upper() if match else None


def _last_segment(value: str) -> str:
    return value.strip().rstrip("/").rsplit("/", 1)[-1]


def make_id(scheme: str, value: object) -> str | None:
    """`scheme:value` in canonical spelling, or None when value is empty or not valid for the scheme."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    scheme = scheme.lower()
    if scheme == "arxiv":
        bare = clean_arxiv_id(text)
    elif scheme == "doi":
        bare = clean_doi(text)
    elif scheme == "openalex":
        bare = clean_openalex_id(text)
    elif scheme == "s2":
        bare = text.lower() if _S2.match(text.lower()) else None
    elif scheme in {"pmid", "mag", "corpusid"}:
        # OpenAlex writes these as URLs; only the trailing number identifies the work.
        bare = _last_segment(text)
        bare = bare if bare.isdigit() else None
    elif scheme == "pmcid":
        bare = _last_segment(text).upper().removeprefix("PMC")
        bare = bare if bare.isdigit() else None
    elif scheme == "title":
        bare = text.lower() if re.fullmatch(r"[0-9a-f]{16}", text.lower()) else None
    else:
        bare = text
    return f"{scheme}:{bare}" if bare else None


def parse_id(value: object) -> str | None:
    """Canonical id from any spelling: `scheme:value`, a URL, or a bare arXiv id / DOI / OpenAlex / S2 id.

    A value in no known form is kept verbatim (stripped): references in the same input may use it.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    scheme, sep, rest = text.partition(":")
    if sep and scheme.lower() in KNOWN_SCHEMES and not rest.startswith("//"):
        return make_id(scheme, rest)
    for scheme in ("arxiv", "doi", "openalex", "s2"):
        if found := make_id(scheme, text):
            return found
    return text


def scheme_of(identifier: str) -> str:
    """The scheme part of `scheme:value` ("" for a verbatim id)."""
    scheme, sep, _ = identifier.partition(":")
    return scheme if sep and scheme in KNOWN_SCHEMES else ""


def expand_ids(ids: Iterable[str]) -> list[str]:
    """Ids in first-seen order without repeats, plus the arXiv id hidden in any arXiv DOI."""
    out: list[str] = []
    for identifier in ids:
        extra = None
        if identifier.startswith("doi:" + ARXIV_DOI_PREFIX):
            extra = make_id("arxiv", identifier[len("doi:" + ARXIV_DOI_PREFIX) :])
        for item in (identifier, extra):
            if item and item not in out:
                out.append(item)
    return out


def choose_id(ids: Iterable[str]) -> str | None:
    """The best-ranked id (arxiv > doi > openalex > s2 > the input's own > title), first seen on ties; None if no ids."""
    ranked = [(_rank(i), n, i) for n, i in enumerate(ids) if i]
    return min(ranked)[2] if ranked else None


def _rank(identifier: str) -> int:
    scheme = scheme_of(identifier)
    return ID_PRIORITY.index(scheme if scheme in ID_PRIORITY else OWN_ID)


def is_own_id(identifier: str) -> bool:
    """True for an id in none of the ranked global schemes nor a title hash (the input's own id)."""
    return _rank(identifier) == ID_PRIORITY.index(OWN_ID)


def bare(identifier: str) -> str:
    """Value part of `scheme:value`."""
    return identifier.partition(":")[2]
