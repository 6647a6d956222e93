"""Full-text search over people, notes and interactions (SQLite FTS5 inside the encrypted file).

FTS5 finds and ranks (bm25); the snippet shown for each hit is cut here, from the matched text,
because FTS5's own snippet() grows with the number of matches in a document (a 10 MB note with
240,000 matches took minutes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationjournal.core.markdown import plain_from_markdown
from relationjournal.core.records import NAME_LABEL, NOTE_LABEL, SearchHit, SearchKind, SnippetPart

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 160

# The FTS5 tables and the columns they index (as made by migration 0002).
INDEXED: dict[SearchKind, tuple[str, ...]] = {
    "person": ("display_name", "organisation", "role", "how_we_met", "why_it_matters", "remember", "source"),
    "note": ("body",),
    "interaction": ("summary", "body", "reached_out_by"),
}
# How each field is named where a hit shows it, and which fields are Markdown (shown without it).
LABELS = {
    "display_name": NAME_LABEL, "organisation": "Organisation", "role": "Role", "how_we_met": "How we met",
    "why_it_matters": "Why it matters", "remember": "Remember", "source": "Source", "body": "Details",
    "summary": "Summary", "reached_out_by": "Reached out by",
}  # fmt: skip
MARKDOWN = frozenset({"how_we_met", "why_it_matters", "remember", "body", "summary"})
_BEFORE, _AFTER = 400, 600  # how much of a field around its first match is read for the snippet
# the content table's person id column, per kind
_PERSON_COLUMN: dict[SearchKind, str] = {"person": "c.id", "note": "c.person_id", "interaction": "c.person_id"}


def fts_query(user_text: str) -> str | None:
    """A safe FTS5 query from what a user typed: every word must match, the last one as a prefix.

    Each word is quoted, so FTS5 operators and stray quotes in the input are taken literally.
    """
    words = _WORD.findall(user_text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _fold(value: str) -> str:
    """Case- and accent-insensitive form, one character per character of `value` (for finding
    offsets): "Zoë" → "zoe". A character translation, so a 10 MB note folds at C speed."""
    return value.translate(_fold_table())


@cache
def _fold_table() -> dict[int, str]:
    """Each character of the Basic Multilingual Plane whose lower-case base letter is one other
    character, mapped to it (made once, at the first search: about 50 ms)."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # (surrogates: not characters)
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0].casefold()[:1] or ch
        if base != ch:
            table[code] = base
    return table


