"""Google Contacts CSV ("Export → Google CSV"), in both of Google's layouts, told apart by the header.

Current: `First Name,Middle Name,Last Name,…,Organization Name,Organization Title,…,Birthday,Notes,
…,Labels,E-mail 1 - Label,E-mail 1 - Value,…,Phone 1 - Value,…,Website 1 - Value,…`.
Older: `Name,Given Name,Additional Name,Family Name,…,Birthday,…,Notes,…,Group Membership,
E-mail 1 - Type,E-mail 1 - Value,…,Organization 1 - Name,Organization 1 - Title,…`.
Several values share a cell joined by ` ::: `; a birthday without a year is `--03-07`. Labels
become `labels`, less Google's own `* myContacts` (every contact has it); `* starred` is `starred`.
Addresses, relations, events and custom fields are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers.files import ExportFile, csv_rows
from relationjournal.core.importers.records import ImportedPerson, Kind, Record, Relation, Skipped
from relationjournal.core.importers.text import clean, one_line, parse_birthday, profile_handle, short_hash
from relationjournal.core.vocabulary import Platform

SEPARATOR = " ::: "
_SYSTEM_LABELS = {"* mycontacts", "* my contacts", "* other contacts"}


def split(cell: str) -> list[str]:
    return [value for value in (one_line(part) for part in cell.split(SEPARATOR)) if value]


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    for file in files:
        yield from contacts(file)


def contacts(file: ExportFile) -> Iterator[Record]:
    header: dict[str, int] | None = None
    numbered: dict[str, list[tuple[int, int | None]]] = {}
    seen: dict[str, int] = {}
    for line, row in csv_rows(file):
        if header is None:
            header = {cell.strip().lower(): index for index, cell in enumerate(row)}
            if not ({"first name", "last name"} <= header.keys() or {"given name", "family name"} <= header.keys()):
                raise InvalidInput(f"{file.name}: line 1: not a Google Contacts header (no First Name, Last Name).")
            numbered = _numbered(header)
            continue
        if not any(cell.strip() for cell in row):
            continue

        where = f"{file.name}:{line}"
        first = one_line(_get(row, header, "first name", "given name"))
        middle = one_line(_get(row, header, "middle name", "additional name"))
        last = one_line(_get(row, header, "last name", "family name"))
        emails = tuple(dict.fromkeys(value for value, _ in _values(row, numbered, "e-mail")))
        phones = tuple(dict.fromkeys(value for value, _ in _values(row, numbered, "phone")))
        organisation = one_line(_get(row, header, "organization name", "organization 1 - name"))
        name = one_line(_get(row, header, "name")) or " ".join(part for part in (first, middle, last) if part)
        name = name or one_line(_get(row, header, "nickname", "file as"))
        name_is_real = bool(name)
        name = name or organisation or (emails[0] if emails else "") or (phones[0] if phones else "")
        if not name:
            yield Skipped("contact", where, "no name, e-mail address or phone number")
            continue
        handles: list[tuple[Platform, str]] = []
        urls: list[str] = []
        for url, label in _values(row, numbered, "website"):
            handle = profile_handle(url, label)
            if handle is not None:
                handles.append(handle)
            else:
                urls.append(url)
        labels = [
            label.removeprefix("* ")
            for label in split(_get(row, header, "labels", "group membership"))
            if label.lower() not in _SYSTEM_LABELS
        ]
        key = "google:hash:" + short_hash(name, emails[0] if emails else "", phones[0] if phones else "")
        seen[key] = seen.get(key, 0) + 1
        yield ImportedPerson(
            source_key=key + (f"#{seen[key]}" if seen[key] > 1 else ""),
            kind=Kind.google,
            relation=Relation.contact,
            name=name,
            where=where,
            name_is_real=name_is_real,
            first_name=first,
            last_name=last,
            organisation=organisation,
            role=one_line(_get(row, header, "organization title", "organization 1 - title")),
            emails=emails,
            phones=phones,
            handles=tuple(dict.fromkeys(handles)),
            urls=tuple(dict.fromkeys(urls)),
            birthday=parse_birthday(_get(row, header, "birthday")),
            notes=clean(_get(row, header, "notes")),
            labels=tuple(dict.fromkeys(labels)),
        )


def _get(row: list[str], header: dict[str, int], *names: str) -> str:
    """The first of the named columns that is not empty in `row`."""
    for name in names:
        index = header.get(name)
        if index is not None and index < len(row) and row[index].strip():
            return row[index]
    return ""


def _values(row: list[str], numbered: dict[str, list[tuple[int, int | None]]], kind: str) -> list[tuple[str, str]]:
    """(value, label) of every `E-mail 1 - Value`, `E-mail 2 - Value`… cell, split at ` ::: `."""
    found: list[tuple[str, str]] = []
    for value_index, label_index in numbered.get(kind, []):
        cell = row[value_index] if value_index < len(row) else ""
        label = row[label_index] if label_index is not None and label_index < len(row) else ""
        found.extend((value, one_line(label)) for value in split(cell))
    return found


_NUMBERED = re.compile(r"^(e-mail|phone|website) (\d+) - value$")


def _numbered(header: dict[str, int]) -> dict[str, list[tuple[int, int | None]]]:
    """For each kind (e-mail, phone, website): the (value column, label column) pairs, in order."""
    found: dict[str, list[tuple[int, int, int | None]]] = {}
    for name, index in header.items():
        match = _NUMBERED.match(name)
        if match:
            kind, number = match.group(1), int(match.group(2))
            label = header.get(f"{kind} {number} - label", header.get(f"{kind} {number} - type"))
            found.setdefault(kind, []).append((number, index, label))
    return {kind: [(index, label) for _, index, label in sorted(pairs)] for kind, pairs in found.items()}
