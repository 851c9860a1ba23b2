"""brat standoff: `X.txt` (the text) with `X.ann` (its annotations), in a folder or a .zip.

T-lines (text-bound annotations) become spans; a discontinuous one (`T1\tORG 0 5;16 23\t...`)
stays one Annotation with its fragments. Relations (R), attributes (A, M) and notes (#) go to
`DocumentRecord.kept` ("relations", "attributes", "notes"), each a dict with the line number
("line"), the verbatim line ("text") and its parsed fields, and are written back when every id
they refer to is written. Events (E), normalisations (N), equivalences (*) and unknown lines
are refused, or kept verbatim in kept["unsupported"] with `skip_unsupported`.

Offsets are code points of the text as stored: UTF-8, leading BOM dropped, newlines untouched.
brat itself counts a BOM as a character and a CRLF as one (nlplab/brat#853); a file whose
T-line texts only match under such counting is read that way and its offsets converted. The
writer always counts the stored text (no BOM written, CRLF is two characters).
"""

import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath

from annotator.formats.options import Option
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec
from annotator.schema.toml_file import Schema

NAME = "brat"
LAYER = "entity"
BOM = "\ufeff"
SKIP_HINT = "use --skip-unsupported to keep them in the document's metadata"
_UNSUPPORTED = {
    "E": "E-lines (events)",
    "N": "N-lines (normalisations)",
    "*": "*-lines (equivalences)",
}
_OFFSETS_RE = re.compile(r"\d+ \d+(?:;\d+ \d+)*")
_TOKEN_RE = re.compile(r"\S+")
_UNSAFE_RE = re.compile(r"[^\w.-]")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_View = tuple[str, list[int] | None]  # a text as some tool counts it, and its map to ours


class _LineError(Exception):
    """A problem with one .ann line; the reader adds the file and line number."""


@dataclass
class _TLine:
    """A parsed T-line, its offsets still as the file counts them."""

    number: int
    id: str
    label: str
    fragments: list[tuple[int, int]]
    text: str


def sniff(path: Path) -> bool:
    """Whether path is a folder holding .ann files, a .zip holding them, or one .ann file."""
    path = Path(path)
    if path.is_dir():
        anns = (p.relative_to(path).as_posix() for p in path.rglob("*.ann") if p.is_file())
        return any(_wanted(name) for name in anns)
    if path.suffix == ".ann":
        return path.is_file()
    if path.suffix != ".zip" or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(".ann") and _wanted(n) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def read(path: Path, *, skip_unsupported: bool = False) -> list[DocumentRecord]:
    """Every document under path (a folder, recursing; a .zip; or one .ann), in name order."""
    path = Path(path)
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p for p in path.rglob("*") if p.is_file()}
        return _read_files(files, skip_unsupported)
    if path.suffix == ".zip":
        return _read_zip(path, skip_unsupported)
    if path.suffix == ".ann" and path.is_file():
        files = {p.name: p for p in (path, path.with_suffix(".txt")) if p.is_file()}
        return _read_files(files, skip_unsupported)
    raise FormatError(str(path), "not a brat folder, .zip or .ann file")


def _read_files(files: dict[str, Path], skip: bool) -> list[DocumentRecord]:
    """Read files, named by their path relative to the folder."""
    return _read_all(files, lambda n: files[n].read_bytes(), lambda n: str(files[n]), skip)


def _read_zip(path: Path, skip: bool) -> list[DocumentRecord]:
    """Read the members of a zip archive, without extracting them."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read_all(archive.namelist(), archive.read, lambda n: str(path / n), skip)
    except zipfile.BadZipFile as err:
        raise FormatError(str(path), f"not a readable zip file ({err})") from err


def _wanted(name: str) -> bool:
    """A .ann or .txt worth reading: not hidden, not macOS resource-fork debris."""
    hidden = any(part.startswith((".", "__MACOSX")) for part in PurePosixPath(name).parts)
    return name.endswith((".ann", ".txt")) and not hidden


def _read_all(
    names: Iterable[str], load: Callable[[str], bytes], where: Callable[[str], str], skip: bool
) -> list[DocumentRecord]:
    """Pair each X.ann with its X.txt (a lone X.txt has no annotations), in name order."""
    present = {name for name in names if _wanted(name)}
    stems = sorted({name[:-4] for name in present})
    return [_read_pair(stem, present, load, where, skip) for stem in stems]


def _read_pair(
    stem: str, present: set[str], load: Callable, where: Callable, skip: bool
) -> DocumentRecord:
    """The document of stem.txt with the annotations of stem.ann, if there is one."""
    ann, txt = stem + ".ann", stem + ".txt"
    if txt not in present:
        raise FormatError(where(ann), f"no text file: {PurePosixPath(txt).name} is missing")
    raw = _decode(load(txt), where(txt))
    document = DocumentRecord(text=_drop_bom(raw), id=PurePosixPath(stem).name, where=where(txt))
    if ann in present:
        document.where = where(ann)
        _read_ann(document, raw, _drop_bom(_decode(load(ann), where(ann))), skip)
    return document


def _decode(data: bytes, where: str) -> str:
    """data decoded as UTF-8, or a FormatError naming the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FormatError(where, f"not UTF-8 (byte {err.start}: {err.reason})") from err


