"""Reading other platforms' exports (core/importers): every format as downloaded, its quirks,
recognition by content, and hostile or broken input as one clear line.

The fixtures under tests/data/imports/ are small anonymised exports shaped as the platforms make
them; zips (the download as it comes, and hostile ones) are built here from them.
"""

from __future__ import annotations

import shutil
import struct
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers import (
    ImportedMessage,
    ImportedOwner,
    ImportedPerson,
    Kind,
    MonthDay,
    Record,
    Relation,
    Skipped,
    detect,
    open_source,
    read,
)
from relationjournal.core.importers.text import fix_mojibake, html_to_text, normalise_url
from relationjournal.core.vocabulary import Channel, Platform

DATA = Path(__file__).parent / "data" / "imports"
MESSAGES_HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n"
)


def records(path: Path | str) -> list[Record]:
    with open_source(path) as source:
        return list(read(source))


def people(found: list[Record]) -> list[ImportedPerson]:
    return [record for record in found if isinstance(record, ImportedPerson)]


def messages(found: list[Record]) -> list[ImportedMessage]:
    return [record for record in found if isinstance(record, ImportedMessage)]


def skipped(found: list[Record]) -> list[Skipped]:
    return [record for record in found if isinstance(record, Skipped)]


def by_name(found: list[Record]) -> dict[str, ImportedPerson]:
    return {person.name: person for person in people(found)}


def refusal(path: Path) -> str:
    """The one line a bad input gets: an InvalidInput (no other exception), on one line."""
    with pytest.raises(InvalidInput) as caught:
        records(path)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


# ---------------------------------------------------------------- LinkedIn


def test_linkedin_connections_are_read_past_the_notes_preamble() -> None:
    found = records(DATA / "linkedin" / "Connections.csv")
    named = by_name(found)
    assert sorted(named) == ["Ada Lovelace", "Grace Hopper", "Zoë Müller"]  # a plain CSV reader finds none
    zoe = named["Zoë Müller"]
    assert (zoe.first_name, zoe.last_name, zoe.organisation, zoe.role) == (
        "Zoë",
        "Müller",
        "Müller & Söhne, GmbH",
        "Partnerin",
    )
    assert zoe.emails == ("zoe.mueller@example.org",)
    assert zoe.connected_on == date(2023, 1, 2)
    assert zoe.relation is Relation.connection
    # The profile address is the key: no trailing slash, no query, lower-case host.
    assert zoe.source_key == "linkedin:url:https://www.linkedin.com/in/zoe-mueller"
    assert named["Grace Hopper"].handles == ((Platform.linkedin, "https://www.linkedin.com/in/grace-hopper-1906"),)
    assert named["Ada Lovelace"].connected_on == date(2024, 3, 15)
    [nameless] = skipped(found)
    assert nameless.where == "Connections.csv:7" and "no name" in nameless.reason


def test_an_older_linkedin_export_without_url_position_or_date() -> None:
    found = records(DATA / "linkedin-2019")
    named = by_name(found)
    assert named["Ada Lovelace"].emails == ("ada@example.org",)
    assert named["Ada Lovelace"].connected_on is None and named["Ada Lovelace"].handles == ()
    assert named["Linus"].organisation == "Kernel Org"
    assert named["Ada Lovelace"].source_key.startswith("linkedin:name:")
    # One conversation between two people: either could be the owner, so it is a guess to confirm.
    owner = next(record for record in found if isinstance(record, ImportedOwner))
    assert owner.name == "Sam Owner" and not owner.certain


