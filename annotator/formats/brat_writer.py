"""Writing brat standoff: `<id>.txt` and `<id>.ann` per document (plus `annotation.conf` from
the schema) into a folder, or into a zip if the output ends in .zip, each file as its document
comes. Kept relations, attributes and notes are written back when every id they refer to is;
offsets count the stored text (no BOM written, CRLF is two characters)."""

import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path

from annotator.formats.brat_ann import one_line
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.schema.toml_file import Schema

_TOKEN_RE = re.compile(r"\S+")
_UNSAFE_RE = re.compile(r"[^\w.-]")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write(
    documents: Iterable[DocumentRecord], out: Path, *, schema: Schema | None = None
) -> list[Path]:
    """Write <id>.txt and <id>.ann per document (plus annotation.conf for schema) into the
    folder out, or into a zip if out ends in .zip; return the paths written (or [out])."""
    out = Path(out)
    relations: dict[str, list[str]] = {}
    taken: set[str] = set()
    with _Output(out) as output:
        for document in documents:
            stem = _file_stem(document, taken)
            output.add(f"{stem}.txt", document.text.encode("utf-8"))
            output.add(f"{stem}.ann", _ann(document).encode("utf-8"))
            _relation_roles(document.kept, relations)
        if schema is not None:
            conf = annotation_conf(schema, relations=relations)
            output.add("annotation.conf", conf.encode("utf-8"))
    return output.written


