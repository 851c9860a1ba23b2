"""Writing an export so that a failure leaves nothing half-written.

A writer streams into a temporary file (or folder) beside its target; only when everything was
written does the temporary output replace the target. Any error removes it, so the target is
either the complete new output or whatever was there before.

Temporary files and folders are created private (0600 / 0700, `tempfile`'s modes); what is
moved into place gets the modes a plain `open()` or `mkdir()` would have given it under the
process's umask (0644 / 0755 with the usual 022), so every format's export is readable alike.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

PREFIX = ".export-"


def _umask() -> int:
    """The process's umask: read from /proc on Linux (setting it to read it races threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode open(path, "w") gives a new file."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """The mode mkdir() gives a new folder."""
    return 0o777 & ~_umask()


def _staging_dir(parent: Path) -> Path:
    """A new temporary folder in parent, with the mode a plain folder would have."""
    temp = Path(tempfile.mkdtemp(dir=parent, prefix=PREFIX))
    os.chmod(temp, folder_mode())
    return temp


@contextmanager
def atomic_file(out: Path, mode: str = "w") -> Iterator[IO]:
    """An open temporary file beside out ("w": UTF-8 text, newlines untouched; "wb": bytes)
    that replaces out when the block ends without an error."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=out.parent, prefix=PREFIX, suffix=".tmp")
    try:
        os.fchmod(handle, file_mode())
        text = "b" not in mode
        with os.fdopen(
            handle, mode, **({"encoding": "utf-8", "newline": ""} if text else {})
        ) as stream:
            yield stream
        os.replace(temp_name, out)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside out whose files, when the block ends without an error, move
    into out (created if missing; files of the same name are replaced, others left alone)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = _staging_dir(out.parent)
    try:
        yield temp
        if not out.exists():
            os.replace(temp, out)
            return
        for path in sorted(temp.rglob("*")):
            target = out / path.relative_to(temp)
            if path.is_dir():
                target.mkdir(exist_ok=True)
            else:
                os.replace(path, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside out for output that is moved into place with replace_path;
    removed at the end with whatever is still in it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = _staging_dir(out.parent)
    try:
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def replace_path(new: Path, out: Path) -> None:
    """Put new (a file or a folder) at out, replacing the file or folder there: a file in one
    atomic rename; a folder by moving the old one aside first, then removing it."""
    new, out = Path(new), Path(out)
    if out.is_dir() and not out.is_symlink():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=PREFIX))
        os.replace(out, old / out.name)
        os.replace(new, out)
        shutil.rmtree(old, ignore_errors=True)
        return
    if new.is_dir() and out.exists():
        out.unlink()
    os.replace(new, out)
