"""Facebook's "Download your information" export, JSON format: friends, followers, followings.

`your_friends.json` is `{"friends_v2": [{"name", "timestamp"}]}`, `people_who_followed_you.json`
`{"followers_v3": [...]}` (`followers_v2` in older exports), `who_you've_followed.json`
`{"following_v3": [...]}`; entries are `{"name", "timestamp"}` or Meta's newer
`{"title", "string_list_data": [{"value", "href", "timestamp"}]}`. Meta writes text as UTF-8
bytes escaped one by one ("ZoÃ«" for "Zoë"): it is repaired.

Facebook gives no account id: a person's key is their profile address where the entry has one,
else their name, so that a friend who also follows you is one person (two friends of exactly the
same name in one list get keys `…#2`, `…#3` in list order).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers.files import ExportFile, Part, load_json
from relationjournal.core.importers.records import ImportedPerson, Kind, Record, Relation, Skipped
from relationjournal.core.importers.text import fix_mojibake, one_line, profile_handle, short_hash, utc_day

_LISTS = {
    Part.facebook_friends: (Relation.friend, ("friends_v2", "friends")),
    Part.facebook_followers: (Relation.follower, ("followers_v3", "followers_v2", "followers")),
    Part.facebook_following: (Relation.following, ("following_v3", "following_v2", "following")),
}


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    for file in files:
        relation, keys = _LISTS[file.part]
        content = load_json(file)
        entries = next((content[key] for key in keys if isinstance(content, dict) and key in content), None)
        if not isinstance(entries, list):
            raise InvalidInput(f"{file.name}: no list of people in it; is it the file as Facebook made it?")
        seen: dict[str, int] = {}
        for number, entry in enumerate(entries, start=1):
            yield _person(entry, relation, f"{file.name}: entry {number}", seen)


def _person(entry: Any, relation: Relation, where: str, seen: dict[str, int]) -> Record:
    if not isinstance(entry, dict):
        return Skipped(relation.value, where, "not a person")
    items = entry.get("string_list_data")
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    name = one_line(fix_mojibake(str(entry.get("name") or item.get("value") or entry.get("title") or "")))
    if not name:
        return Skipped(relation.value, where, "no name")
    handle = profile_handle(str(item.get("href") or ""))
    if handle is not None:
        key = f"facebook:url:{handle[1]}"
    else:
        key = f"facebook:name:{short_hash(name)}"
        seen[key] = seen.get(key, 0) + 1
        key += f"#{seen[key]}" if seen[key] > 1 else ""
    return ImportedPerson(
        source_key=key,
        kind=Kind.facebook,
        relation=relation,
        name=name,
        where=where,
        handles=(handle,) if handle is not None else (),
        connected_on=utc_day(entry.get("timestamp", item.get("timestamp"))),
    )
