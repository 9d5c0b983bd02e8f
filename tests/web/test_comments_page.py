"""Comment threads on the pages: on the objective page (the objective and each key result),
on a check-in's and a request's own page; adding (HTMX or a plain form), editing from the
version read, removing with confirmation; mistakes shown on the form; everything escaped."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tandem.checkins.models import CheckIn
from tandem.comments.models import Comment

WebAs = Callable[[str], Client]
HTMX = {"HTTP_HX_REQUEST": "true"}


def thread_of(html: str, target_id: str) -> str:
    found = re.search(
        rf'<section class="comments" id="comments-{re.escape(target_id)}".*?</section>', html, re.S
    )
    assert found, f"no thread of {target_id} on the page"
    return found.group(0)


def test_the_objective_page_has_a_thread_for_it_and_each_key_result(web_as: WebAs) -> None:
    html = web_as("lead").get("/objectives/SR-1").content.decode()
    for target_id in ["SR-1", "SR-1.1", "SR-1.2"]:
        thread = thread_of(html, target_id)
        assert "No comments yet." in thread
    assert 'action="/objectives/SR-1/comments"' in thread_of(html, "SR-1")
    assert 'action="/key-results/SR-1.1/comments"' in thread_of(html, "SR-1.1")


def test_a_plain_form_adds_the_comment_and_goes_back_to_it(web_as: WebAs) -> None:
    response = web_as("lead").post(
        "/key-results/SR-1.1/comments", {"text": "Hi @ben, see https://x.test/a."}
    )
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/objectives/SR-1#comment-{comment.pk}"
    thread = thread_of(web_as("member").get("/objectives/SR-1").content.decode(), "SR-1.1")
    assert f'id="comment-{comment.pk}"' in thread
    assert (
        '<a class="mention" href="mailto:ben@northwind.test" title="Ben Okafor">@ben</a>' in thread
    )
    assert (
        '<a href="https://x.test/a" rel="nofollow noopener noreferrer">https://x.test/a</a>.'
        in thread
    )
    assert 'Comments on <span class="id">SR-1.1</span> (1)' in thread


def test_htmx_gets_the_thread_back_with_the_new_comment(web_as: WebAs) -> None:
    response = web_as("lead").post(
        "/objectives/SR-1/comments", {"text": "Well done @search"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="comments" id="comments-SR-1"')
    assert "Comment saved." in html
    assert '<a class="mention" href="/teams/search" title="Search">@search</a>' in html
    assert "<html" not in html


def test_markup_in_a_comment_is_shown_as_text(web_as: WebAs) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)> @ben"><b>'
    web_as("lead").post("/objectives/SR-1/comments", {"text": attack})
    html = web_as("member").get("/objectives/SR-1").content.decode()
    thread = thread_of(html, "SR-1")
    assert "<script>alert" not in html
    assert "<img src=x" not in thread
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in thread
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "a comment cannot be empty"), ("x" * 5001, "at most 5,000 characters")],
)
def test_mistakes_are_shown_on_the_form_with_what_was_typed(
    web_as: WebAs, text: str, error: str
) -> None:
    for headers in ({}, HTMX):
        response = web_as("lead").post("/objectives/SR-1/comments", {"text": text}, **headers)
        assert response.status_code == 422
        html = response.content.decode()
        assert error in html
        assert 'aria-invalid="true"' in html
    assert Comment.objects.count() == 0


def test_a_mention_that_reaches_no_one_is_told_to_the_author(web_as: WebAs) -> None:
    # BEN-1 is private to ben and his manager chain: cai, in his team, may not see it.
    response = web_as("member").post(
        "/objectives/BEN-1/comments", {"text": "@cai @ana look"}, **HTMX
    )
    html = response.content.decode()
    assert "Not told: @cai" in html
    assert "@ana" not in html.split("Not told:")[1].split("</p>")[0]


def test_a_hidden_target_is_not_found_for_reading_or_writing(web_as: WebAs) -> None:
    assert web_as("outsider").get("/objectives/BEN-1/comments").status_code == 404
    assert web_as("outsider").post("/objectives/BEN-1/comments", {"text": "hi"}).status_code == 404
    assert web_as("outsider").get("/dependencies/DEP-4/comments").status_code == 404
    assert Comment.objects.count() == 0


def test_a_check_in_and_a_request_have_their_own_thread_page(web_as: WebAs) -> None:
    checkin = CheckIn.objects.filter(key_result_id="SR-1.1").first()
    assert checkin is not None
    html = web_as("lead").get("/objectives/SR-1").content.decode()
    assert f'href="/check-ins/{checkin.pk}/comments"' in html
    page = web_as("lead").get(f"/check-ins/{checkin.pk}/comments")
    assert page.status_code == 200
    assert "check-in of" in page.content.decode()
    response = web_as("lead").post(f"/check-ins/{checkin.pk}/comments", {"text": "good"})
    assert response["Location"].startswith(f"/check-ins/{checkin.pk}/comments#comment-")
    assert "Comments (1)" in web_as("lead").get("/objectives/SR-1").content.decode()
    deps = web_as("lead").get("/dependencies").content.decode()
    assert 'href="/dependencies/DEP-1/comments"' in deps
    assert web_as("lead").get("/dependencies/DEP-1/comments").status_code == 200


def test_only_the_author_sees_edit_and_the_edit_is_marked(web_as: WebAs) -> None:
    web_as("member").post("/objectives/SR-1/comments", {"text": "first"})
    comment = Comment.objects.get()
    edit = f'action="/comments/{comment.pk}/edit"'
    assert edit in web_as("member").get("/objectives/SR-1").content.decode()
    assert edit not in web_as("lead").get("/objectives/SR-1").content.decode()
    response = web_as("member").post(
        f"/comments/{comment.pk}/edit", {"text": "second", "version": "1"}, **HTMX
    )
    assert "Comment updated." in response.content.decode()
    assert ">edited</span>" in response.content.decode()
    assert (
        web_as("lead").post(f"/comments/{comment.pk}/edit", {"text": "mine now"}).status_code == 403
    )


def test_an_edit_from_a_stale_page_is_refused_and_keeps_what_was_typed(web_as: WebAs) -> None:
    web_as("member").post("/objectives/SR-1/comments", {"text": "first"})
    comment = Comment.objects.get()
    web_as("member").post(f"/comments/{comment.pk}/edit", {"text": "from tab one", "version": "1"})
    response = web_as("member").post(
        f"/comments/{comment.pk}/edit", {"text": "from tab two", "version": "1"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 412
    assert "changed since you read it" in html
    assert "from tab two</textarea>" in html
    assert "<p>from tab one</p>" in html
    comment.refresh_from_db()
    assert comment.text == "from tab one"


def test_removal_asks_first_and_leaves_a_trace(web_as: WebAs) -> None:
    web_as("member").post("/objectives/SR-1/comments", {"text": "regrettable words"})
    comment = Comment.objects.get()
    html = web_as("admin").get("/objectives/SR-1").content.decode()
    assert re.search(
        rf'action="/comments/{comment.pk}/remove"[^>]*data-confirm="Remove this comment\?', html
    )
    assert web_as("lead").post(f"/comments/{comment.pk}/remove").status_code == 403
    response = web_as("admin").post(f"/comments/{comment.pk}/remove")
    assert response.status_code == 303
    thread = thread_of(web_as("member").get("/objectives/SR-1").content.decode(), "SR-1")
    assert "Comment removed by Zoe Adler" in thread
    assert "regrettable" not in thread
