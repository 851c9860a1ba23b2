"""The members of an uploaded zip that an import may read, within the limits of
`annotator.formats.limits`.

A zip's header says how large each member unpacks, and `zipfile` never hands out more than
that (a member that lies fails its CRC), so the limits are checked on the headers before a byte
is unpacked: a 611 KB brat zip holding 600 MiB of text was read whole. Members whose names
climb out of the archive (`../x.txt`, `/etc/x.txt`) or that are symbolic links are skipped and
named, never read.
"""

import stat
import zipfile
from pathlib import PurePosixPath

from annotator.formats.limits import ZIP_MEMBER_BYTES
from annotator.formats.limits import ZIP_MEMBERS
from annotator.formats.limits import ZIP_RATIO
from annotator.formats.limits import ZIP_TOTAL_BYTES
from annotator.formats.records import FormatError
from annotator.text.brief import brief


def safe_members(archive: zipfile.ZipFile, name: str) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """(the files of the archive an import may read, notes on the members it skipped);
    FormatError naming the archive, the member and the limit when one is exceeded."""
    infos = archive.infolist()
    if len(infos) > ZIP_MEMBERS.value():
        raise FormatError(
            name, f"the zip has {len(infos)} members, over the limit of {ZIP_MEMBERS.describe()}"
        )
    members, skipped, total = [], [], 0
    for info in infos:
        if info.is_dir():
            continue
        reason = _unsafe(info)
        if reason:
            skipped.append(f"{name}: skipped member {brief(info.filename)}: {reason}")
            continue
        _check_size(info, name)
        total += info.file_size
        if total > ZIP_TOTAL_BYTES.value():
            raise FormatError(
                name,
                f"the zip unpacks to more than the limit of {ZIP_TOTAL_BYTES.describe()} "
                f"(at member {brief(info.filename)})",
            )
        members.append(info)
    return members, skipped


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be read: a path out of the archive, or a symbolic link."""
    path = info.filename.replace("\\", "/")
    if (
        path.startswith("/")
        or (len(path) > 1 and path[1] == ":")
        or ".." in PurePosixPath(path).parts
    ):
        return "its path leads out of the archive"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a symbolic link"
    return None


def _check_size(info: zipfile.ZipInfo, name: str) -> None:
    """FormatError when one member unpacks too large, or too many times its packed size."""
    member = brief(info.filename)
    if info.file_size > ZIP_MEMBER_BYTES.value():
        raise FormatError(
            name,
            f"member {member} unpacks to {info.file_size} bytes, over the limit of "
            f"{ZIP_MEMBER_BYTES.describe()}",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 2**20 and ratio > ZIP_RATIO.value():
        raise FormatError(
            name,
            f"member {member} unpacks to {ratio:.0f} times its packed size, over the limit of "
            f"{ZIP_RATIO.describe()}",
        )
