"""A brat `.ann` file read into a document: T-lines as spans (their offsets checked against
the text, under the counting that fits), R/A/M/# lines kept, others refused or kept (see
`annotator.formats.brat`)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError

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


def read_ann(document: DocumentRecord, raw: str, source: str, skip: bool) -> None:
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
    if t_line.text in (expected, one_line(expected)):
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


def one_line(text: str) -> str:
    """text with each CR and LF as a space, as the T-line of a span across lines has it."""
    return text.replace("\r", " ").replace("\n", " ")


def _drop_bom(text: str) -> str:
    """text without a leading byte-order mark."""
    return text.removeprefix(BOM)
