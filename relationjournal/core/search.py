"""Full-text search over people, notes and interactions (SQLite FTS5 inside the encrypted file).

FTS5 finds and ranks (bm25); the snippet shown for each hit is cut here, from the matched text,
because FTS5's own snippet() grows with the number of matches in a document (a 10 MB note with
240,000 matches took minutes).
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationjournal.core.records import SearchHit, SearchKind

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 160

# The FTS5 tables and the columns they index (as made by migration 0002).
INDEXED: dict[SearchKind, tuple[str, ...]] = {
    "person": ("display_name", "organisation", "role", "how_we_met", "why_it_matters", "remember", "source"),
    "note": ("body",),
    "interaction": ("summary", "body", "reached_out_by"),
}
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
    """Case- and accent-insensitive form, one character per character of `value` (for finding offsets)."""
    return "".join((unicodedata.normalize("NFD", ch)[0] if len(ch) == 1 else ch).casefold()[:1] or ch for ch in value)


def make_snippet(content: str, words: list[str], mark: tuple[str, str]) -> str:
    """About SNIPPET_CHARS characters around the first matched word, the words marked."""
    folded = _fold(content)
    wanted = [_fold(w) for w in words]
    positions = [folded.find(w) for w in wanted]
    found = [p for p in positions if p >= 0]
    start = max(0, min(found) - SNIPPET_CHARS // 3) if found else 0
    piece = content[start : start + SNIPPET_CHARS]
    folded_piece = folded[start : start + SNIPPET_CHARS]
    out, i = [], 0
    while i < len(piece):
        hit = next((w for w in wanted if w and folded_piece.startswith(w, i)), None)
        if hit is None:
            out.append(piece[i])
            i += 1
            continue
        end = i + len(hit)
        while end < len(piece) and folded_piece[end].isalnum():  # prefix match: mark the whole word
            end += 1
        out.append(mark[0] + piece[i:end] + mark[1])
        i = end
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(content) else ""
    return prefix + " ".join("".join(out).split()) + suffix


def search(session: Session, user_text: str, *, limit: int = 50, mark: tuple[str, str] = ("[", "]")) -> list[SearchHit]:
    """The best `limit` matches of each kind, people first, then notes, then interactions."""
    query = fts_query(user_text)
    if query is None:
        return []
    words = _WORD.findall(user_text)
    hits: list[SearchHit] = []
    for kind, columns in INDEXED.items():
        fts, person_column = f"{kind}_fts", _PERSON_COLUMN[kind]
        joined = " || ' ' || ".join(f"c.{column}" for column in columns)
        rows = session.execute(
            text(
                f"SELECT c.id, {person_column}, p.display_name, {joined}, bm25({fts}) AS score "
                f"FROM {fts} JOIN {kind} AS c ON c.id = {fts}.rowid "
                f"JOIN person AS p ON p.id = {person_column} "
                f"WHERE {fts} MATCH :query ORDER BY score LIMIT :limit"
            ),
            {"query": query, "limit": limit},
        )
        hits.extend(
            SearchHit(
                kind=kind,
                id=row[0],
                person_id=row[1],
                person_name=row[2],
                snippet=make_snippet(row[3] or "", words, mark),
                score=row[4],
            )  # fmt: skip
            for row in rows
        )
    return hits
