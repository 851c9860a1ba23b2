"""doccano 1.x project exports with several annotators: each record has `"annotations":
[{"label": <label id>, "start_offset", "end_offset", "user": <user id>}]`, one list for every
user. Each user's spans become one document of their own (annotator `user<id>`).

The labels are doccano's label ids, not names: with `label_names` (doccano's label export, a
JSON list of `{"id", "text"}`), they take their names; without it they are named `label_<id>`
and the import says so.
"""

import json
from pathlib import Path

from annotator.formats.records import FormatError


def is_multi_user(record: object) -> bool:
    """A doccano 1.x record: "text" and "annotations" as objects with offsets and a user."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    annotations = record.get("annotations")
    return (
        isinstance(annotations, list)
        and bool(annotations)
        and all(isinstance(item, dict) and "start_offset" in item for item in annotations)
    )


def per_user(record: dict, names: dict[int, str], name: str, number: int) -> list[dict]:
    """The record as one doccano record per user: `{"text", "entities", "annotator"}` (entities
    as `{"start_offset", "end_offset", "label"}`), users in id order."""
    by_user: dict[object, list] = {}
    for index, item in enumerate(record["annotations"]):
        label, user = item.get("label"), item.get("user")
        if isinstance(label, bool) or not isinstance(label, int | str) or user is None:
            raise FormatError(name, f"annotation {index} needs a label id and a user", number)
        label_name = names.get(label, label if isinstance(label, str) else f"label_{label}")
        entity = {k: item.get(k) for k in ("start_offset", "end_offset")} | {"label": label_name}
        by_user.setdefault(user, []).append(entity)
    rest = {key: value for key, value in record.items() if key != "annotations"}
    return [
        rest | {"entities": entities, "annotator": f"user{user}"}
        for user, entities in sorted(by_user.items(), key=lambda pair: str(pair[0]))
    ]


def label_names(path: str | None) -> dict[int, str]:
    """doccano's label export ([{"id", "text"}, ...]) as {id: name}; {} without a file."""
    if not path:
        return {}
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise FormatError(str(path), f"cannot read doccano's label list: {error}") from None
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and "id" in item and isinstance(item.get("text"), str)
        for item in items
    ):
        raise FormatError(str(path), 'doccano\'s label list is [{"id": ..., "text": ...}, ...]')
    return {item["id"]: item["text"] for item in items}
