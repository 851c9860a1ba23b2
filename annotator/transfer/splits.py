"""Dataset splits by document: `train=0.8,dev=0.1,test=0.1`, stable as the corpus grows.

A document's split depends only on its id and the seed: sha256(f"{seed}:{id}") read as a number
in [0, 1) falls into one of the splits' cumulative shares. So no text is in two splits, the same
seed always gives the same split, and documents added later never move the ones already there
(a seeded shuffle of all ids would reshuffle every document each time the corpus grows).

A split that would get no document is refused before anything is written, naming it:
`datasets.load_dataset` and `spacy train` fail on an empty file, far from its cause.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable

Parts = list[tuple[str, float]]


def parse_split(value: str) -> Parts:
    """'train=0.8,dev=0.1,test=0.1' -> [("train", 0.8), ...]; the shares must add up to 1."""
    parts = []
    for item in value.split(","):
        name, _, share = item.partition("=")
        try:
            parts.append((name.strip(), float(share)))
        except ValueError:
            raise ValueError(f"split '{item}' is not NAME=SHARE") from None
    if not parts or any(not name or share <= 0 for name, share in parts):
        raise ValueError(f"split '{value}' needs NAME=SHARE parts with shares above 0")
    if len({name for name, _ in parts}) < len(parts):
        raise ValueError(f"split '{value}' names a split twice")
    if abs(sum(share for _, share in parts) - 1) > 1e-6:
        raise ValueError(f"split shares add up to {sum(s for _, s in parts):g}, not 1")
    return parts


def split_of(document_id: str, parts: Parts, seed: int) -> str:
    """The split of one document: where the hash of seed and id falls in the shares."""
    digest = hashlib.sha256(f"{seed}:{document_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    for name, share in parts:
        cumulative += share
        if point < cumulative:
            return name
    return parts[-1][0]  # shares that add up to a hair below 1


def assign_splits(document_ids: Iterable[str], parts: Parts, seed: int) -> dict[str, str]:
    """Each document id's split; refuses (ValueError) a split that gets no document."""
    assigned = {document_id: split_of(document_id, parts, seed) for document_id in document_ids}
    sizes = Counter(assigned.values())
    empty = [name for name, _ in parts if not sizes[name]]
    if not assigned:
        raise ValueError("there are no documents to split; nothing was written")
    if empty:
        raise ValueError(_empty_message(empty, parts, len(assigned)))
    return assigned


def _empty_message(empty: list[str], parts: Parts, total: int) -> str:
    """Which splits would be empty, and shares that give each split a fair chance."""
    names = ", ".join(f"'{name}'" for name in empty)
    share = 1 / len(parts)
    even = ",".join(f"{name}={share:.2f}" for name, _ in parts[:-1])
    last = 1 - round(share, 2) * (len(parts) - 1)
    suggestion = f"--split {even},{parts[-1][0]}={last:.2f}"
    return (
        f"split {names} would get none of the {total} documents (a document's split comes "
        f"from a hash of its id and the seed); nothing was written. Give it a larger share, "
        f"e.g. {suggestion}, or leave it out"
    )
