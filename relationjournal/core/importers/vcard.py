"""vCard files (.vcf) from Apple Contacts, Google, Outlook and phones: 2.1, 3.0 and 4.0, many cards a file.

Each card is parsed by vobject (a well-kept parser: folded lines, escapes, quoted-printable, the
structured N and ORG). Around it, this module:

- splits the file into cards itself, so a file is streamed card by card and one bad card is
  skipped (with its card number and line) instead of failing the file;
- decodes each line by itself: UTF-8, else the line's own `CHARSET=` (old phones write Latin-1
  next to UTF-8), else Windows-1252; UTF-16 files (with a BOM) are decoded whole;
- drops PHOTO, LOGO, SOUND and KEY lines (not imported, and often most of the file);
- reads BDAY without a year (`--0307`, `--03-07`, Apple's `1604-03-07`), Apple's grouped
  `item1.URL` + `item1.X-ABLabel` (the label says which platform a profile address is),
  `X-SOCIALPROFILE` (type and x-user) and `IMPP` (kept as `other` handles, e.g. `skype:ada`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import vobject

from relationjournal.core.importers.files import ExportFile, open_text, sniff_encoding
from relationjournal.core.importers.records import ImportedPerson, Kind, Record, Relation, Skipped
from relationjournal.core.importers.text import clean, one_line, parse_birthday, profile_handle, short_hash
from relationjournal.core.vocabulary import Platform

MAX_LINE_BYTES = 1024 * 1024
MAX_CARD_CHARS = 4 * 1024 * 1024  # a card without its photo is a few KB
_DROPPED = re.compile(r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_CHARSET = re.compile(rb";\s*CHARSET=\"?([\w.:-]+)", re.IGNORECASE)
_SOCIAL = {
    "twitter": Platform.x,
    "x": Platform.x,
    "linkedin": Platform.linkedin,
    "facebook": Platform.facebook,
    "instagram": Platform.instagram,
}


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    for file in files:
        seen: dict[str, int] = {}
        for number, start, lines in _cards(file):
            where = f"{file.name}: card {number} (line {start})"
            if lines is None:
                yield Skipped("contact", where, "the card is too large")
                continue
            try:
                card = vobject.readOne("\r\n".join(lines) + "\r\n", allowQP=True)
            except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad input; its messages quote the card
                line = getattr(error, "lineNumber", None)
                at = f" at line {start + line - 1}" if isinstance(line, int) else ""
                yield Skipped("contact", where, f"the card cannot be read{at}")
                continue
            yield _person(card, where, seen)


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    charset = _CHARSET.search(line.split(b":", 1)[0])
    if charset:
        try:
            return line.decode(charset.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return line.decode("cp1252", errors="replace")


def _lines(file: ExportFile) -> Iterator[str]:
    """The file's physical lines, without line ends, each decoded as well as it can be."""
    with file.open() as stream:
        head = stream.read(64)
    if sniff_encoding(head).startswith("utf-16"):
        with open_text(file) as text:
            for line in iter(lambda: text.readline(MAX_LINE_BYTES), ""):
                yield line.rstrip("\r\n")
        return
    with file.open() as stream:
        first = True
        for raw in iter(lambda: stream.readline(MAX_LINE_BYTES), b""):
            if first:
                raw, first = raw.removeprefix(b"\xef\xbb\xbf"), False
            yield _decode(raw.rstrip(b"\r\n"))


def _cards(file: ExportFile) -> Iterator[tuple[int, int, list[str] | None]]:
    """(card number, first line, its lines or None if too large), without photos and the like."""
    card: list[str] | None = None
    size, number, start, dropping = 0, 0, 0, False
    continues: tuple[bool, bool] = (False, False)  # (the value goes on in the next line by QP, it is a list)
    for line_number, line in enumerate(_lines(file), start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if card is not None:  # a card inside a card (2.1's AGENT): the outer one ends here
                yield number, start, card + ["END:VCARD"] if size <= MAX_CARD_CHARS else None
            card, size, start, dropping, continues = [line.strip()], 0, line_number, False, (False, False)
            number += 1
            continue
        if card is None:
            continue  # text between cards
        if upper == "END:VCARD":
            card.append("END:VCARD")
            yield number, start, card if size <= MAX_CARD_CHARS else None
            card = None
            continue
        if dropping and (not line.strip() or line[:1] in (" ", "\t")):
            continue  # the photo's data goes on (folded, or 2.1's base64 block)
        dropping = bool(_DROPPED.match(line))
        if dropping:
            continue
        line, continues = _escape_commas(line, continues)
        size += len(line)
        if size <= MAX_CARD_CHARS:
            card.append(line)
    if card is not None:
        yield number, start, card + ["END:VCARD"] if size <= MAX_CARD_CHARS else None  # the file ends in a card


_LISTS = frozenset({"CATEGORIES", "NICKNAME"})  # the properties whose commas separate values
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
_VALUE_START = re.compile(r'^[^:"]*(?:"[^"]*"[^:"]*)*:')


def _escape_commas(line: str, continues: tuple[bool, bool]) -> tuple[str, tuple[bool, bool]]:
    """Escape the commas in a text value, which vCard 2.1 (and many 3.0 writers) leave bare and
    vobject takes as the end of the value ("Rear Admiral, Retd." would lose ", Retd.").

    `continues` says whether this physical line goes on the previous one's value (quoted-
    printable soft line break) and whether that value is a list; returns the same for the next.
    """
    qp_going_on, is_list = continues
    if qp_going_on or line[:1] in (" ", "\t"):
        value, head = line, ""
    else:
        match = _VALUE_START.match(line)
        if not match:
            return line, (False, False)
        head, value = line[: match.end()], line[match.end() :]
        name = re.split(r"[;:]", head, maxsplit=1)[0].split(".")[-1].upper()
        is_list = name in _LISTS
        qp_going_on = "QUOTED-PRINTABLE" in head.upper()
    if not is_list:
        value = _UNESCAPED_COMMA.sub(r"\\,", value)
    return head + value, (qp_going_on and value.endswith("="), is_list)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(item) for item in value if _text(item))
    return one_line(value) if isinstance(value, str) else ""


