"""Rebuild the Linux bundle's ICU data library with only the parts Qt uses: 32 MB down to about 9.

Qt's Linux libraries link ICU (libicuuc, libicui18n and libicudata, the data: 32 MB, the largest file
in the bundle). Of that data Qt reads the collation rules (QCollator: the file dialog's sorting), the
locale tree those fall back through, and the core tables (normalisation, properties, converter
aliases). It formats dates, numbers and language names from its own CLDR tables, breaks text with its
own code, reads time zones from the system's tzdata and decodes text with its own codecs, so the
converter tables, break-iterator dictionaries, units, currencies, language and region names,
transliterators, spell-out rules and time-zone names are never read. An item ICU does not find is an
error code it returns, not a crash; the smoke test sorts with QCollator in the frozen app.

The data is ICU's "common data" package (a table of contents, then the items) exported as the symbol
icudtNN_dat; the new library is that package, trimmed, assembled and linked with binutils' as and ld.
"""

from __future__ import annotations

import re
import struct
import subprocess
import tempfile
from pathlib import Path

DROPPED = ("brkitr/", "curr/", "lang/", "rbnf/", "region/", "translit/", "unit/", "zone/")


def trimmed(package: bytes) -> bytes:
    """The common-data package without the DROPPED folders and the converter tables (.cnv)."""
    header = struct.unpack_from("<H", package, 0)[0]
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    count = struct.unpack_from("<I", package, header)[0]
    offsets = [struct.unpack_from("<II", package, header + 4 + 8 * i) for i in range(count)]
    ends = [data for _, data in offsets[1:]] + [len(package) - header]
    items = []
    for (name_at, data_at), end in zip(offsets, ends, strict=True):
        name = package[header + name_at : package.index(b"\0", header + name_at)]
        path = name.decode("ascii").split("/", 1)[1]  # icudt73l/coll/root.res -> coll/root.res
        if not path.startswith(DROPPED) and not path.endswith(".cnv"):
            items.append((name, package[header + data_at : header + end]))
    names_at = 4 + 8 * len(items)
    names = b"".join(name + b"\0" for name, _ in items)
    data_at = (names_at + len(names) + 15) // 16 * 16  # items start 16-byte aligned, as ICU maps them
    table, blob, name_offset = [struct.pack("<I", len(items))], b"", names_at
    for name, data in items:
        table.append(struct.pack("<II", name_offset, data_at + len(blob)))
        name_offset += len(name) + 1
        blob += data + b"\0" * (-len(data) % 16)
    toc = b"".join(table) + names
    return package[:header] + toc + b"\0" * (data_at - len(toc)) + blob


def slim(library: Path) -> tuple[int, int]:
    """Replace `library` (libicudataNN) by a trimmed copy; returns (old size, new size) in bytes."""
    symbols = subprocess.run(["readelf", "-W", "--dyn-syms", "-S", str(library)], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    symbol = re.search(r"([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+\d+\s+(icudt\d+_dat)", symbols)
    section = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", symbols)
    soname = re.search(r"libicudata\.so\.\d+", library.name)
    if not symbol or not section or not soname:
        raise ValueError(f"{library.name}: no ICU data symbol found")
    start = int(symbol[1], 16) - int(section[1], 16) + int(section[2], 16)
    size = int(symbol[2], 0)
    old = library.read_bytes()
    package = trimmed(old[start : start + size])
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        (folder / "data.bin").write_bytes(package)
        name = symbol[3]
        (folder / "data.s").write_text(
            f'.section .rodata\n.globl {name}\n.type {name}, @object\n.balign 16\n{name}:\n.incbin "data.bin"\n'
            f'.size {name}, .-{name}\n.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=folder, check=True)
        subprocess.run(["ld", "-shared", "-soname", soname[0], "-o", "data.so", "data.o"], cwd=folder, check=True)
        new = (folder / "data.so").read_bytes()
    library.write_bytes(new)
    return len(old), len(new)
