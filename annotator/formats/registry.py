"""Every format's `FormatSpec`, in recognition order, and which format a file is in.

Recognition asks each spec's `sniff` in order, most specific first, so a file is never claimed
by a looser format before its own; when none recognises a file (a broken one), its suffix
chooses the reader, which then says what is wrong, by line, instead of "unknown format".
"""

import importlib
from functools import cache
from pathlib import Path

from annotator.formats.folders import files_below
from annotator.formats.options import Option
from annotator.formats.records import FormatError
from annotator.formats.spec import FormatSpec
from annotator.formats.unsupported import refuse_unsupported

# The module of each format, in recognition order; each ends with its SPEC.
FORMAT_MODULES = (
    "annotator.formats.brat",
    "annotator.formats.spacy_docbin",
    "annotator.formats.label_studio",
    "annotator.formats.hf",  # before prodigy: an HF row has the `tokens` a Prodigy task has
    "annotator.formats.prodigy",
    "annotator.formats.doccano",
    "annotator.formats.native",
    "annotator.formats.conll",
    "annotator.formats.table",
    "annotator.formats.html",
    "annotator.formats.text",
)


@cache
def specs() -> tuple[FormatSpec, ...]:
    """Every format, in recognition order."""
    return tuple(importlib.import_module(path).SPEC for path in FORMAT_MODULES)


def names() -> list[str]:
    """The name of every format."""
    return [spec.name for spec in specs()]


def export_names() -> list[str]:
    """The formats that can be written."""
    return [spec.name for spec in specs() if spec.writer is not None]


def spec(name: str) -> FormatSpec:
    """The spec of a format, by its name."""
    for candidate in specs():
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown format '{name}' (one of: {', '.join(names())})")


def import_options() -> list[Option]:
    """Every import option any format declares, once by name (the first declaration's help)."""
    return _unique(option for each in specs() for option in each.import_options)


def export_options() -> list[Option]:
    """Every export option any format declares, once by name."""
    return _unique(option for each in specs() for option in each.export_options)


def formats_taking(option_name: str, *, export: bool = False) -> list[str]:
    """The formats that declare an option, for help texts."""
    return [
        each.name
        for each in specs()
        if option_name in {o.name for o in (each.export_options if export else each.import_options)}
    ]


def import_choices(option_name: str) -> list[str]:
    """Every value any format allows for an import option (each format checks its own)."""
    return sorted(
        {
            choice
            for name in formats_taking(option_name)
            for choice in spec(name).import_option(option_name).choices or ()
        }
    )


def import_defaults(option_name: str) -> dict[str, object]:
    """Each format's default for an import option, by format."""
    return {
        name: spec(name).import_option(option_name).default for name in formats_taking(option_name)
    }


def _unique(options) -> list[Option]:
    """Options with distinct names, first one kept."""
    seen: dict[str, Option] = {}
    for option in options:
        seen.setdefault(option.name, option)
    return list(seen.values())


def detect(path: Path) -> str:
    """The format of path, recognised from its content."""
    refuse_unsupported(path)
    for candidate in specs():
        if _sniffs(candidate, path):
            return candidate.name
    suffix = path.suffix.lower()
    for candidate in specs():
        if suffix in candidate.suffixes:
            return candidate.name
    if suffix == ".zip":  # zips of .txt or .jsonl files are not read: say what is
        raise FormatError(
            str(path),
            "a zip is read only as brat (.txt + .ann) or doccano (.jsonl per annotator); "
            "unpack it and import the folder",
        )
    raise FormatError(
        str(path), f"cannot tell its format; name it with --format (one of: {', '.join(names())})"
    )


def _sniffs(candidate: FormatSpec, path: Path) -> bool:
    """Whether candidate recognises path; JSON nested past Python's recursion limit is not
    recognised (its reader then refuses it by line, not with a RecursionError traceback)."""
    try:
        return candidate.sniff(path)
    except RecursionError:
        return False


def inputs(
    paths: list[str | Path], format_name: str | None, *, skipped: list[str] | None = None
) -> list[tuple[Path, str]]:
    """Each input with its format: a folder is one input for folder formats, else its files
    (links in it to files outside it are passed over, and noted in skipped)."""
    if format_name is not None:
        spec(format_name)  # refuses an unknown name
    found: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.exists():
            raise FormatError(str(path), "no such file or folder")
        if not path.is_dir():
            found.append((path, format_name or detect(path)))
            continue
        folder_format = format_name or _folder_format(path)
        if folder_format is not None and spec(folder_format).folder:
            found.append((path, folder_format))
        else:
            found.extend(_folder_files(path, format_name, skipped))
    return found


def _folder_format(path: Path) -> str | None:
    """The folder format a folder is in, if any."""
    return next((each.name for each in specs() if each.folder and _sniffs(each, path)), None)


def _folder_files(
    folder: Path, format_name: str | None, skipped: list[str] | None = None
) -> list[tuple[Path, str]]:
    """The files below a folder that a format takes, in name order (others are passed over)."""
    candidates = [spec(format_name)] if format_name else [s for s in specs() if not s.folder]
    found = []
    below = files_below(folder, skipped)
    names = [name for name, entry in below if not entry.name.startswith(".")]
    for path in (folder / name for name in sorted(names, key=lambda name: name.split("/"))):
        recognised = next((each.name for each in candidates if _sniffs(each, path)), None)
        if recognised is not None:
            found.append((path, recognised))
    return found
