"""Keys: the journal's random key, its recovery-key form, the OS keyring, and passphrases.

A keyring journal is encrypted with a random 256-bit key used as SQLCipher's raw key (no KDF on
every start). The key lives in the OS keyring (service `relationjournal`, one entry per journal id)
and is shown to the user once as a recovery key, which puts it back if the keyring entry is lost.
A passphrase journal uses SQLCipher's own KDF on a passphrase the user types.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, replace
from typing import Any, Literal

from relationjournal.core.atomicfile import atomic_writer
from relationjournal.core.errors import (
    InvalidInput,
    KeyringEntryMissing,
    KeyUnavailable,
    NoJournal,
    Remedy,
    RemedyKind,
)
from relationjournal.core.locations import JournalLocation

KEYRING_SERVICE = "relationjournal"
KEY_BYTES = 32
KEYRING_TIMEOUT_S = 20.0
Protection = Literal["keyring", "passphrase"]


@dataclass(frozen=True)
class Key:
    """A journal key: raw bytes (keyring journals) or a passphrase. Its repr never shows it."""

    raw: bytes | None = None
    passphrase: str | None = None

    def __post_init__(self) -> None:
        if (self.raw is None) == (self.passphrase is None):
            raise ValueError("a Key is either raw bytes or a passphrase")
        if self.raw is not None and len(self.raw) != KEY_BYTES:
            raise ValueError("a raw key is 32 bytes")

    @classmethod
    def generate(cls) -> Key:
        return cls(raw=secrets.token_bytes(KEY_BYTES))

    def pragma_value(self) -> str:
        """The value for `PRAGMA key`: SQLCipher's raw-key form `x'…'`, or the passphrase itself."""
        if self.raw is not None:
            return f"x'{self.raw.hex()}'"
        assert self.passphrase is not None
        return self.passphrase

    def __repr__(self) -> str:
        return "Key(raw)" if self.raw is not None else "Key(passphrase)"

    __str__ = __repr__


# Recovery keys ---------------------------------------------------------------------------------
# Crockford's base32 (no I, L, O, U) with a 2-byte checksum, in groups of five: easy to read
# aloud, write down and type back, and a typo is caught before it is tried as a key.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_CHECK_BYTES = 2


