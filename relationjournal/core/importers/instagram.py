"""Instagram's "Download your information" export, JSON format: who follows you and whom you follow.

`connections/followers_and_following/followers_1.json` (and `_2`, … when split) is a bare list of
`{"title", "media_list_data", "string_list_data": [{"href", "value", "timestamp"}]}`;
`following.json` is the same entries wrapped in `{"relationships_following": [...]}`. Since 2025
the user name may be missing from `value` and `href` be `…instagram.com/_u/<name>`: the name is
then taken from the address. Instagram gives user names only, so each person is named by their
user name, with `name_is_real` False.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers.files import ExportFile, Part, first_char, json_array, load_json
from relationjournal.core.importers.records import ImportedPerson, Kind, Record, Relation, Skipped
from relationjournal.core.importers.text import fix_mojibake, instagram_user, one_line, utc_day
from relationjournal.core.vocabulary import Platform

_WRAPPERS = ("relationships_following", "relationships_followers")


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    for file in files:
        relation = Relation.follower if file.part is Part.instagram_followers else Relation.following
        for number, entry in _entries(file):
            yield _person(entry, relation, f"{file.name}: entry {number}")


def _entries(file: ExportFile) -> Iterator[tuple[int, Any]]:
    """The entries of a bare list (streamed) or of a list wrapped in an object (small files)."""
    if first_char(file) == "[":
        yield from json_array(file)
        return
    content = load_json(file)
    entries = next((content[key] for key in _WRAPPERS if isinstance(content, dict) and key in content), None)
    if not isinstance(entries, list):
        raise InvalidInput(f"{file.name}: no list of accounts in it; is it the file as Instagram made it?")
    yield from enumerate(entries, start=1)


def _person(entry: Any, relation: Relation, where: str) -> Record:
    if not isinstance(entry, dict):
        return Skipped(relation.value, where, "not an Instagram account")
    items = entry.get("string_list_data")
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    user = (
        one_line(fix_mojibake(item.get("value") or ""), 100)
        or instagram_user(str(item.get("href") or ""))
        or one_line(fix_mojibake(entry.get("title") or ""), 100)
    ).removeprefix("@")
    if not user or "/" in user or " " in user:
        return Skipped(relation.value, where, "no user name")
    return ImportedPerson(
        source_key=f"instagram:user:{user.lower()}",
        kind=Kind.instagram,
        relation=relation,
        name=user,
        where=where,
        name_is_real=False,
        handles=((Platform.instagram, f"@{user}"),),
        connected_on=utc_day(item.get("timestamp")),
    )
