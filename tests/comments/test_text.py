"""Mentions are read from a comment's text exactly as ids are written; the text is cut into
pieces that put it back together unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tandem.comments.text import mention_candidates, mentions_in, pieces

KNOWN = frozenset({"ben", "search", "SR-1.1", "a.b"})


def test_ids_after_an_at_sign_are_mentions_in_order_once_each() -> None:
    text = "@search, can @ben look? Thanks @ben"
    assert mentions_in(text, KNOWN) == ["search", "ben"]


def test_a_mention_ending_a_sentence_drops_the_full_stop() -> None:
    assert mentions_in("Ask @ben.", KNOWN) == ["ben"]
    assert mentions_in("Dotted ids stay whole: @a.b.", KNOWN) == ["a.b"]


def test_an_email_address_or_an_unknown_id_is_no_mention() -> None:
    assert mentions_in("write to ana@ben or me@search.test", KNOWN) == []
    assert mentions_in("@nobody and @Ben (ids are exact)", KNOWN) == []


def test_candidates_cover_the_forms_with_and_without_trailing_punctuation() -> None:
    assert mention_candidates("hi @ben. and @x_") == ["ben.", "ben", "x_", "x"]


def test_web_addresses_are_pieces_of_their_own_without_the_closing_punctuation() -> None:
    found = pieces("See https://example.com/a?b=1. And @ben", KNOWN)
    assert [(p.kind, p.text) for p in found] == [
        ("text", "See "),
        ("url", "https://example.com/a?b=1"),
        ("text", ". And "),
        ("mention", "@ben"),
    ]


def test_an_at_sign_inside_an_address_is_part_of_the_address() -> None:
    found = pieces("https://example.com/@ben", KNOWN)
    assert [p.kind for p in found] == ["url"]


def test_markup_is_plain_text_to_the_parser() -> None:
    found = pieces("<script>alert(1)</script>", KNOWN)
    assert [(p.kind, p.text) for p in found] == [("text", "<script>alert(1)</script>")]


@given(st.text(alphabet=st.sampled_from("ab @.:/-hts<>\n"), max_size=60))
def test_the_pieces_join_back_into_the_text(text: str) -> None:
    assert "".join(p.text for p in pieces(text, KNOWN | {"a", "b"})) == text