def recovery_key(raw: bytes) -> str:
    """The human-friendly form of a raw key, e.g. `7K2QM-…` (11 groups of five)."""
    payload = raw + hashlib.sha256(raw).digest()[:_CHECK_BYTES]
    number = int.from_bytes(payload, "big")
    digits = []
    for _ in range((len(payload) * 8 + 4) // 5):
        digits.append(_ALPHABET[number & 31])
        number >>= 5
    text = "".join(reversed(digits))
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> Key:
    """Read a recovery key back, forgiving case, spaces, dashes and O/0, I/L/1 confusions."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    payload_len = KEY_BYTES + _CHECK_BYTES
    if len(cleaned) != (payload_len * 8 + 4) // 5 or any(ch not in _DECODE for ch in cleaned):
        raise InvalidInput("That is not a recovery key: it should be 11 groups of five letters and digits.")
    number = 0
    for ch in cleaned:
        number = (number << 5) | _DECODE[ch]
    try:
        payload = number.to_bytes(payload_len, "big")
    except OverflowError:
        raise InvalidInput("That is not a recovery key: check it for typos.") from None
    raw, check = payload[:KEY_BYTES], payload[KEY_BYTES:]
    if hashlib.sha256(raw).digest()[:_CHECK_BYTES] != check:
        raise InvalidInput("That recovery key has a typo: check each group and try again.")
    return Key(raw=raw)


# The keyring ------------------------------------------------------------------------------------
def _time_boxed(call: Any, *args: Any) -> Any:
    """Run a keyring call with a time limit: a locked collection's prompt can block forever."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call(*args)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = error

    worker = threading.Thread(target=run, name="keyring", daemon=True)
    worker.start()
    worker.join(KEYRING_TIMEOUT_S)
    if worker.is_alive():
        raise KeyUnavailable(
            f"The system keyring did not answer within {KEYRING_TIMEOUT_S:.0f} s (is it locked?). "
            "Unlock it and try again, or use your recovery key."
        )
    if "error" in result:
        raise result["error"]
    return result.get("value")


def keyring_problem() -> str | None:
    """Why the OS keyring cannot hold our key, or None when a real backend is available."""
    import keyring
    from keyring.backends import fail, null

    backend = _time_boxed(keyring.get_keyring)
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return "no system keyring is available on this computer"
    return None


def load_key(journal_id: str) -> Key:
    """The journal's key from the keyring, or a clear error saying why it cannot be had."""
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = _time_boxed(keyring.get_password, KEYRING_SERVICE, journal_id)
    except KeyringError as error:
        raise KeyUnavailable(
            f"The system keyring could not be read ({type(error).__name__}): unlock it and try again, "
            "or unlock the journal with your recovery key.",
            remedy=Remedy(RemedyKind.RECOVERY_KEY),
        ) from None
    if not stored:
        raise KeyringEntryMissing(
            "The keyring holds no key for this journal (it may have been reset or replaced).",
            remedy=Remedy(RemedyKind.RECOVERY_KEY),
        )
    try:
        return Key(raw=bytes.fromhex(stored))
    except ValueError:
        raise KeyringEntryMissing(
            "The keyring entry for this journal is not a valid key.",
            remedy=Remedy(RemedyKind.RECOVERY_KEY),
        ) from None


def store_key(journal_id: str, key: Key) -> None:
    import keyring
    from keyring.errors import KeyringError

    assert key.raw is not None, "only raw keys go into the keyring"
    try:
        _time_boxed(keyring.set_password, KEYRING_SERVICE, journal_id, key.raw.hex())
    except KeyringError as error:
        raise KeyUnavailable(f"The system keyring refused to store the key ({type(error).__name__}).") from None


def delete_key(journal_id: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        _time_boxed(keyring.delete_password, KEYRING_SERVICE, journal_id)
    except PasswordDeleteError:
        pass
    except KeyringError as error:
        raise KeyUnavailable(f"The system keyring refused to delete the key ({type(error).__name__}).") from None


# The metadata file beside the journal --------------------------------------------------------
@dataclass(frozen=True)
class JournalMeta:
    """How a journal is protected. No secrets and no personal data: safe to keep in plain text."""

    journal_id: str
    protection: Protection
    format: int = 1
    key_check: str = ""  # see `key_check`: tells a wrong key from a damaged first page
    key_changed_at: str = ""  # ISO time of the last `rekey`: older backups need the key from before
    next_key_check: str = ""  # set while a key change renames the new file into place (see access.change_key)

    @classmethod
    def new(cls, protection: Protection) -> JournalMeta:
        return cls(journal_id=str(uuid.uuid4()), protection=protection)

    def with_key(self, key: Key) -> JournalMeta:
        return replace(self, key_check=key_check(key, self.journal_id))


KEY_CHECK_LABEL = b"relationjournal key check v1"
PASSPHRASE_CHECK_ITERATIONS = 256_000  # as costly to guess against as SQLCipher's own KDF


def key_check(key: Key, journal_id: str) -> str:
    """A value that says whether a key is this journal's, without revealing the key.

    SQLCipher answers "file is not a database" both for a wrong key and for a damaged first
    page; comparing the key with this value tells the two apart. For a raw key it is an HMAC of a
    constant; for a passphrase, PBKDF2-HMAC-SHA512 with SQLCipher's iteration count, so it is no
    cheaper to attack than the journal file itself.
    """
    if key.raw is not None:
        return hmac.new(key.raw, KEY_CHECK_LABEL, hashlib.sha256).hexdigest()
    assert key.passphrase is not None
    derived = hashlib.pbkdf2_hmac(
        "sha512", key.passphrase.encode("utf-8"), KEY_CHECK_LABEL + journal_id.encode(), PASSPHRASE_CHECK_ITERATIONS
    )
    return derived[:32].hex()


def key_matches(meta: JournalMeta | None, key: Key) -> bool:
    return (
        meta is not None
        and bool(meta.key_check)
        and hmac.compare_digest(meta.key_check, key_check(key, meta.journal_id))
    )


def read_meta(location: JournalLocation) -> JournalMeta | None:
    """The journal's metadata; None if the file is missing (the recovery key can recreate it)."""
    if not location.database.exists() and not location.meta.exists():
        raise NoJournal(f"There is no journal in {location.data_dir} yet.", remedy=Remedy(RemedyKind.CREATE))
    try:
        data = json.loads(location.meta.read_text(encoding="utf-8"))
        protection = data["protection"]
        if protection not in ("keyring", "passphrase"):
            return None
        return JournalMeta(
            journal_id=str(data["journal_id"]),
            protection=protection,
            format=int(data["format"]),
            key_check=str(data.get("key_check", "")),
            key_changed_at=str(data.get("key_changed_at", "")),
            next_key_check=str(data.get("next_key_check", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_meta(location: JournalLocation, meta: JournalMeta) -> None:
    body = {"format": meta.format, "journal_id": meta.journal_id, "protection": meta.protection}
    if meta.key_check:
        body["key_check"] = meta.key_check
    if meta.key_changed_at:
        body["key_changed_at"] = meta.key_changed_at
    if meta.next_key_check:
        body["next_key_check"] = meta.next_key_check
    with atomic_writer(location.meta) as handle:
        json.dump(body, handle, indent=2)
        handle.write("\n")