class _Output:
    """Where the files go, each as it comes: a folder, or a zip with fixed timestamps (so
    equal input gives equal bytes)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.archive: zipfile.ZipFile | None = None
        self.written: list[Path] = [out] if out.suffix == ".zip" else []

    def __enter__(self) -> "_Output":
        """Make the folder, or open the zip."""
        if self.out.suffix == ".zip":
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.archive = zipfile.ZipFile(self.out, "w")
        else:
            self.out.mkdir(parents=True, exist_ok=True)
        return self

    def add(self, name: str, data: bytes) -> None:
        """Write one file."""
        if self.archive is None:
            (self.out / name).write_bytes(data)
            self.written.append(self.out / name)
            return
        info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, data)

    def __exit__(self, *error) -> None:
        """Close the zip (a folder needs nothing)."""
        if self.archive is not None:
            self.archive.close()


def _file_stem(document: DocumentRecord, taken: set[str]) -> str:
    """A safe file name for the document, unique (ignoring case) among taken: its id when safe,
    else the id with unsafe characters as '_' plus a hash of the id; deterministic."""
    if document.id:
        base = _UNSAFE_RE.sub("_", document.id)[:100]
        base = "_" + base[1:] if base.startswith(".") else base
        if base != document.id:
            base += "-" + hashlib.sha256(document.id.encode("utf-8")).hexdigest()[:8]
    else:
        base = "document-" + hashlib.sha256(document.text.encode("utf-8")).hexdigest()[:12]
    stem, n = base, 1
    while stem.casefold() in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem.casefold())
    return stem


def _ann(document: DocumentRecord) -> str:
    """The .ann text: T-lines in (start, end, label) order, then the kept lines that fit."""
    refs = Counter(span.ref for span in document.spans if span.ref)
    ids: dict[str, str] = {}
    lines = []
    for number, span in enumerate(sorted(document.spans, key=_order), 1):
        if refs[span.ref] == 1:
            ids[span.ref] = f"T{number}"
        lines.append(_t_line(f"T{number}", span, document))
    lines += _kept_lines(document.kept, ids)
    return "".join(line + "\n" for line in lines)


def _order(span: Annotation) -> tuple:
    """Sort key of a span: start, end, label, then fragments."""
    return (span.start, span.end, span.label, span.fragments or ())


def _t_line(ident: str, span: Annotation, document: DocumentRecord) -> str:
    """`T1<tab>LABEL 0 5;16 23<tab>text`: fragment texts joined by a space, on one line."""
    text = document.text
    fragments = span.fragments or ((span.start, span.end),)
    if not _TOKEN_RE.fullmatch(span.label) or any(
        not 0 <= s < e <= len(text) for s, e in fragments
    ):
        where = f"{span.label!r} {list(fragments)}"
        raise ValueError(f"document {document.id!r}: span {where} cannot be written to brat")
    offsets = ";".join(f"{start} {end}" for start, end in fragments)
    covered = one_line(" ".join(text[start:end] for start, end in fragments))
    return f"{ident}\t{span.label} {offsets}\t{covered}"


def _token(value: object) -> str:
    """value if it is a non-empty string without whitespace (a brat type, role or value)."""
    if not isinstance(value, str) or not _TOKEN_RE.fullmatch(value):
        raise ValueError(f"not a brat token: {value!r}")
    return value


def _relation_body(entry: dict, ids: dict[str, str]) -> str:
    """`Type Arg1:T1 Arg2:T2<tab>`; KeyError if an argument is not written."""
    args = [f"{_token(role)}:{ids[ref]}" for role, ref in entry["args"]]
    if len(args) != 2:
        raise ValueError("a brat relation has two arguments")
    return f"{_token(entry['type'])} {' '.join(args)}\t"


def _attribute_body(entry: dict, ids: dict[str, str]) -> str:
    """`Type T1` or `Type T1 Value`; KeyError if the target is not written."""
    value = entry.get("value")
    tail = "" if value is None else f" {_token(value)}"
    return f"{_token(entry['type'])} {ids[entry['target']]}{tail}"


def _note_body(entry: dict, ids: dict[str, str]) -> str:
    """`Type T1<tab>note`; KeyError if the target is not written."""
    return f"{_token(entry['type'])} {ids[entry['target']]}\t{one_line(entry['note'])}"


_WRITERS = (("relations", "R", _relation_body), ("attributes", "A", _attribute_body))
_WRITERS += (("notes", "#", _note_body),)
_SKIPPED = (AttributeError, KeyError, TypeError, ValueError)  # malformed, or refers to nothing


def _kept_lines(kept: dict, ids: dict[str, str]) -> list[str]:
    """Kept relations, attributes and notes whose references are all written, renumbered;
    ids gains each one's old id, so a note on a relation follows it."""
    lines = []
    for section, prefix, body_of in _WRITERS:
        number = 0
        for entry in kept.get(section, []):
            try:
                body = body_of(entry, ids)
            except _SKIPPED:
                continue
            number += 1
            if isinstance(entry.get("id"), str):
                ids.setdefault(entry["id"], f"{prefix}{number}")
            lines.append(f"{prefix}{number}\t{body}")
    return lines


def _relation_roles(kept: dict, roles: dict[str, list[str]]) -> None:
    """Add the type and argument roles of each kept relation to roles."""
    for entry in kept.get("relations", []):
        try:
            seen = roles.setdefault(_token(entry["type"]), [])
            seen += [_token(role) for role, _ in entry["args"] if role not in seen]
        except _SKIPPED:
            continue


def annotation_conf(schema: Schema, *, relations: Mapping[str, Sequence[str]] | None = None) -> str:
    """brat's annotation.conf: every schema label under [entities] (a comment names each
    layer), each relation type (type -> its argument roles) under [relations], any entity."""
    lines = ["# brat configuration written by annotator from its label schema", "", "[entities]"]
    for layer in schema.layers:
        lines.append(f"# layer {layer.name}: {layer.title}")
        lines += [label.name for label in layer.labels]
    lines += ["", "[relations]"]
    for name, roles in sorted((relations or {}).items()):
        args = ", ".join(f"{role}:<ENTITY>" for role in roles or ("Arg1", "Arg2"))
        lines.append(f"{name} {args}")
    lines += ["", "[events]", "", "[attributes]"]
    return "\n".join(lines) + "\n"
