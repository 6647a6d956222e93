"""Full-text search over people, notes and interactions (SQLite FTS5 inside the encrypted file)."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from relationjournal.core.records import SearchHit

_WORD = re.compile(r"\w+", re.UNICODE)

# table, the person id column of the content table, the person-name join
_SOURCES = {
    "person": ("person_fts", "c.id"),
    "note": ("note_fts", "c.person_id"),
    "interaction": ("interaction_fts", "c.person_id"),
}


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


def search(session: Session, user_text: str, *, limit: int = 50, mark: tuple[str, str] = ("[", "]")) -> list[SearchHit]:
    """The best `limit` matches of each kind, people first, then notes, then interactions."""
    query = fts_query(user_text)
    if query is None:
        return []
    hits: list[SearchHit] = []
    for kind, (fts, person_column) in _SOURCES.items():
        rows = session.execute(
            text(
                f"SELECT c.id, {person_column}, p.display_name, "
                f"snippet({fts}, -1, :open, :close, '…', 12), bm25({fts}) AS score "
                f"FROM {fts} JOIN {kind} AS c ON c.id = {fts}.rowid "
                f"JOIN person AS p ON p.id = {person_column} "
                f"WHERE {fts} MATCH :query ORDER BY score LIMIT :limit"
            ),
            {"query": query, "limit": limit, "open": mark[0], "close": mark[1]},
        )
        hits.extend(
            SearchHit(kind=kind, id=row[0], person_id=row[1], person_name=row[2], snippet=row[3], score=row[4])  # type: ignore[arg-type]
            for row in rows
        )
    return hits