def test_linkedin_messages_with_their_quirks() -> None:
    found = records(DATA / "linkedin")
    owner = found[0]
    assert isinstance(owner, ImportedOwner)  # before any message
    assert owner.name == "Sam Owner" and owner.certain
    assert owner.key == "linkedin:url:https://www.linkedin.com/in/sam-owner"

    sent = messages(found)
    first = sent[0]
    assert first.text == "Thanks for the intro!\nSee you at the conference."  # content over two lines
    assert first.when == datetime(2023, 6, 11, 15, 33, 58, tzinfo=UTC)
    assert first.channel is Channel.linkedin and first.owner_is_sender is False
    assert first.sender.name == "Ada Lovelace"

    html = sent[1]
    assert html.owner_is_sender is True and html.subject == "Introduction"
    assert html.text == "Hi Ada,\n\nmeet Grace & co. here"  # HTML made text: paragraphs, no tags, no link
    assert "<" not in html.text and "javascript" not in html.text

    group_in, group_out = sent[2], sent[3]
    assert group_in.title == "Project group"
    zoe = "linkedin:url:https://www.linkedin.com/in/zoe-mueller"
    # Several recipient addresses in one cell, separated by ";" in one row and "," in the other.
    assert [p.key for p in group_in.recipients] == ["linkedin:url:https://www.linkedin.com/in/sam-owner", zoe]
    assert [p.name for p in group_out.recipients] == ["Grace Hopper", "Zoë Müller"]
    assert group_out.text == "Friday works. 3 < 4, and a bold plan"
    assert group_in.conversation_key == group_out.conversation_key != first.conversation_key

    reasons = {(s.where, s.reason) for s in skipped(found)}
    assert ("messages.csv:7", "a draft, never sent") in reasons
    assert ("messages.csv:9", "its date cannot be read") in reasons
    assert sent[-1].text == "(an attachment)"
    assert len({message.source_key for message in sent}) == len(sent)


def test_source_keys_are_the_same_in_a_new_download(tmp_path: Path) -> None:
    """A re-download (another zip, another folder name) gives the same keys: re-import is idempotent."""
    first = records(DATA / "linkedin")
    copy = shutil.copytree(DATA / "linkedin", tmp_path / "Basic_LinkedInDataExport_06-11-2024")
    again = records(zip_folder(copy, tmp_path / "Basic_LinkedInDataExport_06-11-2024.zip"))
    keys = [getattr(record, "source_key", None) for record in first]
    assert keys == [getattr(record, "source_key", None) for record in again]


# ---------------------------------------------------------------- X


def test_x_archive() -> None:
    found = records(DATA / "x")
    owner = found[0]
    assert isinstance(owner, ImportedOwner)
    assert (owner.name, owner.handle, owner.account_id, owner.certain) == ("Sam Owner", "@sam_owner", "1000", True)

    followers = [p for p in people(found) if p.relation is Relation.follower]
    following = [p for p in people(found) if p.relation is Relation.following]
    assert [p.account_id for p in followers] == ["2001", "2002"]
    assert [p.account_id for p in following] == ["2002", "2003"]
    known_by_id = followers[0]
    assert known_by_id.name == "X account 2001" and not known_by_id.name_is_real
    assert known_by_id.urls == ("https://x.com/i/user/2001",)
    assert known_by_id.source_key == "x:id:2001"
    assert any(s.reason == "no account id" for s in skipped(found))

    sent = {message.source_key: message for message in messages(found)}
    tea = sent["x:dm:1600000000000000002"]
    assert tea.text == "Tea & cake on Monday?" and tea.owner_is_sender is False
    assert tea.when == datetime(2023, 3, 2, 9, 15, tzinfo=UTC) and tea.channel is Channel.x
    assert sent["x:dm:1600000000000000001"].owner_is_sender is True
    group = sent["x:dm:1700000000000000010"]
    assert {p.key for p in group.recipients} == {"x:id:1000", "x:id:2003"}  # from the join event
    assert any("empty" in s.reason for s in skipped(found))


# ---------------------------------------------------------------- Instagram and Facebook


def test_instagram_followers_in_parts_and_following_wrapped() -> None:
    found = records(DATA / "instagram")
    followers = [p.name for p in people(found) if p.relation is Relation.follower]
    assert followers == ["ada.lovelace", "zoe_mueller", "grace.hopper"]  # _1 then _2
    following = {p.name: p for p in people(found) if p.relation is Relation.following}
    # 2025: no value, the address is instagram.com/_u/<name>: the name comes from it.
    assert following["grace.hopper"].handles == ((Platform.instagram, "@grace.hopper"),)
    assert following["openbakery"].source_key == "instagram:user:openbakery"
    assert following["openbakery"].connected_on == date(2023, 7, 22)
    assert not following["openbakery"].name_is_real
    assert [s.reason for s in skipped(found)] == ["no user name"]


