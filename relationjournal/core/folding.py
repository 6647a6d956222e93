"""Folding text for matching: "Zoë Müller", "ZOE MULLER" and "zoe muller" are one name.

`fold` is the one way the journal compares what a user typed with what it holds, ignoring letter
case and accents: finding a person by name, suggesting names, reading a channel's name (and, later,
filtering people through a folded column). It is not for display: the text shown stays as typed.
"""

from __future__ import annotations

import unicodedata

# Letters with no Unicode decomposition into a base letter and an accent, folded by hand.
# (ß, ẞ and the ligatures ﬁ, ﬂ are done by NFKD and casefold.)
_BASE_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "þ": "th",
                               "æ": "ae", "œ": "oe"})  # fmt: skip


def fold(text: str) -> str:
    """`text` without letter case or accents (NFKD, combining marks dropped, casefolded).

    "Zoë Müller" → "zoe muller", "STRAẞE" → "strasse", "Søren" → "soren", "ﬁnn" → "finn".
    Spaces and punctuation stay as they are.
    """
    if text.isascii():  # most names, and what the fast path of a 10,000-name scan meets
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_BASE_LETTERS).casefold()  # once more: NFKD can make new capitals (℃ → °C)
