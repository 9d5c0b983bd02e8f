"""``tandem digest --preview PERSON``: the digest a person would get, as text, sent to no one."""

from __future__ import annotations

import pytest

from tandem.core import model as m
from tandem.notifications.models import Notification
from tests.dbstate import tandem


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("wide_terminal")
def test_the_preview_prints_the_persons_digest_and_sends_nothing(
    demo_in_db: m.Organization,
) -> None:
    code, out, _err = tandem("digest", "--preview", "ana", "--as-of", "2026-11-21")
    assert code == 0
    assert out.startswith("Your week in Tandem")
    assert "Check in on SR-1.1" in out
    assert "Search: risk from other teams" in out
    assert "BEN-1" not in tandem("digest", "--preview", "dan", "--as-of", "2026-11-21")[1]
    assert not Notification.objects.exists()


def test_an_unknown_person_or_date_says_what_is_wrong(demo_in_db: m.Organization) -> None:
    code, _out, err = tandem("digest", "--preview", "nobody")
    assert code == 2
    assert "there is no person 'nobody'" in err
    code, _out, err = tandem("digest", "--preview", "ana", "--as-of", "21/11")
    assert code == 2
    assert "YYYY-MM-DD" in err
