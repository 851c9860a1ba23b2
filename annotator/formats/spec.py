"""`FormatSpec`: everything the rest of the program knows about one interchange format.

Import, export, format recognition, the CLI's choices and the web pages read these; each
format module ends with its `SPEC`, and `annotator.formats.registry` lists them.
"""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.formats.options import Option
from annotator.formats.options import applicable_options
from annotator.formats.options import checked_options
from annotator.formats.records import DocumentRecord

Reader = Callable[..., Iterable[DocumentRecord]]
Writer = Callable[..., list[Path]]


@dataclass(frozen=True)
class FormatSpec:
    """One format: its name, what it reads and writes, and the options it takes."""

    name: str  # what --format and the web pages call it
    description: str  # one line, for the CLI's help and the web pages
    sniff: Callable[[Path], bool]  # recognises the format from content (cheaply: a head)
    reader: Reader  # reader(path, **import options) -> documents, one at a time
    writer: Writer | None = None  # writer(documents, out, **export options) -> files written
    # A file no format recognises goes to the first format (in recognition order) that names
    # its suffix here, so its reader can say what is wrong, by line.
    suffixes: tuple[str, ...] = ()
    folder: bool = False  # its unit is a folder (or a zip of one), not a file
    writes_folder: bool = False  # export writes a folder (or a zip of one), not a file
    raw_text: bool = False  # texts without annotations: boilerplate may be cut out
    contiguous_only: bool = False  # holds no discontinuous span: export writes its fragments
    import_options: tuple[Option, ...] = ()
    export_options: tuple[Option, ...] = ()

    def read(self, path: str | Path, **options) -> Iterator[DocumentRecord]:
        """The documents of path, one at a time; the options are checked before reading."""
        checked = checked_options(self.name, self.import_options, options)
        return iter(self.reader(Path(path), **checked))

    def write(self, documents: Iterable[DocumentRecord], out: str | Path, **options) -> list[Path]:
        """Write documents to out with the options checked; return the files written."""
        if self.writer is None:
            raise ValueError(f"{self.name} is an import format; it cannot be written")
        checked = checked_options(self.name, self.export_options, options)
        return self.writer(documents, Path(out), **checked)

    def import_option(self, name: str) -> Option:
        """The import option called name."""
        return next(option for option in self.import_options if option.name == name)

    def export_option(self, name: str) -> Option:
        """The export option called name."""
        return next(option for option in self.export_options if option.name == name)

    def read_with(self, path: str | Path, choices: dict) -> Iterator[DocumentRecord]:
        """Read path with those of an import's choices that this format takes."""
        return self.read(path, **applicable_options(self.import_options, choices))
