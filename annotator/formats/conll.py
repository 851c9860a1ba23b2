"""CoNLL-2003 / IOB files: one token per line with its tag, or one sentence per line.

Reading accepts three layouts, all UTF-8 (a leading BOM is dropped):

- token per line, token and tag separated by tabs or spaces; any middle columns (POS, chunk)
  are ignored and the tag is the last column; a blank line ends a sentence;
- CoNLL-2003: the same, with `-DOCSTART-` lines starting a new document;
- one sentence per line, `word|TAG` or `word|POS|TAG` items separated by spaces.

Tags may be IOB1, IOB2 or BILOU/IOBES (`E-`/`L-`, `S-`/`U-`). In an IOB file an `I-` tag that
does not continue a span of its label starts one (IOB1). A file with any `E-`, `L-`, `S-` or
`U-` tag is read strictly as BILOU/IOBES: every span must open with `B-` and close with
`L-`/`E-`, or be a single `U-`/`S-`; anything else is an error naming the line.

CoNLL keeps tokens, not whitespace. The text of a read document is rebuilt: its tokens joined by
single spaces, its sentences by "\\n"; span offsets are code points on that text. A document
without `-DOCSTART-` is the whole file, and its id is the file name without extension;
otherwise documents are `<stem>-1`, `<stem>-2`... Documents without tokens are skipped.
Documents are read one at a time (`read` returns an iterator), so memory does not grow with
the file; an error in a late document is found when reading gets there.

Writing uses the project's tokenizer, `annotator.text.tokens.tokenize`, with every span
offset as a boundary: a token is a word (letters, digits, marks, joiners) or one other
character (an emoji grapheme counts as one), never whitespace, and every span covers whole
tokens (a span on `Sony` in `SonyCorp` makes the tokens `Sony` and `Corp`). A sentence is a line
of the text; lines that a span crosses are written as one sentence, so the span survives. Each
document starts with `-DOCSTART- -X- -X- O` and a blank line; each sentence is followed by a
blank line; a token line is `token<TAB>TAG`. Ids, titles and whitespace are not kept (reading
numbers the documents again); a document without tokens is an empty `-DOCSTART-` block, which
reading skips. Labels must not be empty or contain whitespace.

One layer is written at a time (`layer`, default "entity"; a span without a layer counts as
"entity"). Tags cannot express two overlapping spans: `conflicts()` lists every overlapping
pair, `overlap="fail"` refuses to write them, `overlap="longest"` keeps the longest span of each
overlapping group (ties: earliest start, then label) and `dropped()` lists what it left out
(both in `annotator.formats.overlaps`). A discontinuous span is written as its covering range
[start, end). Documents are written as they come, into a temporary file that replaces `out`
only when all were written: a refused export (e.g. overlaps with overlap="fail", all of them
listed) leaves nothing behind.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

from annotator.formats import conll_parsing
from annotator.formats.conll_writing import document_text
from annotator.formats.file_text import SNIFF_BYTES
from annotator.formats.file_text import head_text
from annotator.formats.file_text import physical_lines
from annotator.formats.options import Option
from annotator.formats.output import atomic_file
from annotator.formats.overlaps import DEFAULT_LAYER
from annotator.formats.overlaps import LAYER_OPTION
from annotator.formats.overlaps import OVERLAP_OPTION
from annotator.formats.overlaps import check_overlap_option
from annotator.formats.overlaps import document_conflicts
from annotator.formats.overlaps import document_name
from annotator.formats.overlaps import overlap_reason
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec
from annotator.formats.tagging import take_options

NAME = "conll"
SCHEMES = ("iob2", "bilou")

_SNIFF_LINES = 20


def sniff(path: Path) -> bool:
    """Whether the file looks like CoNLL/IOB: most of its first lines are tagged tokens."""
    text = head_text(path)
    if text is None or text.lstrip()[:1] in ("{", "["):
        return False
    lines = physical_lines(text)
    if Path(path).stat().st_size > SNIFF_BYTES:
        lines = lines[:-1]  # may be cut short
    lines = [line for line in lines if line.strip(" \t")][:_SNIFF_LINES]
    starts = sum(1 for line in lines if _is_docstart(line))
    layout = _layout(lines)
    tokens = sum(1 for line in lines if not _is_docstart(line) and _line_ok(line, layout))
    return tokens > 0 and (tokens + starts) * 5 >= len(lines) * 4


def _is_docstart(line: str) -> bool:
    """Whether the line is a CoNLL-2003 document start."""
    return conll_parsing.COLUMNS.split(line.strip(" \t"))[0] == "-DOCSTART-"


def _layout(lines: list[str]) -> str:
    """ "sentence" if the first token line is `word|TAG` items, else "token"."""
    for line in lines:
        if not _is_docstart(line):
            items = conll_parsing.COLUMNS.split(line.strip(" \t"))
            sentence = all(map(conll_parsing.is_sentence_item, items))
            return "sentence" if "\t" not in line and sentence else "token"
    return "token"


def _line_ok(line: str, layout: str) -> bool:
    """Whether a non-blank line parses in the layout."""
    try:
        if layout == "sentence":
            for item in conll_parsing.COLUMNS.split(line.strip(" \t")):
                conll_parsing.sentence_item(Path("?"), 0, item)
        else:
            conll_parsing.token_item(Path("?"), 0, line)
    except FormatError:
        return False
    return True


def read(path: Path, **options) -> Iterator[DocumentRecord]:
    """The documents of a CoNLL/IOB file, one at a time (see the module docstring)."""
    if options:
        raise TypeError(f"unknown option(s): {', '.join(sorted(options))}")
    return conll_parsing.documents(Path(path))


def write(documents: Iterable[DocumentRecord], out: Path, **options) -> list[Path]:
    """Write one layer of the documents as CoNLL-2003 with IOB2 or BILOU tags; [out].

    Options: layer="entity", scheme="iob2"|"bilou", overlap="longest"|"fail"."""
    defaults = {"layer": DEFAULT_LAYER, "scheme": "iob2", "overlap": "longest"}
    layer, scheme, overlap = take_options(options, defaults).values()
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    check_overlap_option(overlap)
    out = Path(out)
    conflicts = []
    with atomic_file(out) as stream:
        for index, document in enumerate(documents):
            name = document_name(document, index)
            if overlap == "fail":
                conflicts.extend(document_conflicts(document, name, layer))
            if not conflicts:
                stream.write(document_text(out, name, document, layer, scheme))
        if conflicts:  # all of them listed; the temporary file is removed
            raise FormatError(str(out), overlap_reason(conflicts, layer))
    return [out]


SPEC = FormatSpec(
    name=NAME,
    contiguous_only=True,
    description="CoNLL-2003 / IOB1 / IOB2 / BILOU, one layer",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".conll", ".iob"),
    export_options=(
        LAYER_OPTION,
        Option("scheme", "The tagging scheme.", "iob2", ("iob2", "bilou")),
        OVERLAP_OPTION,
    ),
)
