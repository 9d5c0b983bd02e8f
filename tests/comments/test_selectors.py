"""Reading threads: any number of comments on any number of targets in a fixed number of
queries, removed ones in their place without their words, mentions ready to link."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.comments.selectors import comment_counts, comment_link, comments_for, thread_link
from tandem.comments.services import comment_remove
from tandem.comments.targets import Target, target_get_visible
from tests.comments.helpers import add, who

pytestmark = pytest.mark.usefixtures("demo_in_db")

TARGETS = [
    Target("objective", "SR-1"),
    Target("key_result", "SR-1.1"),
    Target("key_result", "SR-1.2"),
]


def _write(count: int) -> None:
    for number in range(count):
        target = TARGETS[number % len(TARGETS)]
        add("ana", target.kind, target.id, f"note {number} for @ben and @infra, see https://x.test")


@pytest.mark.parametrize("count", [3, 30])
def test_threads_load_in_two_queries_however_many_comments(
    count: int, django_assert_num_queries: Any
) -> None:
    _write(count)
    with django_assert_num_queries(2):
        threads = comments_for([*TARGETS, Target("dependency", "DEP-1")])
    assert sum(len(thread) for thread in threads.values()) == count
    assert threads[Target("dependency", "DEP-1")] == []
    first = threads[TARGETS[0]][0]
    assert first.author_name == "Ana Lima"
    assert [(m.id, m.kind, m.name) for m in first.mentions] == [
        ("ben", "person", "Ben Okafor"),
        ("infra", "team", "Infrastructure"),
    ]
    assert [p.kind for p in first.pieces] == ["text", "mention", "text", "mention", "text", "url"]


def test_no_targets_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert comments_for([]) == {}


def test_a_removed_comment_keeps_its_place_without_its_words() -> None:
    first = add("ben", "objective", "SR-1", "first").comment
    add("cai", "objective", "SR-1", "second")
    comment_remove(audience=who("ben"), comment_id=first.pk)
    thread = comments_for([Target("objective", "SR-1")])[Target("objective", "SR-1")]
    assert [c.removed for c in thread] == [True, False]
    assert thread[0].text == ""
    assert thread[0].pieces == ()
    assert thread[0].removed_by_name == "Ben Okafor"


def test_counts_leave_out_removed_comments(django_assert_num_queries: Any) -> None:
    add("ben", "dependency", "DEP-1", "one")
    gone = add("ben", "dependency", "DEP-1", "two").comment
    add("ben", "dependency", "DEP-2", "three")
    comment_remove(audience=who("ben"), comment_id=gone.pk)
    with django_assert_num_queries(1):
        assert comment_counts("dependency", ["DEP-1", "DEP-2", "DEP-3"]) == {"DEP-1": 1, "DEP-2": 1}


def test_links_lead_to_the_page_that_shows_the_comment() -> None:
    admin = who("zoe", admin=True)
    key_result = target_get_visible(admin, Target("key_result", "SR-1.1"))
    assert thread_link(key_result) == "/objectives/SR-1#comments-SR-1.1"
    assert comment_link(key_result, 7) == "/objectives/SR-1#comment-7"
    dependency = target_get_visible(admin, Target("dependency", "DEP-1"))
    assert comment_link(dependency, 7) == "/dependencies/DEP-1/comments#comment-7"