def _drop_bom(text: str) -> str:
    """text without a leading byte-order mark."""
    return text.removeprefix(BOM)


def _read_ann(document: DocumentRecord, raw: str, source: str, skip: bool) -> None:
    """Fill document.spans and document.kept from the .ann text source."""
    lines = [(n, line.removesuffix("\r")) for n, line in enumerate(source.split("\n"), 1)]
    lines = [(n, line) for n, line in lines if line.strip()]
    ids = _ids(lines, document.where)
    t_lines: list[_TLine] = []
    for number, line in lines:
        ident, _, rest = line.partition("\t")
        try:
            if ident.startswith("T"):
                t_lines.append(_parse_t(number, ident, rest))
            else:
                _keep(document.kept, number, line, ids, skip)
        except _LineError as err:
            raise FormatError(document.where, str(err), number) from None
    mapping = _choose_view(t_lines, raw, document.where)
    document.spans = [_annotation(t_line, mapping) for t_line in t_lines]


def _ids(lines: list[tuple[int, str]], where: str) -> set[str]:
    """Every id the file defines; a line without a tab after its id, or an id twice, fails."""
    first: dict[str, int] = {}
    for number, line in lines:
        ident, tab, _ = line.partition("\t")
        if not tab or not _TOKEN_RE.fullmatch(ident):
            problem = f"malformed line (missing tab after the id): {line!r}"
            raise FormatError(where, problem, number)
        if ident in first and ident != "*":
            problem = f"id {ident} is defined twice (first on line {first[ident]})"
            raise FormatError(where, problem, number)
        first.setdefault(ident, number)
    return set(first)


def _parse_t(number: int, ident: str, rest: str) -> _TLine:
    """A T-line's label, fragments and text (`ORG 0 5;16 23<tab>text`)."""
    head, tab, text = rest.partition("\t")
    if not tab:
        raise _LineError(f"{ident}: missing tab before the annotated text")
    label, _, offsets = head.partition(" ")
    if not label or not _OFFSETS_RE.fullmatch(offsets):
        expected = "expected 'LABEL START END', fragments separated by ';'"
        raise _LineError(f"{ident}: bad offsets {head!r} ({expected})")
    fragments = [(int(s), int(e)) for s, e in (f.split(" ") for f in offsets.split(";"))]
    previous = 0
    for start, end in fragments:
        if start >= end or start < previous:
            rule = "fragments must be non-empty, in order and not overlap"
            raise _LineError(f"{ident}: bad offsets {start} {end} ({rule})")
        previous = end
    return _TLine(number, ident, label, fragments, text)


def _keep(kept: dict, number: int, line: str, ids: set[str], skip: bool) -> None:
    """Keep a relation, attribute or note line; refuse or keep an unsupported one."""
    ident, _, rest = line.partition("\t")
    parser = _PARSERS.get(ident[0])
    if parser is None:
        what = _UNSUPPORTED.get(ident[0], f"{ident[0]!r}-lines (unknown type)")
        if not skip:
            raise _LineError(f"{what} cannot be represented; {SKIP_HINT}")
        kept.setdefault("unsupported", []).append({"line": number, "text": line})
        return
    section, fields, refs = parser(ident, rest)
    unknown = [ref for ref in refs if ref not in ids]
    if unknown:
        raise _LineError(f"{ident} refers to unknown id {unknown[0]!r}")
    kept.setdefault(section, []).append({"line": number, "text": line, **fields})


def _relation(ident: str, rest: str) -> tuple[str, dict, list[str]]:
    """`Type Arg1:T1 Arg2:T2` (anything after a further tab is ignored)."""
    tokens = rest.split("\t")[0].split()
    args = [token.split(":", 1) for token in tokens[1:]]
    if len(tokens) != 3 or any(len(arg) != 2 or not all(arg) for arg in args):
        raise _LineError(f"{ident}: malformed relation (expected 'TYPE Arg1:ID Arg2:ID')")
    fields = {"id": ident, "type": tokens[0], "args": args}
    return "relations", fields, [ref for _, ref in args]


def _attribute(ident: str, rest: str) -> tuple[str, dict, list[str]]:
    """`Type ID` (binary) or `Type ID Value`."""
    tokens = rest.split("\t")[0].split()
    if len(tokens) not in (2, 3):
        raise _LineError(f"{ident}: malformed attribute (expected 'TYPE ID' or 'TYPE ID VALUE')")
    value = tokens[2] if len(tokens) == 3 else None
    fields = {"id": ident, "type": tokens[0], "target": tokens[1], "value": value}
    return "attributes", fields, [tokens[1]]


