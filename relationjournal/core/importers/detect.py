"""What an export is: the .zip as downloaded, its unpacked folder, or one file, recognised by content.

`open_source(path)` looks at the first bytes of each file (X's `window.YTD.` prefix, `BEGIN:VCARD`,
the top-level key of Meta's JSON, the header row of a CSV file, after LinkedIn's `Notes:` preamble),
so a renamed file is still recognised, and returns the files to read, by kind.

A zip is never unpacked to disk: its members are read from it as streams. It is refused whole,
with one line, when it is encrypted or damaged, has a member whose name would land outside its
folder (`../`, an absolute path) or is a symbolic link, has more than `MAX_MEMBERS` members, or
declares more than `MAX_TOTAL_BYTES`, or a member to read of more than `MAX_MEMBER_BYTES`; and a
member that unpacks to more than it declared is stopped at that size (a zip bomb lies).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers.files import SNIFF_BYTES, ExportFile, Part, ZipMemberReader, sniff_encoding
from relationjournal.core.importers.records import Kind

MAX_MEMBERS = 100_000  # an Instagram export with its photos has some thousands
MAX_TOTAL_BYTES = 32 * 1024**3  # declared, all members together (photos and videos included, never read)
MAX_MEMBER_BYTES = 2 * 1024**3  # one member that is read (a messages.csv of 100 MB is large)
MAX_FILES = MAX_MEMBERS  # files looked at in a folder

PART_KIND: dict[Part, Kind] = {
    Part.linkedin_connections: Kind.linkedin,
    Part.linkedin_messages: Kind.linkedin,
    Part.x_account: Kind.x,
    Part.x_follower: Kind.x,
    Part.x_following: Kind.x,
    Part.x_messages: Kind.x,
    Part.x_group_messages: Kind.x,
    Part.instagram_followers: Kind.instagram,
    Part.instagram_following: Kind.instagram,
    Part.facebook_friends: Kind.facebook,
    Part.facebook_followers: Kind.facebook,
    Part.facebook_following: Kind.facebook,
    Part.google_contacts: Kind.google,
    Part.vcard: Kind.vcard,
}

# Never exports: media and documents that Meta, X and LinkedIn put beside the data (not read at all).
_NOT_DATA = frozenset(
    ".jpg .jpeg .png .gif .webp .heic .bmp .tif .tiff .mp4 .mov .m4a .mp3 .aac .ogg .opus .wav .webm .pdf "
    ".zip .gz .7z .ico .svg .woff .woff2 .ttf .srt .vtt .html .htm .css .db .sqlite".split()
)

_X_PARTS = {
    "follower": Part.x_follower,
    "following": Part.x_following,
    "direct_messages": Part.x_messages,
    "direct_message": Part.x_messages,
    "direct_messages_group": Part.x_group_messages,
    "direct_message_group": Part.x_group_messages,
    "account": Part.x_account,
}
_META_KEYS = {
    "relationships_following": Part.instagram_following,
    "relationships_followers": Part.instagram_followers,
    "friends_v2": Part.facebook_friends,
    "friends": Part.facebook_friends,
    "followers_v3": Part.facebook_followers,
    "followers_v2": Part.facebook_followers,
    "following_v3": Part.facebook_following,
    "following_v2": Part.facebook_following,
}
_YTD = re.compile(r"window\.YTD\.(\w+)\.part\d+\s*=")
_FIRST_KEY = re.compile(r'\{\s*"([^"]{1,80})"\s*:')


def sniff(name: str, head: bytes) -> Part | None:
    """Which part of which export a file is, from its first bytes (`name` only settles an empty
    Instagram followers list, which says nothing else)."""
    text = head.decode(sniff_encoding(head), errors="replace").lstrip("\ufeff \t\r\n")
    ytd = _YTD.match(text)
    if ytd:
        return _X_PARTS.get(ytd.group(1))
    if text[:11].upper() == "BEGIN:VCARD":
        return Part.vcard
    if text.startswith("{"):
        key = _FIRST_KEY.match(text)
        return _META_KEYS.get(key.group(1)) if key else None
    if text.startswith("["):
        meta_list = '"string_list_data"' in text or re.match(r"\[\s*\]", text)
        if meta_list and ("instagram.com" in text or "followers" in PurePosixPath(name).name.lower()):
            return Part.instagram_followers
        return None
    return _sniff_csv(text)


def _sniff_csv(text: str) -> Part | None:
    rows = csv.reader(io.StringIO(text[:16384]), strict=False)
    try:
        for number, row in enumerate(rows):
            if number >= 8:
                break
            cells = {cell.strip().lower() for cell in row}
            if {"conversation id", "from", "content"} <= cells:
                return Part.linkedin_messages
            if {"first name", "last name"} <= cells and cells & {"middle name", "e-mail 1 - value", "labels"}:
                return Part.google_contacts
            if {"given name", "family name"} <= cells or "group membership" in cells:
                return Part.google_contacts
            if {"first name", "last name"} <= cells and cells & {"company", "connected on", "email address", "url"}:
                return Part.linkedin_connections
    except csv.Error:
        return None
    return None


@dataclass
class Source:
    """An opened export: the files to read, by kind. Close it (or use `with`) to close the zip."""

    path: Path
    files: tuple[ExportFile, ...]
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        found = {PART_KIND[file.part] for file in self.files}
        return tuple(kind for kind in Kind if kind in found)

    def files_of(self, kind: Kind) -> tuple[ExportFile, ...]:
        return tuple(file for file in self.files if PART_KIND[file.part] is kind)

    def only(self, kind: Kind) -> Source:
        """The same export, with only the files of `kind` (`--from`); refused if it has none."""
        files = self.files_of(kind)
        if not files:
            raise InvalidInput(f"{self.path.name}: no {kind.value} export in it.")
        return Source(self.path, files, self._zip)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_source(path: Path | str) -> Source:
    """The export at `path` (a .zip, a folder or one file) and the files in it to read.

    Raises InvalidInput, one line, if it cannot be read or holds nothing this journal imports.
    """
    path = Path(path)
    if path.is_dir():
        files = list(_folder_files(path))
        source = Source(path, tuple(files))
    elif path.is_file():
        if _looks_like_zip(path):
            return _zip_source(path)
        part = _sniff_path(path, path.name)
        source = Source(path, (_disk_file(path, path.name, part),) if part else ())
    elif path.exists():
        raise InvalidInput(f"{path.name}: not a file or folder that can be read.")
    else:
        raise InvalidInput(f"{path}: no such file or folder.")
    if not source.files:
        raise _nothing_found(path, has_html=path.is_dir() and _has_html(path))
    return source


def _nothing_found(path: Path, *, has_html: bool = False) -> InvalidInput:
    if has_html:
        return InvalidInput(
            f"{path.name}: this export is in HTML; request it again in JSON format (Download your information)."
        )
    return InvalidInput(
        f"{path.name}: not an export this journal can read (LinkedIn, X, Instagram, Facebook, Google Contacts CSV "
        "or vCard)."
    )


def _has_html(folder: Path) -> bool:
    names = ("your_friends.html", "followers_1.html", "following.html", "people_who_followed_you.html")
    return any(True for name in names for _ in folder.rglob(name))


def _sort_key(name: str) -> list[object]:
    """Natural order, so followers_2.json comes before followers_10.json."""
    return [int(piece) if piece.isdigit() else piece.lower() for piece in re.split(r"(\d+)", name)]


def _skipped_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (
        pure.suffix.lower() in _NOT_DATA
        or pure.name.startswith(".")
        or any(part in ("__MACOSX", ".git") for part in pure.parts)
    )


def _folder_files(folder: Path) -> Iterator[ExportFile]:
    seen = 0
    found: list[ExportFile] = []
    for root, dirs, names in os.walk(folder):  # symbolic links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in names:
            path = Path(root, name)
            relative = path.relative_to(folder).as_posix()
            if _skipped_name(relative) or path.is_symlink() or not path.is_file():
                continue
            seen += 1
            if seen > MAX_FILES:
                raise InvalidInput(f"{folder.name}: more than {MAX_FILES:,} files; choose the export's own folder.")
            part = _sniff_path(path, relative)
            if part is not None:
                found.append(_disk_file(path, relative, part))
    yield from sorted(found, key=lambda file: _sort_key(file.name))


def _sniff_path(path: Path, name: str) -> Part | None:
    try:
        with path.open("rb") as stream:
            return sniff(name, stream.read(SNIFF_BYTES))
    except OSError as error:
        raise InvalidInput(f"{name}: cannot be read ({error.strerror or 'error'}).") from None


def _disk_file(path: Path, name: str, part: Part) -> ExportFile:
    def opener() -> IO[bytes]:
        try:
            return path.open("rb")
        except OSError as error:
            raise InvalidInput(f"{name}: cannot be read ({error.strerror or 'error'}).") from None

    return ExportFile(name, part, opener)


def _looks_like_zip(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    with path.open("rb") as stream:
        return stream.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def _zip_source(path: Path) -> Source:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InvalidInput(
            f"{path.name}: not a readable zip (damaged, or not completely downloaded); download the export again."
        ) from None
    try:
        files = tuple(_zip_files(path, archive))
    except BaseException:
        archive.close()
        raise
    if not files:
        archive.close()
        raise _nothing_found(path)
    return Source(path, files, archive)


def _zip_files(path: Path, archive: zipfile.ZipFile) -> Iterator[ExportFile]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InvalidInput(f"{path.name}: has more than {MAX_MEMBERS:,} files; refused (not an export as made).")
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        raise InvalidInput(f"{path.name}: would unpack to more than {MAX_TOTAL_BYTES // 1024**3} GB; refused.")
    for info in members:
        if info.flag_bits & 0x1:
            raise InvalidInput(
                f"{path.name}: is password-protected (encrypted); unpack it with its password and import the folder."
            )
        _check_member_name(path, info)
    found: list[ExportFile] = []
    for info in members:
        if info.is_dir() or _skipped_name(info.filename) or info.file_size == 0:
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            raise InvalidInput(
                f"{path.name}: {info.filename} would unpack to more than {MAX_MEMBER_BYTES // 1024**3} GB; refused."
            )
        file = _zip_file(archive, info, Part.vcard)  # the part is settled below, from the content
        with file.open() as stream:
            part = sniff(info.filename, stream.read(SNIFF_BYTES))
        if part is not None:
            found.append(_zip_file(archive, info, part))
    yield from sorted(found, key=lambda file: _sort_key(file.name))


def _check_member_name(path: Path, info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    escapes = name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/")
    if escapes:
        raise InvalidInput(f"{path.name}: a file in it would land outside its folder ({name!r}); refused.")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise InvalidInput(f"{path.name}: holds a symbolic link ({name!r}); refused (exports have none).")


def _zip_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, part: Part) -> ExportFile:
    def opener() -> IO[bytes]:
        try:
            member = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            raise InvalidInput(f"{info.filename}: cannot be read from the zip ({type(error).__name__}).") from None
        return io.BufferedReader(ZipMemberReader(member, info.filename, min(info.file_size, MAX_MEMBER_BYTES)))

    return ExportFile(info.filename, part, opener)
