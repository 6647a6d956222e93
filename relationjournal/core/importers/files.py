"""Reading the files of an export safely: streamed, bounded, in the right encoding.

A file may be on disk or a member of the .zip as downloaded (never extracted: read from the zip,
with every byte counted against the size the zip declared). Text is decoded by what its first
bytes show (a BOM, UTF-16 without one, UTF-8, else Windows-1252), CSV is read row by row, and a
JSON array is read one entry at a time, so a 100 MB export is never in memory whole. Every
problem becomes one `InvalidInput` line naming the file and the line or entry.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from relationjournal.core.errors import InvalidInput

CSV_FIELD_LIMIT = 16 * 1024 * 1024  # Python's default is 128 KB, which a long LinkedIn message can pass
MAX_JSON_BYTES = 64 * 1024 * 1024  # a JSON file read whole (Meta's wrapped lists); arrays are streamed
SNIFF_BYTES = 64 * 1024  # how much of a file decides its encoding
_CHUNK = 256 * 1024


class Part(enum.StrEnum):
    """What one file of an export holds."""

    linkedin_connections = "linkedin_connections"
    linkedin_messages = "linkedin_messages"
    x_account = "x_account"
    x_follower = "x_follower"
    x_following = "x_following"
    x_messages = "x_messages"
    x_group_messages = "x_group_messages"
    instagram_followers = "instagram_followers"
    instagram_following = "instagram_following"
    facebook_friends = "facebook_friends"
    facebook_followers = "facebook_followers"
    facebook_following = "facebook_following"
    google_contacts = "google_contacts"
    vcard = "vcard"


@dataclass(frozen=True)
class ExportFile:
    """One file to read: `name` is how messages name it (its path inside the export)."""

    name: str
    part: Part
    opener: Callable[[], IO[bytes]]

    def open(self) -> IO[bytes]:
        return self.opener()


class ZipMemberReader(io.RawIOBase):
    """A zip member's bytes, refused past its declared size or `limit` (a zip bomb lies about
    sizes), and with a damaged member's errors turned into one clear line."""

    def __init__(self, stream: IO[bytes], name: str, limit: int) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._stream.read(min(len(view), self._left + 1))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise InvalidInput(f"{self._name}: the zip is damaged here; download the export again.") from error
        if len(data) > self._left:
            raise InvalidInput(f"{self._name}: unpacks to more than the zip says or than is sane; refused.")
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def sniff_encoding(head: bytes) -> str:
    """The encoding of a text file from its first bytes: a BOM, UTF-16 by its zero bytes, UTF-8
    when the bytes are valid UTF-8, else Windows-1252 (old Excel and Outlook CSV files), or
    Latin-1 when even that does not fit."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3 and error.reason == "unexpected end of data":
            return "utf-8"  # a character cut at the end of the sample
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


@contextmanager
def open_text(file: ExportFile, errors: str = "strict") -> Iterator[io.TextIOWrapper]:
    """The file as text, decoded by `sniff_encoding`, newlines untranslated (as csv wants).

    `errors="surrogateescape"` lets the caller find the line with a byte that does not decode
    (the decoder reads ahead, so its own error would name a line too early)."""
    raw = io.BufferedReader(_as_raw(file.open()), buffer_size=SNIFF_BYTES)
    try:
        encoding = sniff_encoding(raw.peek(SNIFF_BYTES)[:SNIFF_BYTES])
        with io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="") as text:
            yield text
    finally:
        raw.close()


def _as_raw(stream: IO[bytes]) -> io.RawIOBase:
    if isinstance(stream, io.RawIOBase):
        return stream
    return _Raw(stream)


class _Raw(io.RawIOBase):
    """A file object seen as a raw stream, so that it can be buffered with a known buffer size."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def first_char(file: ExportFile) -> str:
    """The first character of a file that is not white space ("" if none in its first bytes)."""
    with file.open() as stream:
        head = stream.read(SNIFF_BYTES)
    return head.decode(sniff_encoding(head), errors="replace").lstrip("\ufeff \t\r\n")[:1]


def not_utf8(name: str, where: str = "") -> InvalidInput:
    at = f"{name}, {where}" if where else name
    return InvalidInput(f"{at}: the text is not in the encoding it started in; save it as UTF-8 and try again.")


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that did not decode, kept by "surrogateescape"


