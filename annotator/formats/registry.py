"""Which format a file is in, and the module that reads (and writes) it.

Every format module has `NAME`, `sniff(path) -> bool` and `read(path, **options)`; most have
`write(documents, out, **options)`. Recognition asks each module in SNIFF_ORDER, most specific
first, so a file is never claimed by a looser format before its own.
"""

import importlib
from pathlib import Path
from types import ModuleType

from annotator.formats.records import FormatError

MODULES = {
    "jsonl": "annotator.formats.native",
    "prodigy": "annotator.formats.prodigy",
    "doccano": "annotator.formats.doccano",
    "label-studio": "annotator.formats.label_studio",
    "brat": "annotator.formats.brat",
    "conll": "annotator.formats.conll",
    "spacy": "annotator.formats.spacy_docbin",
    "hf": "annotator.formats.hf",
    "csv": "annotator.formats.table",
    "html": "annotator.formats.html",
    "text": "annotator.formats.text",
}
SNIFF_ORDER = (
    "brat",
    "spacy",
    "label-studio",
    "prodigy",
    "doccano",
    "hf",
    "jsonl",
    "conll",
    "csv",
    "html",
    "text",
)
# When no format recognises a file's content (a broken file), its suffix chooses the reader,
# which then says what is wrong, by line, instead of "unknown format".
SUFFIX_FORMATS = {
    ".jsonl": "jsonl",
    ".txt": "text",
    ".csv": "csv",
    ".tsv": "csv",
    ".conll": "conll",
    ".iob": "conll",
    ".spacy": "spacy",
    ".html": "html",
    ".htm": "html",
    ".ann": "brat",
}
# Formats whose unit is a folder (or a zip of one) rather than a file.
FOLDER_FORMATS = ("brat", "doccano")  # doccano: one <annotator>.jsonl per annotator


def module(name: str) -> ModuleType:
    """The module of a format, by its name."""
    if name not in MODULES:
        raise ValueError(f"unknown format '{name}' (one of: {', '.join(MODULES)})")
    return importlib.import_module(MODULES[name])


def detect(path: Path) -> str:
    """The format of path, recognised from its content."""
    for name in SNIFF_ORDER:
        if module(name).sniff(path):
            return name
    if path.suffix.lower() in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[path.suffix.lower()]
    raise FormatError(
        str(path), f"cannot tell its format; name it with --format (one of: {', '.join(MODULES)})"
    )


def inputs(paths: list[str | Path], format_name: str | None) -> list[tuple[Path, str]]:
    """Each input with its format: a folder is one input for folder formats, else its files."""
    found: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.exists():
            raise FormatError(str(path), "no such file or folder")
        if not path.is_dir():
            found.append((path, format_name or detect(path)))
            continue
        folder_format = format_name or _folder_format(path)
        if folder_format in FOLDER_FORMATS:
            found.append((path, folder_format))
        else:
            found.extend(_folder_files(path, format_name))
    return found


def _folder_format(path: Path) -> str | None:
    """The folder format a folder is in, if any."""
    return next((name for name in FOLDER_FORMATS if module(name).sniff(path)), None)


def _folder_files(folder: Path, format_name: str | None) -> list[tuple[Path, str]]:
    """The files below a folder that a format takes, in name order (others are passed over)."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if format_name is not None:
            if module(format_name).sniff(path):
                found.append((path, format_name))
            continue
        name = next(
            (n for n in SNIFF_ORDER if n not in FOLDER_FORMATS and module(n).sniff(path)), None
        )
        if name is not None:
            found.append((path, name))
    return found