def _person(card: Any, where: str, seen: dict[str, int]) -> Record:
    children = list(card.getChildren())  # a generator, whatever the stubs say
    labels: dict[str, str] = {
        child.group.lower(): _text(child.value) for child in children if child.group and child.name == "X-ABLABEL"
    }

    def values(name: str) -> list[Any]:
        return [child for child in children if child.name == name]

    first = last = ""
    for child in values("N"):
        first, last = _text(getattr(child.value, "given", "")), _text(getattr(child.value, "family", ""))
    name = next((_text(child.value) for child in values("FN") if _text(child.value)), "")
    name = name or " ".join(part for part in (first, last) if part)
    organisation = next((_text(child.value[:1] if isinstance(child.value, list) else child.value)
                         for child in values("ORG")), "")  # fmt: skip
    emails = tuple(dict.fromkeys(_text(child.value) for child in values("EMAIL") if _text(child.value)))
    phones = tuple(
        dict.fromkeys(_text(child.value).removeprefix("tel:") for child in values("TEL") if _text(child.value))
    )
    name_is_real = bool(name)
    name = name or organisation or (emails[0] if emails else "") or (phones[0] if phones else "")
    if not name:
        return Skipped("contact", where, "no name, e-mail address or phone number")

    handles: list[tuple[Platform, str]] = []
    urls: list[str] = []
    for child in values("URL"):
        url = _text(child.value)
        handle = profile_handle(url, labels.get((child.group or "").lower(), ""))
        if handle is not None:
            handles.append(handle)
        elif url:
            urls.append(url)
    for child in values("X-SOCIALPROFILE"):
        handle = _social(child)
        if handle is not None:
            handles.append(handle)
    for child in values("IMPP"):
        address = _text(child.value)
        if address:
            handles.append((Platform.other, address))

    birthday = next((parse_birthday(_text(child.value)) for child in values("BDAY")), None)
    notes = "\n\n".join(clean(child.value) for child in values("NOTE") if clean(child.value))
    categories = [item for child in values("CATEGORIES") for item in _list(child.value)]
    uid = next((_text(child.value) for child in values("UID") if _text(child.value)), "")
    if uid:
        key = f"vcard:uid:{uid}"
    else:
        key = "vcard:hash:" + short_hash(name, emails[0] if emails else "", phones[0] if phones else "")
        seen[key] = seen.get(key, 0) + 1
        key += f"#{seen[key]}" if seen[key] > 1 else ""
    return ImportedPerson(
        source_key=key,
        kind=Kind.vcard,
        relation=Relation.contact,
        name=name,
        where=where,
        name_is_real=name_is_real,
        first_name=first,
        last_name=last,
        organisation=organisation,
        role=next((_text(child.value) for child in values("TITLE") if _text(child.value)), ""),
        emails=emails,
        phones=phones,
        handles=tuple(dict.fromkeys(handles)),
        urls=tuple(dict.fromkeys(urls)),
        birthday=birthday,
        notes=notes,
        labels=tuple(dict.fromkeys(categories)),
    )


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [text for text in (_text(item) for item in items) if text]


def _social(child: Any) -> tuple[Platform, str] | None:
    """X-SOCIALPROFILE;type=twitter;x-user=ada:http://twitter.com/ada, as a handle."""
    params = {key.upper(): [str(v) for v in value] for key, value in child.params.items()}
    kind = next((v.lower() for v in params.get("TYPE", []) if v.lower() in _SOCIAL), "")
    user = next(iter(params.get("X-USER", [])), "").strip().removeprefix("@")
    url = _text(child.value)
    from_url = profile_handle(url)
    if from_url is not None:
        return from_url
    platform = _SOCIAL.get(kind)
    if platform in (Platform.x, Platform.instagram) and user:
        return platform, f"@{user}"
    if platform is not None and url.startswith(("http://", "https://")):
        return platform, url
    return None