def _note(ident: str, rest: str) -> tuple[str, dict, list[str]]:
    """`Type ID<tab>note text`."""
    head, tab, note = rest.partition("\t")
    tokens = head.split()
    if not tab or len(tokens) != 2:
        raise _LineError(f"{ident}: malformed note (expected 'TYPE ID', a tab, then the note)")
    fields = {"id": ident, "type": tokens[0], "target": tokens[1], "note": note}
    return "notes", fields, [tokens[1]]


_PARSERS = {"R": _relation, "A": _attribute, "M": _attribute, "#": _note}


def _choose_view(t_lines: list[_TLine], raw: str, where: str) -> list[int] | None:
    """The offset map of the first counting under which every T-line fits the text; if none
    fits, the error of the first (the text as stored)."""
    first_error = None
    for text, mapping in _views(raw):
        error = next(filter(None, (_mismatch(t_line, text, where) for t_line in t_lines)), None)
        if error is None:
            return mapping
        first_error = first_error or error
    raise first_error


def _mismatch(t_line: _TLine, text: str, where: str) -> FormatError | None:
    """Why t_line does not fit text (offsets out of range, different text), or None."""
    for start, end in t_line.fragments:
        if end > len(text):
            problem = f"offsets {start} {end} are out of range (text length {len(text)})"
            return FormatError(where, f"{t_line.id}: {problem}", t_line.number)
    expected = " ".join(text[start:end] for start, end in t_line.fragments)
    if t_line.text in (expected, _one_line(expected)):
        return None
    problem = f"text {t_line.text!r} does not match the text at its offsets {expected!r}"
    return FormatError(where, f"{t_line.id}: {problem}", t_line.number)


def _views(raw: str) -> Iterator[_View]:
    """The texts .ann offsets may count, preferred first: the text as stored, then as brat
    counts it (BOM kept, CRLF and CR as one newline), then the other mixes."""
    yield _drop_bom(raw), None
    bom, crs = raw.startswith(BOM), "\r" in raw
    for combo in dict.fromkeys([(bom, crs), (bom, False), (False, crs)]):
        if combo != (False, False):
            yield _view(raw, *combo)


def _view(raw: str, keep_bom: bool, newlines: bool) -> _View:
    """raw with its BOM kept and/or CRLF and CR counted as one newline, with the stored
    offset of each of its offsets."""
    skip = 1 if raw.startswith(BOM) else 0
    chars: list[str] = []
    stored: list[int] = []
    i = 0 if keep_bom else skip
    while i < len(raw):
        stored.append(max(i - skip, 0))
        if newlines and raw[i] == "\r":
            chars.append("\n")
            i += 2 if raw.startswith("\n", i + 1) else 1
        else:
            chars.append(raw[i])
            i += 1
    stored.append(len(raw) - skip)
    return "".join(chars), stored


def _annotation(t_line: _TLine, mapping: list[int] | None) -> Annotation:
    """The span of a checked T-line, in stored offsets."""
    fragments = tuple(
        (mapping[start], mapping[end]) if mapping else (start, end)
        for start, end in t_line.fragments
    )
    several = fragments if len(fragments) > 1 else None
    start, end = fragments[0][0], fragments[-1][1]
    return Annotation(start, end, t_line.label, several, layer=LAYER, ref=t_line.id)


def _one_line(text: str) -> str:
    """text with each CR and LF as a space, as the T-line of a span across lines has it."""
    return text.replace("\r", " ").replace("\n", " ")


def write(
    documents: Iterable[DocumentRecord], out: Path, *, schema: Schema | None = None
) -> list[Path]:
    """Write <id>.txt and <id>.ann per document (plus annotation.conf for schema) into the
    folder out, or into a zip if out ends in .zip; return the paths written (or [out])."""
    out = Path(out)
    files: list[tuple[str, bytes]] = []
    relations: dict[str, list[str]] = {}
    taken: set[str] = set()
    for document in documents:
        stem = _file_stem(document, taken)
        files.append((f"{stem}.txt", document.text.encode("utf-8")))
        files.append((f"{stem}.ann", _ann(document).encode("utf-8")))
        _relation_roles(document.kept, relations)
    if schema is not None:
        conf = annotation_conf(schema, relations=relations)
        files.append(("annotation.conf", conf.encode("utf-8")))
    if out.suffix == ".zip":
        _write_zip(out, files)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (out / name).write_bytes(data)
    return [out / name for name, _ in files]


def _write_zip(out: Path, files: list[tuple[str, bytes]]) -> None:
    """A zip of files, with fixed timestamps so equal input gives equal bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


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
    covered = _one_line(" ".join(text[start:end] for start, end in fragments))
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
    return f"{_token(entry['type'])} {ids[entry['target']]}\t{_one_line(entry['note'])}"


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


SPEC = FormatSpec(
    name=NAME,
    description="brat standoff: a folder or .zip of .txt + .ann",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".ann",),
    folder=True,
    import_options=(
        Option(
            "skip_unsupported",
            "keep what cannot be represented (brat events, normalisations) in metadata "
            "instead of refusing",
            False,
            flag=True,
        ),
    ),
    export_options=(Option("schema", "The label schema, for annotation.conf.", offered=False),),
)