def test_facebook_names_are_repaired_and_one_person_is_one_key() -> None:
    found = records(DATA / "facebook")
    friends = [p for p in people(found) if p.relation is Relation.friend]
    assert [p.name for p in friends][:2] == ["Zoë Müller", "Renée Dupont"]  # not "ZoÃ« MÃ¼ller"
    assert friends[0].connected_on == date(2020, 9, 13)
    follower = next(p for p in people(found) if p.relation is Relation.follower and p.name == "Zoë Müller")
    assert follower.source_key == friends[0].source_key  # a friend who follows you is one person
    twins = [p.source_key for p in friends if p.name == "Sam Taylor"]
    assert len(set(twins)) == 2  # two friends of one name stay two
    assert [p.name for p in people(found) if p.relation is Relation.following] == ["Open Source Weekly"]
    assert [s.reason for s in skipped(found)] == ["no name"]


def test_older_facebook_followers_v2(tmp_path: Path) -> None:
    path = tmp_path / "people_who_followed_you.json"
    path.write_text('{"followers_v2": [{"name": "Pat Doe", "timestamp": 1650000000}]}', encoding="utf-8")
    assert [(p.name, p.relation) for p in people(records(path))] == [("Pat Doe", Relation.follower)]


def test_mojibake_is_repaired_only_when_it_round_trips() -> None:
    assert fix_mojibake("ZoÃ« MÃ¼ller") == "Zoë Müller"
    assert fix_mojibake("Zoë Müller") == "Zoë Müller"  # already right: left alone
    assert fix_mojibake("Ãlvaro") == "Ãlvaro"  # not UTF-8 once encoded: left alone
    assert fix_mojibake("李") == "李"


# ---------------------------------------------------------------- Google Contacts and vCard


def test_google_contacts_current_layout() -> None:
    found = records(DATA / "google")
    named = by_name(found)
    ada = named["Ada King Lovelace"]
    assert (ada.organisation, ada.role) == ("Analytical Engines Ltd", "Head of Research")
    assert ada.emails == ("ada@example.org", "ada.lovelace@example.net")  # " ::: " in one cell
    assert ada.phones == ("+44 20 7946 0000", "+44 20 7946 0001")
    assert ada.birthday == MonthDay(12, 10)  # --12-10: no year
    assert ada.labels == ("Clients",)  # "* myContacts" is every contact's
    assert ada.notes == "Met at the Babbage lecture.\nPrefers tea."
    assert ada.handles == ((Platform.linkedin, "https://www.linkedin.com/in/ada-lovelace-0815"),)
    assert ada.urls == ("https://ada.example",)
    zoe = named["Zoë Müller"]
    assert zoe.birthday == date(1985, 3, 7) and zoe.labels == ("starred", "Friends")
    assert zoe.handles == ((Platform.x, "@zoe_m"),)
    bakery = named["info@bakery.example"]
    assert not bakery.name_is_real and bakery.emails == ("info@bakery.example",)
    assert [s.reason for s in skipped(found)] == ["no name, e-mail address or phone number"]


def test_google_contacts_older_layout() -> None:
    [grace] = people(records(DATA / "google-2018"))
    assert (grace.name, grace.first_name, grace.last_name) == ("Grace Hopper", "Grace", "Hopper")
    assert (grace.organisation, grace.role, grace.birthday) == ("US Navy", "Rear Admiral", date(1906, 12, 9))
    assert grace.emails == ("grace@navy.example",) and grace.phones == ("+1 202 555 0100",)
    assert grace.labels == ("Navy",)


