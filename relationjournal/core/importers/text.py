"""Tidying what exports say: names, addresses, dates and message text, the same way for every platform."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit, urlunsplit

from relationjournal.core.folding import fold
from relationjournal.core.importers.records import MonthDay
from relationjournal.core.vocabulary import Platform

MAX_FIELD = 100_000  # characters kept of one name, note or message (the rest is cut, and says so)


def clean(value: object, limit: int = MAX_FIELD) -> str:
    """Text from an export: a string, trimmed, without NUL and other control characters but
    newlines and tabs, cut at `limit` characters."""
    if not isinstance(value, str):
        return ""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > limit:
        text = text[:limit] + " […]"
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def one_line(value: object, limit: int = 500) -> str:
    """A name or other one-line value: whitespace runs (newlines among them) made one space."""
    return " ".join(clean(value, limit).split())


def fix_mojibake(text: str) -> str:
    """Meta's exports write UTF-8 bytes as if each were a Latin-1 character ("ZoÃ«" for "Zoë"):
    undo it, only when that gives valid UTF-8 back (so a real "Ã" stays)."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def short_hash(*parts: str, folded: bool = True) -> str:
    """A stable key where the export has no id: 20 hex digits of SHA-256 over the parts, folded
    (case and accents ignored: a name) or as they are (`folded=False`: a message)."""
    joined = "\x1f".join(fold(part.strip()) if folded else part for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=65_536)  # the same few thousand addresses come back in every message
def normalise_url(url: str) -> str:
    """A profile address as a key: https, host in lower case (with `www.` for LinkedIn, Instagram
    and Facebook, as their exports write it), no query, fragment or trailing slash, percent-escapes
    decoded; the path keeps its case (LinkedIn's member ids need it). "" if not a web address."""
    text = one_line(url, 2000)
    if not text:
        return ""
    if "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}/", text, re.IGNORECASE):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if host.startswith("mobile.") or host.startswith("m."):
        host = "www." + host.split(".", 1)[1]
    if host in _BARE_HOSTS:
        host = "www." + host
    path = unquote(parts.path).rstrip("/")
    return urlunsplit(("https", host, path, "", ""))


_BARE_HOSTS = {"linkedin.com", "instagram.com", "facebook.com"}  # always www. in their own exports
_X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
_NOT_USERS = {"i", "intent", "home", "search", "share", "hashtag", "explore", "p", "reel", "stories", "_u"}


def profile_handle(url: str, label: str = "") -> tuple[Platform, str] | None:
    """The social profile an address names, as a journal handle: (x, "@ada"), (instagram, "@ada"),
    (linkedin or facebook, the normalised address). `label` (a vCard X-ABLabel, a Google label)
    helps where the host does not say. None for any other address."""
    normal = normalise_url(url)
    if not normal:
        return None
    parts = urlsplit(normal)
    host, segments = parts.hostname or "", [s for s in parts.path.split("/") if s]
    if host.endswith("linkedin.com") and len(segments) >= 2 and segments[0] in ("in", "pub", "company"):
        return Platform.linkedin, normal
    if host.endswith("facebook.com") and segments:
        return Platform.facebook, normal
    if host in _X_HOSTS and segments and segments[0].lower() not in _NOT_USERS:
        return Platform.x, "@" + segments[0]
    if host.endswith("instagram.com") and segments:
        name = segments[1] if segments[0] == "_u" and len(segments) > 1 else segments[0]
        if name.lower() not in _NOT_USERS:
            return Platform.instagram, "@" + name
    lowered = label.lower()
    for platform in (Platform.linkedin, Platform.facebook):
        if platform.value in lowered:
            return platform, normal
    return None


def instagram_user(href: str) -> str:
    """The user name in an Instagram profile address (also the 2025 form `instagram.com/_u/name`)."""
    handle = profile_handle(href)
    return handle[1].removeprefix("@") if handle and handle[0] is Platform.instagram else ""


def parse_birthday(text: str) -> date | MonthDay | None:
    """A birthday as Google Contacts and vCard write it: 1985-03-07, 19850307, 1985-03-07T00:00:00Z,
    and without a year --03-07, --0307, or Apple's 1604-03-07 (its year for "no year")."""
    value = one_line(text, 40)
    match = _BIRTHDAY.match(value)
    if not match:
        return None
    year, month, day = match.group("year"), int(match.group("month")), int(match.group("day"))
    try:
        if year is None or int(year) == 1604:
            date(2000, month, day)  # a leap year, so 29 February is valid
            return MonthDay(month, day)
        return date(int(year), month, day)
    except ValueError:
        return None


_BIRTHDAY = re.compile(r"^(?:--|(?P<year>\d{4})-?)(?P<month>\d{2})-?(?P<day>\d{2})(?:T.*)?$")


def utc_day(timestamp: object) -> date | None:
    """The UTC day of a Unix timestamp in seconds (Meta, X), or None if it is not one."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        return None
    try:
        return datetime.fromtimestamp(timestamp, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


class _TextOfHtml(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)


def html_to_text(value: str) -> str:
    """Message text as plain text: markup (as LinkedIn sends some messages) becomes text and
    line breaks; text without tags is left alone ("a < b" stays)."""
    if not _TAG.search(value):
        return value
    parser = _TextOfHtml()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
