"""Markdown as one readable line, for where a note or a summary is shown in passing (a timeline row,
a search snippet, Today's "remember" line, the command line): no `**`, `_`, `# `, `- `,
`[text](url)` or backticks, the words as a reader sees them. No Qt: the core and the CLI use it.

Each line is read on its own and every pattern is bounded by the line, so a pasted 10 MB note
costs time in proportion to what is read, never to its square; and only the start is read.
"""

from __future__ import annotations

import re

SEPARATOR = " · "  # between list items, headings and paragraphs once they share one line
# The patterns read an emphasis, code span or link text of at most 300 characters (an address of
# 1200) as such; a longer one stays as typed. That bounds how far each looks ahead, so that no line
# is read over and over.
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s+|$)")
_HEADING_END = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s{0,3}(>\s?)+")
_ITEM = re.compile(r"^\s*([-*+]|\d{1,9}[.)])\s+(\[[ xX]\]\s+)?")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\([^)\n]{0,1200}\)")
_LINK = re.compile(r"\[([^\]\n]{1,300})\](\([^)\n]{0,1200}\)|\[[^\]\n]{0,300}\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>\s]{1,1200})>")
_CODE = re.compile(r"(`+)(.{1,300}?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1")
_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,300}?)(?<=[^\s*])\*(?![\w*])")
_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.{1,300}?)(?<=[^\s_])_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_HIDDEN = 0xF0000  # an escaped character is moved here (Unicode's private use) while the marks around it are read


def plain_from_markdown(text: str, *, limit: int = 1000) -> str:
    """`text` as one line of plain words: emphasis, headings, quotes, list markers, code marks and
    link addresses dropped (a link keeps its text, an image its description), list items and
    paragraphs joined by " · ". Anything that is not Markdown (a stray `*`, `<b>`) stays as it is.

    Only about `limit` characters of `text` are read, and the result is no longer (a cut ends in "…").
    """
    if len(text) > 3 * limit:  # markup dropped makes it shorter: read a little more
        text = text[: 3 * limit]
        text = text.rsplit("\n", 1)[0] if "\n" in text else text.rsplit(" ", 1)[0]  # no half a link
    parts: list[str] = []
    current: list[str] = []
    in_code = was_quoted = False

    def end_part() -> None:
        if current:
            parts.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_code = not in_code
            end_part()
            continue
        if in_code:
            if raw.strip():
                current.append(raw.strip())
            continue
        if not raw.strip() or _RULE.match(raw):
            end_part()
            continue
        if current and _SETEXT.match(raw):  # "Title\n=====": the line above was a heading
            end_part()
            continue
        quoted = _QUOTE.match(raw)
        if quoted and not was_quoted:  # a quote is a block of its own
            end_part()
        was_quoted = quoted is not None
        line = _QUOTE.sub("", raw)
        if _HEADING.match(line):
            end_part()
            line = _HEADING_END.sub("", _HEADING.sub("", line))
            current.append(_inline(line))
            end_part()
            continue
        if _ITEM.match(line):
            end_part()
            line = _ITEM.sub("", line)
        current.append(_inline(line.strip()))
    end_part()
    plain = SEPARATOR.join(part for part in (" ".join(p.split()) for p in parts) if part)
    if len(plain) > limit:
        plain = plain[:limit].rstrip() + "…"
    return plain


def _inline(line: str) -> str:
    """One line's inline Markdown dropped: code first (nothing inside code is Markdown), then links."""
    if any(_HIDDEN <= ord(ch) < _HIDDEN + 128 for ch in line):
        return _inline_pieces(line)  # (a private-use character as typed: nothing to hide it behind)
    line = _ESCAPED.sub(lambda m: chr(_HIDDEN + ord(m.group(1))), line)
    return "".join(chr(ord(ch) - _HIDDEN) if _HIDDEN <= ord(ch) < _HIDDEN + 128 else ch for ch in _inline_pieces(line))


def _inline_pieces(line: str) -> str:
    pieces = []
    last = 0
    for code in _CODE.finditer(line):
        pieces.append(_inline_text(line[last : code.start()]))
        pieces.append(code.group(2).strip())
        last = code.end()
    pieces.append(_inline_text(line[last:]))
    return "".join(pieces)


def _inline_text(line: str) -> str:
    line = _IMAGE.sub(lambda m: m.group(1), line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    for pattern in (_STRONG, _STRONG, _STRIKE):  # twice: `**bold with __inner__**`
        line = pattern.sub(lambda m: m.group(2) if m.re is _STRONG else m.group(1), line)
    line = _STAR.sub(lambda m: m.group(1), line)
    return _UNDERSCORE.sub(lambda m: m.group(1), line)
