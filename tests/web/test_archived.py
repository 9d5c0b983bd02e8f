"""Archived people on the pages: still shown where they were (marked archived), their OKRs
and history visible; never offered as a new owner, contributor or @mention."""

from __future__ import annotations

import re

import pytest

from tandem.core import model as m
from tandem.people.services import person_archive
from tests.web.conftest import login_client
from tests.web.test_editing import NEW_KEY_RESULT, error_of, text

pytestmark = pytest.mark.django_db


def options(body: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}".*?</select>', body, re.S)
    assert select, f"no select {field}"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_an_archived_person_is_shown_as_archived(demo_in_db: m.Organization) -> None:
    person_archive(person_id="cai")
    client = login_client("lead")
    team = text(client.get("/teams/search"))
    assert 'Cai Wen <span class="pill">Archived</span>' in team
    assert 'Ben Okafor <span class="pill">' not in team
    objective = text(client.get("/objectives/SR-1"))
    assert "Cai Wen (archived)" in objective  # SR-1.2's owner: their key result stays
    person_archive(person_id="ana")
    assert "Led by Ana Lima (archived)" in text(login_client("admin").get("/teams/search"))


@pytest.mark.parametrize("kind", ["people", "contributors", "owners"])
def test_pickers_and_mentions_do_not_offer_an_archived_person(
    demo_in_db: m.Organization, kind: str
) -> None:
    client = login_client("admin")
    assert "(cai)" in text(client.get(f"/pick/directory?kind={kind}&q=cai"))
    person_archive(person_id="cai")
    assert "(cai)" not in text(client.get(f"/pick/directory?kind={kind}&q=cai"))


def test_forms_keep_an_archived_owner_but_offer_them_to_nobody_new(
    demo_in_db: m.Organization,
) -> None:
    person_archive(person_id="cai")
    client = login_client("lead")
    new = text(client.get("/objectives/SR-1/key-results/new"))
    assert "cai" not in options(new, "owner")
    assert "ben" in options(new, "owner")
    edit = text(client.get("/key-results/SR-1.2/edit"))
    assert "cai" in options(edit, "owner")  # cai owns SR-1.2: the form keeps them
    refused = client.post("/objectives/SR-1/key-results/new", NEW_KEY_RESULT)
    assert refused.status_code == 422  # the form again, saying why
    assert error_of(text(refused), "contributors") == (
        "Cai Wen (cai) is archived: choose someone else."
    )
