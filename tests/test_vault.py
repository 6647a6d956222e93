"""Recovery keys, keyring backends and the time box around them."""

from __future__ import annotations

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import fail

from relationjournal.core.access import create_journal, open_journal, unlock_with_recovery_key
from relationjournal.core.errors import InvalidInput, KeyringEntryMissing, KeyUnavailable, Remedy, RemedyKind
from relationjournal.core.records import PersonDraft
from relationjournal.core.vault import Key, parse_recovery_key, recovery_key
from tests.conftest import Sandbox


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps entries in memory: another machine's empty keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@given(st.binary(min_size=32, max_size=32))
def test_recovery_keys_round_trip(raw: bytes) -> None:
    text = recovery_key(raw)
    assert len(text.split("-")) == 11
    assert parse_recovery_key(text).raw == raw
    assert parse_recovery_key(" " + text.lower().replace("-", "  ") + "\n").raw == raw


def test_a_typo_in_a_recovery_key_is_caught() -> None:
    text = recovery_key(bytes(32))
    swapped = text[:6] + ("1" if text[6] != "1" else "2") + text[7:]
    with pytest.raises(InvalidInput, match="typo"):
        parse_recovery_key(swapped)
    with pytest.raises(InvalidInput, match="not a recovery key"):
        parse_recovery_key("hello")


def test_keys_never_show_in_their_repr() -> None:
    key = Key.generate()
    assert key.raw.hex() not in repr(key) and key.raw.hex() not in str(key)
    assert "secret" not in repr(Key(passphrase="secret passphrase"))


def test_keyring_backend_replaced_then_recovery_key_restores(sandbox: Sandbox) -> None:
    created = create_journal(sandbox.location)
    created.journal.add_person(PersonDraft("Grace Hopper"))
    created.journal.close()
    replacement = MemoryKeyring()
    keyring.set_keyring(replacement)  # e.g. KWallet swapped for GNOME Keyring
    with pytest.raises(KeyringEntryMissing) as missing:
        open_journal(sandbox.location)
    assert missing.value.remedy == Remedy(RemedyKind.RECOVERY_KEY)  # the CLI says `unlock --recovery-key`
    with unlock_with_recovery_key(sandbox.location, created.recovery_key) as journal:
        assert journal.find_person("grace hopper").display_name == "Grace Hopper"
    assert len(replacement.entries) == 1
    with open_journal(sandbox.location) as journal:
        assert journal.count_people() == 1


def test_no_keyring_backend_means_a_passphrase_is_needed(sandbox: Sandbox) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyUnavailable, match="no system keyring"):
        create_journal(sandbox.location)
    assert not sandbox.location.database.exists()
    created = create_journal(sandbox.location, passphrase="a long passphrase")
    assert created.recovery_key is None
    created.journal.close()
    with open_journal(sandbox.location, passphrase="a long passphrase") as journal:
        assert journal.count_people() == 0


def test_a_short_passphrase_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        create_journal(sandbox.location, passphrase="short")
    assert not sandbox.location.database.exists()