def test_vcard_versions_and_quirks() -> None:
    found = records(DATA / "vcard" / "contacts.vcf")
    named = by_name(found)
    zoe = named["Zoë Müller"]  # 2.1, quoted-printable UTF-8
    assert zoe.notes == "Met at the fair\nStand 4, Halle 2"  # a soft line break, and a bare comma kept
    assert zoe.role == "Partnerin, Vertrieb"
    assert zoe.phones == ("+49 170 1234567", "030 123456") and zoe.birthday == date(1985, 3, 7)
    ada = named["Ada Lovelace"]  # 3.0 from an iPhone
    assert ada.source_key == "vcard:uid:7E1C2D4A-0000-4000-8000-ADA000000001"
    assert (ada.first_name, ada.last_name, ada.organisation) == ("Ada", "Lovelace", "Analytical Engines Ltd")
    assert ada.birthday == MonthDay(12, 10)  # Apple's 1604: no year
    assert ada.handles == (
        (Platform.linkedin, "https://www.linkedin.com/in/ada-lovelace-0815"),  # item1.URL + item1.X-ABLabel
        (Platform.x, "@ada_l"),  # X-SOCIALPROFILE
        (Platform.instagram, "@ada.lovelace"),
        (Platform.other, "skype:ada.lovelace"),  # IMPP
    )
    assert ada.urls == ("https://ada.example",)
    assert ada.notes.endswith("A long note that Apple folds over two lines.")  # folded line
    assert ada.notes.startswith("Introduced by Charles at the Royal Society, 1833.")
    assert ada.labels == ("Clients", "Mathematicians")
    max_ = named["Max Mustermann"]  # 4.0
    assert max_.birthday == MonthDay(3, 7) and max_.phones == ("+1-555-555-0100",)
    assert named["Jürgen Müller"].birthday == MonthDay(3, 7)  # a Latin-1 line among UTF-8 ones
    reasons = [(s.where, s.reason) for s in skipped(found)]
    assert reasons == [
        ("contacts.vcf: card 5 (line 51)", "the card cannot be read at line 53"),
        ("contacts.vcf: card 6 (line 56)", "no name, e-mail address or phone number"),
    ]


def test_text_helpers() -> None:
    assert normalise_url("HTTP://LinkedIn.com/in/Ada-L/?trk=x#y") == "https://www.linkedin.com/in/Ada-L"
    assert normalise_url("javascript:alert(1)") == ""
    assert html_to_text("a < b and c > d") == "a < b and c > d"  # no tags: untouched
    assert html_to_text("<div>one<br>two</div><script>x()</script>") == "one\ntwo"


# ---------------------------------------------------------------- recognising exports


def test_the_zip_as_downloaded_reads_as_its_folder(tmp_path: Path) -> None:
    for name in ("linkedin", "x", "instagram", "facebook", "google", "vcard"):
        archive = zip_folder(DATA / name, tmp_path / f"{name}.zip")
        assert records(archive) == records(DATA / name), name
    with open_source(tmp_path / "x.zip") as source:
        assert source.kinds == (Kind.x,)


def test_files_are_recognised_by_content_not_name(tmp_path: Path) -> None:
    renamed = {
        "linkedin/Connections.csv": "people.txt",
        "linkedin/messages.csv": "inbox.csv",
        "x/data/follower.js": "fans",
        "instagram/connections/followers_and_following/following.json": "b.json",
        "facebook/connections/friends/your_friends.json": "c.json",
        "google/contacts.csv": "d.csv",
        "vcard/contacts.vcf": "e.txt",
    }
    for source, target in renamed.items():
        shutil.copy(DATA / source, tmp_path / target)
    with open_source(tmp_path) as found:
        parts = {file.name: file.part.value for file in found.files}
        assert set(found.kinds) == {Kind.linkedin, Kind.x, Kind.instagram, Kind.facebook, Kind.google, Kind.vcard}
    assert parts == {
        "people.txt": "linkedin_connections",
        "inbox.csv": "linkedin_messages",
        "fans": "x_follower",
        "b.json": "instagram_following",
        "c.json": "facebook_friends",
        "d.csv": "google_contacts",
        "e.txt": "vcard",
    }
    # A renamed zip too.
    archive = zip_folder(DATA / "x", tmp_path / "archive.bin")
    assert records(archive) == records(DATA / "x")