def csv_rows(file: ExportFile) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on, one at a time (a field may span lines)."""
    line = 1
    # csv's limit is one setting for the whole process: raised while this file is read, then put back
    # (the journal's own CSV import counts on it, as anything else reading CSV in this process may).
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    with open_text(file, errors="surrogateescape") as text:
        reader = csv.reader(text, strict=False)
        try:
            for row in reader:
                joined = "".join(row)
                if not joined.isascii() and _UNDECODED.search(joined):
                    raise not_utf8(file.name, f"line {line}")
                yield line, row
                line = reader.line_num + 1
        except csv.Error as error:
            if "field limit" in str(error):
                raise InvalidInput(
                    f"{file.name}, line {line}: a field is longer than {CSV_FIELD_LIMIT // (1024 * 1024)} MB; "
                    "this is not an export as the platform makes it."
                ) from None
            raise InvalidInput(f"{file.name}, line {line}: not a readable CSV file ({error}).") from None
        except UnicodeError:  # UTF-16 with half a character at the end
            raise not_utf8(file.name, f"line {line}") from None
        finally:
            csv.field_size_limit(previous)


def load_json(file: ExportFile) -> Any:
    """A whole JSON file (Meta's lists wrapped in an object), up to `MAX_JSON_BYTES`."""
    with open_text(file) as text:
        try:
            content = text.read(MAX_JSON_BYTES + 1)
        except UnicodeDecodeError:
            raise not_utf8(file.name) from None
    if len(content) > MAX_JSON_BYTES:
        raise InvalidInput(f"{file.name}: larger than {MAX_JSON_BYTES // (1024 * 1024)} MB; refused.")
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise _bad_json(file.name, error, content, f"line {error.lineno}") from None


def _bad_json(name: str, error: json.JSONDecodeError, content: str, where: str) -> InvalidInput:
    if error.msg.startswith("Unterminated") or not content[error.pos :].strip():
        return InvalidInput(f"{name}, {where}: the file ends too early (cut off); download the export again.")
    return InvalidInput(f"{name}, {where}: not valid JSON; is this the file as the platform made it?")


def json_array(file: ExportFile, *, after_equals: bool = False) -> Iterator[tuple[int, Any]]:
    """The entries of a top-level JSON array, one at a time, numbered from 1.

    `after_equals`: X's `.js` files, where the array follows `window.YTD.name.part0 =`.
    Only the entry being read and one chunk are in memory.
    """
    decoder = json.JSONDecoder()
    with open_text(file) as text:
        buffer, pos, eof = "", 0, False

        def more(at_least: int = _CHUNK) -> bool:
            nonlocal buffer, pos, eof
            if eof:
                return False
            try:
                chunk = text.read(max(_CHUNK, at_least))
            except UnicodeDecodeError:
                raise not_utf8(file.name) from None
            buffer, pos = buffer[pos:] + chunk, 0
            eof = not chunk
            return bool(chunk)

        def skip_space() -> str:
            nonlocal pos
            while True:
                while pos < len(buffer) and buffer[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buffer):
                    return buffer[pos]
                if not more():
                    return ""

        more()
        if after_equals:
            while "=" not in buffer[pos:] and len(buffer) < SNIFF_BYTES and more():
                pass
            equals = buffer.find("=", pos)
            if equals < 0:
                raise InvalidInput(f"{file.name}: not an X archive file (no `window.YTD… =` at its start).")
            pos = equals + 1
        if skip_space() != "[":
            raise InvalidInput(f"{file.name}: not the list this file should hold; is it the file as exported?")
        pos += 1
        index = 0
        while True:
            char = skip_space()
            if char == "]":
                return
            if index and char == ",":
                pos += 1
                char = skip_space()
            if char == "":
                raise InvalidInput(
                    f"{file.name}, entry {index + 1}: the file ends too early (cut off); download the export again."
                )
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, pos)
                except json.JSONDecodeError as error:
                    if more(len(buffer) * 2):  # the entry goes on past the buffer: read more (doubling)
                        continue
                    raise _bad_json(file.name, error, buffer, f"entry {index + 1}") from None
                if end == len(buffer) and more(len(buffer)):
                    continue  # a number or name may go on in the next chunk
                break
            pos = end
            index += 1
            yield index, value
