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

import codecs
import zipfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from pathlib import PurePosixPath

from annotator.formats.brat_ann import BOM
from annotator.formats.brat_ann import read_ann
from annotator.formats.brat_writer import write
from annotator.formats.folders import files_below
from annotator.formats.options import Option
from annotator.formats.records import DocumentRecord
from annotator.formats.records import FormatError
from annotator.formats.records import decode_utf8
from annotator.formats.spec import FormatSpec
from annotator.formats.zip_members import safe_members

NAME = "brat"


def sniff(path: Path) -> bool:
    """Whether path is a folder holding .ann files, a .zip holding them, or one .ann file."""
    path = Path(path)
    if path.is_dir():
        return any(name.endswith(".ann") and _wanted(name) for name, _ in files_below(path))
    if path.suffix == ".ann":
        return path.is_file()
    if path.suffix != ".zip" or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(".ann") and _wanted(n) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def read(path: Path, *, skip_unsupported: bool = False) -> Iterator[DocumentRecord]:
    """Every document under path (a folder, recursing; a .zip; or one .ann), in name order,
    one at a time."""
    path = Path(path)
    skip = skip_unsupported
    if path.is_dir():
        skipped: list[str] = []
        names = [name for name, _ in files_below(path, skipped) if _wanted(name)]
        documents = _read_all(
            names, lambda n: (path / n).read_bytes(), lambda n: str(path / n), skip
        )
        yield from _noted(documents, skipped, str(path))
    elif path.suffix == ".zip":
        yield from _read_zip(path, skip)
    elif path.suffix == ".ann" and path.is_file():
        folder = path.parent
        names = [p.name for p in (path, path.with_suffix(".txt")) if p.is_file()]
        yield from _read_all(
            names, lambda n: (folder / n).read_bytes(), lambda n: str(folder / n), skip
        )
    else:
        raise FormatError(str(path), "not a brat folder, .zip or .ann file")


def _read_zip(path: Path, skip: bool) -> Iterator[DocumentRecord]:
    """Read the members of a zip archive, without extracting them, within the zip limits;
    the members skipped (paths out of the archive, links) are noted on the first document."""
    try:
        with zipfile.ZipFile(path) as archive:
            members, skipped = safe_members(archive, str(path))
            names = [member.filename for member in members]
            documents = _read_all(names, archive.read, lambda n: str(path / n), skip)
            yield from _noted(documents, skipped, str(path))
    except zipfile.BadZipFile as err:
        raise FormatError(str(path), f"not a readable zip file ({err})") from err


def _noted(
    documents: Iterator[DocumentRecord], skipped: list[str], name: str
) -> Iterator[DocumentRecord]:
    """The documents, the first carrying the notes on what was skipped (for the report);
    FormatError when everything was skipped, so the skips are said and not a silent 0."""
    for document in documents:
        document.notes.extend(skipped)
        skipped = []
        yield document
    if skipped:
        raise FormatError(name, "; ".join(skipped))


def _wanted(name: str) -> bool:
    """A .ann or .txt worth reading: not hidden, not macOS resource-fork debris."""
    hidden = any(part.startswith((".", "__MACOSX")) for part in PurePosixPath(name).parts)
    return name.endswith((".ann", ".txt")) and not hidden


def _read_all(
    names: Iterable[str], load: Callable[[str], bytes], where: Callable[[str], str], skip: bool
) -> Iterator[DocumentRecord]:
    """Pair each X.ann with its X.txt (a lone X.txt has no annotations), in name order."""
    present = {name for name in names if _wanted(name)}
    for stem in sorted({name[:-4] for name in present}):
        yield _read_pair(stem, present, load, where, skip)


def _read_pair(
    stem: str, present: set[str], load: Callable, where: Callable, skip: bool
) -> DocumentRecord:
    """The document of stem.txt with the annotations of stem.ann, if there is one."""
    ann, txt = stem + ".ann", stem + ".txt"
    if txt not in present:
        raise FormatError(where(ann), f"no text file: {PurePosixPath(txt).name} is missing")
    data = load(txt)
    text = decode_utf8(data, where(txt))
    document = DocumentRecord(text=text, id=PurePosixPath(stem).name, where=where(txt))
    if ann in present:
        document.where = where(ann)
        # brat counts a BOM as a character: the offsets may need it
        raw = BOM + text if data.startswith(codecs.BOM_UTF8) else text
        read_ann(document, raw, decode_utf8(load(ann), where(ann)), skip)
    return document


SPEC = FormatSpec(
    name=NAME,
    description="brat standoff: a folder or .zip of .txt + .ann",
    sniff=sniff,
    reader=read,
    writer=write,
    suffixes=(".ann",),
    folder=True,
    writes_folder=True,
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