def snippet_pieces(content: str, words: list[str]) -> tuple[tuple[str, bool], ...]:
    """About SNIPPET_CHARS characters of one line of text around the first matched word, in pieces,
    each marked True where it is a matched word (a prefix marks its whole word); "…" where cut."""
    folded = _fold(content)
    wanted = [w for w in (_fold(w) for w in words) if w]
    found = [p for p in (folded.find(w) for w in wanted) if p >= 0]
    start = max(0, min(found) - SNIPPET_CHARS // 3) if found else 0
    piece = content[start : start + SNIPPET_CHARS]
    folded_piece = folded[start : start + SNIPPET_CHARS]
    out: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    plain, i = [], 0
    while i < len(piece):
        hit = next((w for w in wanted if folded_piece.startswith(w, i)), None)
        if hit is None:
            plain.append(piece[i])
            i += 1
            continue
        end = i + len(hit)
        while end < len(piece) and folded_piece[end].isalnum():  # prefix match: mark the whole word
            end += 1
        if plain:
            out.append(("".join(plain), False))
            plain = []
        out.append((piece[i:end], True))
        i = end
    if plain:
        out.append(("".join(plain), False))
    if start + SNIPPET_CHARS < len(content):
        out.append(("…", False))
    return tuple(out)


def make_snippet(content: str, words: list[str], mark: tuple[str, str]) -> str:
    """About SNIPPET_CHARS characters around the first matched word, the words marked."""
    return SnippetPart("", snippet_pieces(" ".join(content.split()), words)).text(mark)


def field_part(label: str, content: str, words: list[str], markdown: bool) -> SnippetPart | None:
    """The part of one field around its first matched word, its Markdown dropped; None if no word
    is in it. Only a window around the match is read, so a 10 MB note costs no more than a short one."""
    folded = _fold(content)
    found = [p for p in (folded.find(w) for w in (_fold(w) for w in words) if w) if p >= 0]
    if not found:
        return None
    first = min(found)
    start = max(0, first - _BEFORE)
    if start and (line := content.find("\n", start, first)) >= 0:
        start = line + 1  # a whole line, so that its Markdown is read as Markdown
    end = first + _AFTER
    window = content[start:end]
    line_text = plain_from_markdown(window, limit=_AFTER) if markdown else " ".join(window.split())
    pieces = snippet_pieces(line_text, words)
    if start > 0 and pieces[:1] != (("…", False),):
        pieces = (("…", False), *pieces)
    if end < len(content) and pieces[-1:] != (("…", False),):
        pieces = (*pieces, ("…", False))
    return SnippetPart(label, pieces)


def _first_lines(label: str, content: str, markdown: bool) -> SnippetPart:
    """A field's opening words, when FTS5 matched what this module's simpler folding does not find."""
    line_text = plain_from_markdown(content, limit=SNIPPET_CHARS) if markdown else " ".join(content[:_AFTER].split())
    return SnippetPart(label, ((line_text[:SNIPPET_CHARS], False),))


def hit_parts(kind: SearchKind, values: Sequence[str | None], words: list[str]) -> tuple[SnippetPart, ...]:
    """The fields of a hit that hold a searched word, apart and labelled; the first field if none does."""
    fields = [(column, value or "") for column, value in zip(INDEXED[kind], values, strict=True)]
    labels = {column: NOTE_LABEL if kind == "note" else LABELS[column] for column in INDEXED[kind]}  # (not "Details")
    parts = [
        part
        for column, value in fields
        if value and (part := field_part(labels[column], value, words, column in MARKDOWN)) is not None
    ]
    if parts:
        return tuple(parts)
    column, value = next(((c, v) for c, v in fields if v), fields[0])
    return (_first_lines(labels[column], value, column in MARKDOWN),)


def one_line(parts: Sequence[SnippetPart], mark: tuple[str, str]) -> str:
    """The parts as the command line prints them: "Summary: … · Details: …" (a name needs no label)."""
    return " · ".join(part.line(mark) for part in parts)


def search(
    session: Session,
    user_text: str,
    *,
    limit: int = 50,
    mark: tuple[str, str] = ("[", "]"),
    best: bool = False,
) -> list[SearchHit]:
    """Matches of each kind, people first, then notes, then conversations: the newest `limit` of
    each (while typing), or with `best` the `limit` most relevant (bm25).

    Newest first is what makes search instant: FTS5 walks its index from the highest rowid (the
    latest written) and stops after `limit` matches, where ranking must score every match first
    (1.5 s for "a*" over a million conversations). A one-letter query finds people only: a
    single letter begins most words, and notes and conversations come with the second one.
    """
    query = fts_query(user_text)
    if query is None:
        return []
    words = _WORD.findall(user_text)
    one_letter = len(words) == 1 and len(words[0]) == 1
    hits: list[SearchHit] = []
    for kind, columns in INDEXED.items():
        if one_letter and kind != "person":
            continue
        rows = session.execute(text(_search_sql(kind, columns, best)), {"query": query, "limit": limit})
        for row in rows:
            parts = hit_parts(kind, row[4:], words)
            hits.append(SearchHit(kind=kind, id=row[0], person_id=row[1], person_name=row[2],
                                  snippet=one_line(parts, mark), score=row[3], parts=parts))  # fmt: skip
    return hits


def _search_sql(kind: SearchKind, columns: tuple[str, ...], best: bool) -> str:
    fts, person_column = f"{kind}_fts", _PERSON_COLUMN[kind]
    selected = ", ".join(f"c.{column}" for column in columns)
    if best:
        return (
            f"SELECT c.id, {person_column}, p.display_name, bm25({fts}) AS score, {selected} "
            f"FROM {fts} JOIN {kind} AS c ON c.id = {fts}.rowid "
            f"JOIN person AS p ON p.id = {person_column} "
            f"WHERE {fts} MATCH :query ORDER BY score LIMIT :limit"
        )
    # The match and its limit alone first: FTS5 stops after `limit` rows (no score is computed).
    return (
        f"SELECT c.id, {person_column}, p.display_name, 0.0 AS score, {selected} "
        f"FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH :query ORDER BY rowid DESC LIMIT :limit) AS hit "
        f"JOIN {kind} AS c ON c.id = hit.rowid JOIN person AS p ON p.id = {person_column} "
        "ORDER BY hit.rowid DESC"
    )
