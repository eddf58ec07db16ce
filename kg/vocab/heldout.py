"""The held-out rule: papers of pwc_sota that the vocabulary build never reads."""

import hashlib

HELDOUT_MODULUS = 5


def is_heldout(paper_id: str) -> bool:
    """True for a train.jsonl paper kept out of the vocabulary build (about one in five, by its id's SHA-1)."""
    return int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % HELDOUT_MODULUS == 0
