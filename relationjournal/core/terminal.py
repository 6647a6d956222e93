"""Text between the command line and a terminal: what it prints, and private text it reads.

Printing: a name imported from a CSV file can hold terminal escapes (`ESC ] 52` writes the
clipboard, `ESC [ 2J` clears the screen, `ESC ] 8` hides a link behind other text). Every
character a terminal may act on is shown instead as an escape (`\\x1b`, `\\x9b`, `\\u202e`): C0
controls but newline and tab, DEL, C1 controls, and the bidi overrides and isolates that reorder
what is shown. `SafeOutput` wraps the CLI's stdout and stderr, so this happens in one place.
JSON output keeps every value exactly: `json_safe` writes those characters as JSON escapes.

Reading: private text (a summary, a note) given on the command line is readable by every user
in the process list and stays in the shell's history, so every free-text option takes `-` for
standard input, and a text left out on a terminal is asked for: typed at the terminal, or written
in $VISUAL/$EDITOR on a private temporary file (0600, in a private folder, removed afterwards).
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from relationjournal.core.errors import InvalidInput

BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
UNSAFE = (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *BIDI_CONTROLS)  # all but \t and \n
_VISIBLE = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in UNSAFE}
_JSON = {code: f"\\u{code:04x}" for code in UNSAFE}
EOF_KEY = "Ctrl+Z then Enter" if sys.platform == "win32" else "Ctrl+D"


def visible(text: str) -> str:
    """`text` with every character a terminal could act on shown as an escape instead."""
    return text.translate(_VISIBLE)


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps`) with those characters as JSON escapes: the same values, read back."""
    return text.translate(_JSON)


class SafeOutput(io.TextIOBase):
    """A text stream that writes through `visible`: the CLI's stdout and stderr."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    # typeshed declares these two as writable attributes; on io.TextIOBase they are read-only properties.
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._stream.errors


# Reading private text ------------------------------------------------------------------------------
def read_stdin(what: str) -> str:
    """All of standard input (asked for with a prompt on a terminal), without its final line break."""
    if sys.stdin.isatty():
        return read_typed(what)
    try:
        text = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what}: standard input is not UTF-8 text.") from None
    return _without_final_newline(text)


def read_typed(what: str) -> str:
    """Text typed at the terminal until end of input."""
    print(f"Type {what}, end with {EOF_KEY}:", file=sys.stderr, flush=True)
    return _without_final_newline(sys.stdin.read())


def ask(what: str, filename: str = "text.md") -> str:
    """`what`, asked for on a terminal: in $VISUAL or $EDITOR if one is set, else typed."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    return edit(editor, what, filename) if editor else read_typed(what)


def edit(editor: str, what: str, filename: str = "text.md") -> str:
    """Open `editor` on an empty private file and return what was saved in it.

    The file is plain text on disk while the editor runs: it is made 0600 in a new 0700 folder
    (in XDG_RUNTIME_DIR, memory on most Linux systems, when there is one), and the folder with
    anything the editor left beside it (swap and backup files) is removed afterwards.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = Path(tempfile.mkdtemp(prefix="relationjournal-", dir=runtime if os.path.isdir(runtime) else None))
    try:
        path = folder / filename
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        print(f"Opening {editor} for {what} (a plain-text file, deleted when you close the editor)...", file=sys.stderr)
        try:
            status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
        except OSError as error:
            raise InvalidInput(f"Cannot start the editor {editor!r} ($VISUAL/$EDITOR): {error.strerror}.") from None
        if status != 0:
            raise InvalidInput(f"The editor {editor!r} exited with status {status}; nothing was saved.")
        try:
            return _without_final_newline(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise InvalidInput(f"{what}: the editor saved text that is not UTF-8.") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _without_final_newline(text: str) -> str:
    return text.removesuffix("\n").removesuffix("\r")