def test_only_one_kind_from_a_folder_of_several(tmp_path: Path) -> None:
    shutil.copytree(DATA / "x", tmp_path / "x")
    shutil.copytree(DATA / "google", tmp_path / "google")
    with open_source(tmp_path) as source:
        assert source.kinds == (Kind.x, Kind.google)
        with pytest.raises(InvalidInput, match="no vcard export"):
            source.only(Kind.vcard)
        assert [file.part.value for file in source.only(Kind.google).files] == ["google_contacts"]


# ---------------------------------------------------------------- bad and hostile input


def test_a_file_that_is_no_export(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Date,Amount\n2024-01-01,12\n", encoding="utf-8")
    assert "notes.csv: not an export this journal can read" in refusal(path)
    assert "no such file" in refusal(tmp_path / "missing.zip")


def test_meta_html_export_asks_for_json(tmp_path: Path) -> None:
    (tmp_path / "connections").mkdir()
    (tmp_path / "connections" / "your_friends.html").write_text("<html></html>", encoding="utf-8")
    assert "request it again in JSON format" in refusal(tmp_path)


def test_truncated_json_names_the_file_and_entry(tmp_path: Path) -> None:
    text = (DATA / "x" / "data" / "follower.js").read_text(encoding="utf-8")
    path = tmp_path / "follower.js"
    path.write_text(text[: text.index('"2002"') + 3], encoding="utf-8")
    assert refusal(path) == "follower.js, entry 2: the file ends too early (cut off); download the export again."
    meta = tmp_path / "your_friends.json"
    meta.write_text((DATA / "facebook/connections/friends/your_friends.json").read_text()[:150], encoding="utf-8")
    assert refusal(meta).startswith("your_friends.json, line ")
    assert "ends too early" in refusal(meta)


def test_a_long_x_file_is_read_across_chunks(tmp_path: Path) -> None:
    entries = ",\n".join(
        f'{{"follower" : {{"accountId" : "{n}", "userLink" : "https://twitter.com/intent/user?user_id={n}"}}}}'
        for n in range(1, 40_001)
    )
    path = tmp_path / "follower.js"
    path.write_text(f"window.YTD.follower.part0 = [\n{entries}\n]", encoding="utf-8")
    found = people(records(path))
    assert [p.account_id for p in found] == [str(n) for n in range(1, 40_001)]


def test_a_csv_field_over_128_kb_is_read_and_over_16_mb_refused(tmp_path: Path) -> None:
    header = MESSAGES_HEADER
    row = "c1,,Ada,https://www.linkedin.com/in/ada,Sam,https://www.linkedin.com/in/sam,2024-01-01 10:00:00 UTC,,{},X\n"
    path = tmp_path / "messages.csv"
    path.write_text(header + row.format("x" * 300_000), encoding="utf-8")
    [message] = messages(records(path))
    assert len(message.text) > 100_000  # Python's default limit (128 KB) would stop here
    path.write_text(header + row.format("y") + row.format("z" * (17 * 1024 * 1024)), encoding="utf-8")
    assert refusal(path).startswith("messages.csv, line 3: a field is longer than 16 MB")


def test_excel_utf16_and_latin1_files_are_read(tmp_path: Path) -> None:
    google = (DATA / "google" / "contacts.csv").read_text(encoding="utf-8")
    excel = tmp_path / "contacts.csv"
    excel.write_bytes(google.encode("utf-16"))  # with a BOM, as Excel saves "Unicode text"
    assert by_name(records(excel)).keys() == by_name(records(DATA / "google")).keys()
    linkedin = (DATA / "linkedin" / "Connections.csv").read_text(encoding="utf-8")
    latin = tmp_path / "Connections.csv"
    latin.write_bytes(linkedin.encode("cp1252"))
    assert "Zoë Müller" in by_name(records(latin))


def test_an_encoding_that_changes_midway_is_refused(tmp_path: Path) -> None:
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    rows = "".join(f"Person,{n},,,,,\n" for n in range(5000))  # more than the part that decides the encoding
    path = tmp_path / "Connections.csv"
    path.write_bytes((header + rows).encode() + "Zoë,M\xfcller,,,,,\n".encode("latin-1"))
    message = refusal(path)
    assert message.startswith("Connections.csv, line 5002: the text is not in the encoding it started in")


def test_messages_are_streamed_not_loaded_whole(tmp_path: Path) -> None:
    header = MESSAGES_HEADER
    path = tmp_path / "messages.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for n in range(15_000):
            who = ("Ada", "https://www.linkedin.com/in/ada") if n % 2 else ("Sam", "https://www.linkedin.com/in/sam")
            other = ("Sam", "https://www.linkedin.com/in/sam") if n % 2 else ("Ada", "https://www.linkedin.com/in/ada")
            text = f"Message {n}: " + "words " * 30
            out.write(f"c{n % 50},,{who[0]},{who[1]},{other[0]},{other[1]},2024-01-01 10:00:00 UTC,,{text},INBOX\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with open_source(path) as source:
            count = sum(1 for record in read(source) if isinstance(record, ImportedMessage))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 15_000
    assert peak < size / 4, (peak, size)


def hostile_zip(tmp_path: Path, name: str, member: str = "Connections.csv", data: bytes | None = None) -> Path:
    path = tmp_path / name
    payload = data if data is not None else (DATA / "linkedin" / "Connections.csv").read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, payload)
    return path


def patch_headers(path: Path, *, flag: int | None = None, size: int | None = None) -> None:
    """Change what a zip's headers say (its general-purpose flags, its declared size), as a hostile
    zip would, leaving the data as it is."""
    data = bytearray(path.read_bytes())
    for signature, flag_at, size_at in ((b"PK\x03\x04", 6, 22), (b"PK\x01\x02", 8, 24)):
        at = data.find(signature)
        while at >= 0:
            if flag is not None:
                data[at + flag_at : at + flag_at + 2] = struct.pack("<H", flag)
            if size is not None:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_zip_members_that_escape_are_refused(tmp_path: Path) -> None:
    traversal = hostile_zip(tmp_path, "traversal.zip", member="../../.bashrc")
    assert "would land outside its folder" in refusal(traversal)
    absolute = hostile_zip(tmp_path, "absolute.zip", member="C:/Users/x/Connections.csv")
    assert "would land outside its folder" in refusal(absolute)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as archive:
        info = zipfile.ZipInfo("Connections.csv")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    assert "holds a symbolic link" in refusal(link)
    assert not (tmp_path.parent / ".bashrc").exists()


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    declared = hostile_zip(tmp_path, "declared.zip")
    patch_headers(declared, size=3 * 1024**3)  # says 3 GB
    assert "would unpack to more than 2 GB; refused" in refusal(declared)
    actual = hostile_zip(tmp_path, "actual.zip", data=b"First Name,Last Name,URL\n" + b"A,B,\n" * 4_000_000)
    patch_headers(actual, size=1000)  # says 1,000 bytes, unpacks to 20 MB
    message = refusal(actual)
    assert message.startswith("Connections.csv:") and ("refused" in message or "damaged" in message)


def test_too_many_members_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "MAX_MEMBERS", 10)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(11):
            archive.writestr(f"f{n}.txt", "x")
    assert "has more than 10 files" in refusal(path)


def test_encrypted_and_corrupt_zips_get_one_line(tmp_path: Path) -> None:
    encrypted = hostile_zip(tmp_path, "encrypted.zip")
    patch_headers(encrypted, flag=0x1)
    assert refusal(encrypted).startswith("encrypted.zip: is password-protected")
    whole = zip_folder(DATA / "linkedin", tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])  # a download that stopped halfway
    assert refusal(cut).startswith("cut.zip: not a readable zip (damaged, or not completely downloaded)")
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip at all", encoding="utf-8")
    assert refusal(fake).startswith("fake.zip: not a readable zip")


def test_a_nested_vcard_keeps_both_cards(tmp_path: Path) -> None:
    path = tmp_path / "agent.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:2.1\nFN:Boss Person\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nFN:Assistant Person\n"
        "END:VCARD\nEND:VCARD\n",
        encoding="utf-8",
    )
    assert [p.name for p in people(records(path))] == ["Boss Person", "Assistant Person"]
