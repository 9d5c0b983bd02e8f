"""A comment's text as plain data: the ``@id`` mentions it may hold, and its pieces (words,
mentions, web addresses) for the pages to render, escaped, with links.

A mention is ``@`` and an id of the one namespace (``@ben``, ``@search``): ids are made of
letters, digits, ``.``, ``_`` and ``-``, and are matched exactly (case included). An ``@``
inside a word (an e-mail address) starts no mention. A mention that ends a sentence
(``@ben.``) is read without the trailing punctuation when the id with it names nothing.
Names (``@Ben Okafor``) are not mentions: two people may share a name, an id is unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tandem.identifiers import ID_MAX_LENGTH, ID_PATTERN

MENTION_RE = re.compile(rf"(?<![\w@./])@({ID_PATTERN})")
URL_RE = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
# What ends a sentence rather than an id or an address.
_TRAILING = ".,;:!?)]}'\"-_"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text: ``kind`` is ``text``, ``mention`` (``value`` the id) or ``url``."""

    kind: str
    text: str
    value: str = ""


def _candidates(word: str) -> list[str]:
    """``word`` and its shorter forms without trailing punctuation, longest first."""
    found = [word]
    while word and word[-1] in _TRAILING:
        word = word[:-1]
        if word:
            found.append(word)
    return [w for w in found if len(w) <= ID_MAX_LENGTH]


def mention_candidates(text: str) -> list[str]:
    """Every id ``text`` may mention (each once, in order), trailing punctuation or not: the
    caller keeps those that name a person or a team."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        for candidate in _candidates(match.group(1)):
            seen.setdefault(candidate)
    return list(seen)


def mentions_in(text: str, known: set[str] | frozenset[str]) -> list[str]:
    """The ids of ``known`` that ``text`` mentions, each once, in the order they appear."""
    return list(dict.fromkeys(p.value for p in pieces(text, known) if p.kind == "mention"))


def _url_end(url: str) -> str:
    """An address without the punctuation that ends the sentence it is in."""
    while url and url[-1] in ".,;:!?)]}'\"":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _mention_piece(match: re.Match[str], known: set[str] | frozenset[str]) -> Piece | None:
    for candidate in _candidates(match.group(1)):
        if candidate in known:
            return Piece("mention", "@" + candidate, candidate)
    return None


def pieces(text: str, known: set[str] | frozenset[str]) -> list[Piece]:
    """``text`` cut into text, mentions of ``known`` ids and web addresses (``http``,
    ``https``), in order; joining their ``text`` gives ``text`` back."""
    found: list[Piece] = []
    position = 0
    tokens = sorted(
        [(m.start(), m.end(), m, "mention") for m in MENTION_RE.finditer(text)]
        + [(m.start(), m.end(), m, "url") for m in URL_RE.finditer(text)],
        key=lambda token: token[0],
    )
    for start, _end, match, kind in tokens:
        if start < position:  # inside an address already taken
            continue
        piece = (
            _mention_piece(match, known)
            if kind == "mention"
            else Piece("url", _url_end(match.group(0)), _url_end(match.group(0)))
        )
        if piece is None or not piece.text:
            continue
        if start > position:
            found.append(Piece("text", text[position:start]))
        found.append(piece)
        position = start + len(piece.text)
    if position < len(text):
        found.append(Piece("text", text[position:]))
    return found
