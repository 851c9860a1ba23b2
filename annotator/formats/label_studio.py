"""Label Studio JSON tasks: text regions (`labels`) from annotations and predictions.

Format (labelstud.io/guide/task_format): a JSON list of tasks (a single task object is accepted
too), each `{"id", "data": {"text": ...}, "annotations": [{"id", "completed_by", "result": [...]}],
"predictions": [{"model_version", "score", "result": [...]}]}`. A text region is a result item
`{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end", "text", "labels"}}`;
a relation is `{"type": "relation", "from_id", "to_id", "direction", "labels"}`.

Offset unit — code points. Current Label Studio counts `value.start`/`value.end` of Text regions
in Unicode code points over the task's text as given (CR and LF count one each). Evidence:

- the editor's `web/libs/editor/src/utils/selection-tools.js` (HumanSignal/label-studio
  @ 014c626a) converts every DOM offset with `charsToCodePoints` ("In python and other modern
  tools complex unicode symbols handled as code points, not UTF chars. So for external usage js
  length should be converted to code points count"); `findGlobalOffset` counts
  `[...textContent].length`;
- the newer DOM manager (`tags/object/RichText/domManager.ts` @ 190e88d2: `content =
  [...(text)]`, `endPos += contentLength`) does the same, and its notes (`domManager.md`
  @ 69a009de) call the global offset "the number of elements in the content array";
- the editor's functional test `describe("NER - Emoji - Text")` ("Should calculate offsets by
  code points in text", with and without feature flag FF_LSDV_4620_3) expects `start: 21` for
  "test" in "🐱 Warning: This is a test text" (21 code points; UTF-16 would be 22);
- the Text tag's docs: the editor "counts `\\r\\n` as two different symbols"; open files with
  `newline=''` and slice `text[start_offset:end_offset]` in Python;
- issue #4988 (Label Studio 1.9.1, 2023): after an emoji the highlight is drawn wrong, "but
  'firetrucks' is correctly marked in the exported JSON".

Before the 2021 fix (label-studio PR #1559 "Store code points instead of js length", merged via
label-studio-frontend PR #308; PR #1662 "emoji in NER"; issues #1008, #1347 "All annotations
after an astral codepoint are off") offsets were UTF-16 code units: read such old exports with
`offsets="utf-16"` (an offset inside a surrogate pair is then refused).

`value.text` is the browser's selection text, in which Label Studio writes every CR and LF as the
two characters `\\n` (`captureSelection`: `selection.toString().replace(/[\\n\\r]/g, "\\\\n")`)
and, without pre-wrap styling, may collapse whitespace. A region is accepted when `value.text`
equals the text at its offsets exactly, or after that newline escaping, or ignoring whitespace;
otherwise it is refused, naming the task and region. So is a region whose text cannot be found:
the data key is the region's `source` (`"$text"`) or `to_name` when the task has it, else `text`
or the task's only text field (regions naming several keys need `text_key=`, and regions on
other keys are then kept verbatim in `kept["results"]`). Upstream's
`rich_text_plain/annotations/1.json` names `text` but has only `ner`, whose text at 343-354 is not
"February 22": it is refused.

Reading: one DocumentRecord per annotation (`annotator` from `completed_by`: a user id, or the
email/id of an expanded user; `status` "skipped" for a cancelled annotation); a task without
annotations is one DocumentRecord. Each label of a region is one Annotation (ref "region ID");
predictions become `suggestions` (with the region's or prediction's `score`) of the task's
first DocumentRecord; relations go to `kept["relations"]` as `{"from", "to", "direction",
"labels", "source"}` with region refs; other result items are kept verbatim in
`kept["results"]`. `DocumentRecord.meta` is the task's `meta` plus `meta["label_studio"]`:
`task_id`, `annotation_id`, `completed_by`, `model_versions`, `data_key`. `DocumentRecord.id`
is the task meta's `id` when it is a string, else the task id. Tasks are read from the file one
at a time (`annotator.formats.json_list`), so memory holds one task, not the file.

Writing: `annotator.formats.label_studio_writer`.
"""

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from annotator.formats import json_list
from annotator.formats.label_studio_tasks import TaskError
from annotator.formats.label_studio_tasks import task_documents
from annotator.formats.label_studio_tasks import task_name
from annotator.formats.label_studio_writer import write
from annotator.formats.options import Option
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec

NAME = "label-studio"
UNITS = ("code-points", "utf-16")
_SNIFF_BYTES = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# sniff


def sniff(path: Path) -> bool:
    """True when the file is one JSON list (or object) of Label Studio tasks with `data`."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            # An incremental decoder tolerates a character cut at the end of the head.
            head = codecs.getincrementaldecoder("utf-8-sig")().decode(handle.read(_SNIFF_BYTES))
    except (OSError, UnicodeDecodeError):
        return False
    first = _first_task(head)
    if first is None and path.stat().st_size > _SNIFF_BYTES and _cut_short(head):
        first = _first_task(_decode_or_none(path) or "")
    return _looks_like_task(first)


def _cut_short(head: str) -> bool:
    """True when the head ends inside the file's first JSON value, so only the whole file can
    tell. A complete first value already decides (a JSONL file is not one JSON document), and
    reading a large corpus whole just to say no cost most of its import's recognition time."""
    body = head.lstrip()
    body = body[1:].lstrip() if body.startswith("[") else body
    try:
        json.JSONDecoder().raw_decode(body)
    except (json.JSONDecodeError, RecursionError):
        return True
    return False


def _decode_or_none(path: Path) -> str | None:
    """The whole file as UTF-8, or None."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _first_task(content: str) -> object:
    """The first task of a JSON list, or the object a file holds alone; None otherwise."""
    decoder = json.JSONDecoder()
    stripped = content.lstrip()
    try:
        if stripped.startswith("["):
            body = stripped[1:].lstrip()
            return decoder.raw_decode(body)[0] if body[:1] == "{" else None
        if stripped.startswith("{"):
            value, end = decoder.raw_decode(stripped)
            return value if not stripped[end:].strip() else None
    except (json.JSONDecodeError, RecursionError):
        return None
    return None


def _looks_like_task(task: object) -> bool:
    """A dict with a `data` object."""
    return isinstance(task, dict) and isinstance(task.get("data"), dict)


# ---------------------------------------------------------------------------------------------
# read


def read(
    path: Path, *, offsets: str = "code-points", text_key: str | None = None
) -> Iterator[DocumentRecord]:
    """Read a Label Studio JSON export (task list or one task), one task at a time."""
    name = str(path)
    for position, task in enumerate(json_list.read_items(path), start=1):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise FormatError(name, f'task {position}: expected an object with a "data" object')
        where = task_name(task, position)
        try:
            documents = task_documents(task, offsets, text_key, f"{name}: {where}")
        except TaskError as error:
            raise FormatError(name, f"{where}: {error}") from None
        yield from documents


_OFFSETS = Option(
    "offsets",
    "The unit of the file's offsets (utf-16: doccano's browser, old Label Studio exports).",
    "code-points",
    UNITS,
)
SPEC = FormatSpec(
    name=NAME,
    description="Label Studio JSON tasks: annotations as spans, predictions as suggestions",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".json",),
    import_options=(
        _OFFSETS,
        Option("text_key", "The task data key that holds the text (Label Studio)."),
    ),
    export_options=(_OFFSETS,),
)
