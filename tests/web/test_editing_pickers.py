"""The pickers of people and teams on the editing pages: selects while the lists are short (the
demo), a search-as-you-type text input beyond :data:`tandem.web.forms.SELECT_LIMIT` options that
also works without scripts (an id, an e-mail or a name, checked by the server), and the search
behind it (``/pick/directory``).

Most tests lower the limit so that the demo's 15 people and 7 teams are "many"; one builds a
generated organisation of 300 people to see the pages stay small."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.core import model as m
from tandem.okrfile import load_path
from tandem.okrs.models import KeyResult, Objective, UmbrellaTeam
from tandem.organization.imports import organization_import
from tandem.people.models import Person, Team
from tandem.web.forms import Directory
from tests.web.test_editing import (
    NEW_KEY_RESULT,
    NEW_OBJECTIVE,
    error_of,
    key_result_form,
    objective_form,
    text,
)

Web = Callable[[str], Client]


@pytest.fixture
def web(web_as: Web) -> Web:
    return web_as


@pytest.fixture
def many(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists of more than five options are "long": the demo gets pickers."""
    monkeypatch.setattr("tandem.web.forms.fields.SELECT_LIMIT", 5)


def contributors(key_result_id: str) -> list[str]:
    key_result = KeyResult.objects.get(id=key_result_id)
    return [str(c.person_id or c.team_id) for c in key_result.contributions.order_by("position")]


def ticked(body: str, name: str) -> list[str]:
    """The values of the ticked boxes of a picker of several."""
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)" checked>', body)


# --- short lists stay selects -----------------------------------------------------------------


def test_short_lists_stay_selects_but_choosing_several_is_always_a_picker(web: Web) -> None:
    objective = text(web("admin").get("/objectives/SR-2/edit"))
    for name in ("owner", "umbrella_owner"):
        assert f'<select name="{name}"' in objective, name
    key_result = text(web("admin").get("/key-results/SR-1.1/edit"))
    assert '<select name="owner"' in key_result
    # Several at once is never a Ctrl-click select, however short the list.
    assert not re.search(r"<select[^>]*\bmultiple", objective + key_result)
    assert 'name="umbrella_teams_add"' in objective
    assert 'name="contributors_add"' in key_result
    assert "Ctrl" not in objective + key_result
    assert ticked(key_result, "contributors") == ["cai", "infra"]


# --- long lists are pickers -------------------------------------------------------------------


@pytest.mark.usefixtures("many")
def test_long_lists_are_labelled_pickers_that_list_nobody(web: Web) -> None:
    body = text(web("admin").get("/objectives/SR-2/edit"))
    assert '<label for="id_owner">Owner</label>' in body
    owner = re.search(r'<input type="text" name="owner"[^>]*>', body)
    assert owner is not None
    assert 'value="Search (search)"' in owner.group(0)
    assert 'aria-describedby="id_owner_helptext"' in owner.group(0)
    assert 'data-search="/pick/directory?kind=owners"' in body
    assert 'data-search="/pick/directory?kind=people"' in body  # the umbrella owner
    assert "<legend>Contributing teams</legend>" in body
    assert '<label for="id_umbrella_teams">Add a team</label>' in body
    assert 'name="umbrella_teams_add"' in body
    # Nobody is listed: the page does not grow with the organisation.
    assert "<option" not in body.split('id="objective-form"')[1].split("</form>")[0].replace(
        '<option value="2026-Q4"', ""
    )
    assert "Leo Martin" not in body


@pytest.mark.usefixtures("many")
def test_a_key_result_shows_its_owner_and_contributors_as_chosen(web: Web) -> None:
    body = text(web("member").get("/key-results/SR-1.1/edit"))
    assert re.search(r'<input type="text" name="owner" value="Ben Okafor \(ben\)"', body)
    assert ticked(body, "contributors") == ["cai", "infra"]
    assert "> Cai Wen (cai)</label>" in body
    assert "> Infrastructure (infra)</label>" in body
    assert '<label for="id_contributors">Add a person or team</label>' in body
    add = re.search(r'<input type="text" name="contributors_add"[^>]*>', body)
    assert add is not None
    assert 'aria-describedby="id_contributors_helptext"' in add.group(0)


@pytest.mark.usefixtures("many")
def test_owners_stay_a_select_when_the_caller_may_own_few(web: Web) -> None:
    body = text(web("lead").get("/objectives/new"))
    select = re.search(r'<select name="owner".*?</select>', body, re.S)
    assert select is not None
    assert set(re.findall(r'<option value="([^"]*)"', select.group(0))) == {"search", "ana"}


# --- the search -------------------------------------------------------------------------------


def picks(body: str) -> list[str]:
    return re.findall(r'data-pick="([^"]*)"', body)


def test_the_search_finds_names_ids_and_e_mails(web: Web) -> None:
    client = web("member")
    assert picks(text(client.get("/pick/directory?kind=people&q=okaf"))) == ["ben"]
    assert picks(text(client.get("/pick/directory?kind=people&q=CAI@north"))) == ["cai"]
    assert picks(text(client.get("/pick/directory?kind=people&q=raj"))) == ["raj"]
    # An exact id first, then names that start with it, then the rest.
    found = picks(text(client.get("/pick/directory?kind=people&q=ben")))
    assert found[0] == "ben"
    assert picks(text(client.get("/pick/directory?kind=teams&q=search"))) == ["search"]
    assert picks(text(client.get("/pick/directory?kind=teams&q=ana"))) == []  # teams only
    both = picks(text(client.get("/pick/directory?kind=contributors&q=in")))
    assert "infra" in both
    assert "ines" in both
    result = text(client.get("/pick/directory?kind=people&q=raj&field=id_owner"))
    assert (
        '<button type="button" class="picker-option" data-pick="raj" data-label="Raj Patel (raj)">'
        in result
    )
    assert 'id="id_owner-count"' in result
    assert 'aria-labelledby="id_owner-count"' in result


def test_the_search_is_bounded_and_says_how_many_match(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tandem.web.views.pickers.PICKER_LIMIT", 5)
    # Every person's e-mail holds "northwind", and so does the company's name.
    body = text(web("member").get("/pick/directory?kind=contributors&q=northwind"))
    assert len(picks(body)) == 5
    assert "The first 5 of 16 matches: type more to narrow." in body
    assert "1 match." in text(web("member").get("/pick/directory?kind=people&q=okafor"))
    nothing = text(web("member").get("/pick/directory?kind=people&q=zzz"))
    assert "No people match “zzz”" in nothing
    assert text(web("member").get("/pick/directory?kind=people&q=+")).strip() == ""


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("lead", {"search", "ana"}), ("member", {"search", "ben"}), ("admin", None)],
)
def test_the_owner_search_offers_only_whom_the_caller_may_create_for(
    web: Web, persona: str, offered: set[str] | None
) -> None:
    client = web(persona)
    # "a" is in every e-mail ("northwind"): the search looks at everyone.
    found = set(picks(text(client.get("/pick/directory?kind=owners&q=a"))))
    if offered is None:
        # tom (the id, first), then Customer Success (cs).
        assert picks(text(client.get("/pick/directory?kind=owners&q=tom"))) == ["tom", "cs"]
        assert picks(text(client.get("/pick/directory?kind=owners&q=paym"))) == ["payments"]
    else:
        assert found == offered
        assert picks(text(client.get("/pick/directory?kind=owners&q=tom"))) == []


def test_the_search_needs_a_signed_in_caller_and_a_get(web: Web) -> None:
    anonymous = web("anonymous").get("/pick/directory?kind=people&q=ben")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login?next=/pick/directory")
    assert web("member").post("/pick/directory?kind=people&q=ben").status_code == 405


def test_the_directory_finds_what_was_typed() -> None:
    org = m.Organization(
        name="o",
        people={
            "zoe": m.Person("zoe", "Zoë Adler", "zoe.adler@example.test"),
            "al1": m.Person("al1", "Al Ray", "al1@example.test"),
            "al2": m.Person("al2", "Al Ray", "al2@example.test"),
        },
        teams={"core": m.Team("core", "Core")},
    )
    people = Directory(org, teams=False)
    assert [p.id for p in people.search("zoe")[0]] == ["zoe"]  # accents optional
    assert people.resolve("ZOE") == "zoe"
    assert people.resolve("Zoë Adler (zoe)") == "zoe"
    assert people.resolve("zoe.adler@EXAMPLE.test") == "zoe"
    assert people.resolve("zoe adler") == "zoe"
    assert people.resolve("  ") == ""
    with pytest.raises(ValidationError, match=r"2 people are called 'al ray'.*Al Ray \(al1\)"):
        people.resolve("al ray")
    with pytest.raises(ValidationError, match="No person has the id, e-mail or name 'core'"):
        people.resolve("core")  # a team, where a person is asked for
    assert Directory(org).resolve("core") == "core"
    only_zoe = Directory(org, allowed={"zoe"}.__contains__)
    with pytest.raises(ValidationError, match=r"Al Ray \(al1\) is not one of the choices here"):
        only_zoe.resolve("al1")


# --- posting what was typed -------------------------------------------------------------------


@pytest.mark.usefixtures("many")
def test_an_owner_typed_as_an_e_mail_a_name_or_a_label(web: Web) -> None:
    client = web("admin")
    by_mail = client.post("/objectives/new", NEW_OBJECTIVE | {"owner": "BEN@northwind.test"})
    assert by_mail.status_code == 302
    assert Objective.objects.get(title=NEW_OBJECTIVE["title"]).owner_person_id == "ben"
    by_name = client.post(
        "/objectives/new", NEW_OBJECTIVE | {"title": "Second", "owner": "infrastructure"}
    )
    assert by_name.status_code == 302
    assert Objective.objects.get(title="Second").owner_team_id == "infra"
    by_label = client.post(
        "/objectives/new", NEW_OBJECTIVE | {"title": "Third", "owner": "Search (search)"}
    )
    assert by_label.status_code == 302
    assert Objective.objects.get(title="Third").owner_team_id == "search"


@pytest.mark.usefixtures("many")
def test_an_owner_not_found_is_named_next_to_the_field_and_kept(web: Web) -> None:
    response = web("admin").post("/objectives/new", NEW_OBJECTIVE | {"owner": "okafor ben"})
    assert response.status_code == 422
    body = text(response)
    assert error_of(body, "owner") == (
        "No person or team has the id, e-mail or name &#x27;okafor ben&#x27;. "
        "Did you mean Ben Okafor (ben)?"
    )
    assert re.search(
        r'<input type="text" name="owner" value="okafor ben"[^>]*aria-invalid="true"', body
    )
    assert 'value="Search costs more than it earns today."' not in body  # a textarea…
    assert "Search costs more than it earns today." in body  # …keeps what was typed
    assert not Objective.objects.filter(title=NEW_OBJECTIVE["title"]).exists()


@pytest.mark.usefixtures("many")
def test_an_owner_one_may_not_create_for_is_refused_however_typed(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "tandem.web.forms.fields.SELECT_LIMIT", 1
    )  # the lead's two owners: a picker
    client = web("lead")
    assert 'data-search="/pick/directory?kind=owners"' in text(client.get("/objectives/new"))
    refused = client.post("/objectives/new", NEW_OBJECTIVE | {"owner": "tom@northwind.test"})
    assert refused.status_code == 403
    assert "you may not create objectives for &#x27;tom&#x27;" in text(refused)
    handed = client.post("/objectives/SR-2/edit", objective_form("SR-2", owner="Payments"))
    assert handed.status_code == 403
    assert Objective.objects.get(id="SR-2").owner_team_id == "search"
    assert client.post("/objectives/new", NEW_OBJECTIVE | {"owner": "Ana Lima"}).status_code == 302


@pytest.mark.usefixtures("many")
def test_contributors_are_ticked_to_keep_and_typed_to_add(web: Web) -> None:
    client = web("member")
    added = client.post(
        "/key-results/SR-1.1/edit",
        key_result_form(
            "SR-1.1", contributors=["cai"], contributors_add="sre, lena@northwind.test"
        ),
    )
    assert added.status_code == 302
    assert contributors("SR-1.1") == ["cai", "sre", "lena"]
    page = text(client.get("/key-results/SR-1.1/edit"))
    assert ticked(page, "contributors") == ["cai", "sre", "lena"]
    removed = client.post("/key-results/SR-1.1/edit", key_result_form("SR-1.1", contributors=[]))
    assert removed.status_code == 302
    assert contributors("SR-1.1") == []


@pytest.mark.usefixtures("many")
def test_contributors_not_found_are_named_and_nothing_typed_is_lost(web: Web) -> None:
    response = web("member").post(
        "/key-results/SR-1.1/edit",
        key_result_form("SR-1.1", contributors=["cai", "ghost"], contributors_add="sre, nobody"),
    )
    assert response.status_code == 422
    body = text(response)
    message = error_of(body, "contributors")
    assert "No person or team has the id, e-mail or name &#x27;ghost&#x27;." in message
    assert "No person or team has the id, e-mail or name &#x27;nobody&#x27;." in message
    assert ticked(body, "contributors") == ["cai", "ghost"]
    assert re.search(r'name="contributors_add" value="sre, nobody"', body)
    assert contributors("SR-1.1") == ["cai", "infra"]


@pytest.mark.usefixtures("many")
def test_a_key_result_owner_typed_or_left_empty(web: Web) -> None:
    client = web("member")
    created = client.post(
        "/objectives/SR-2/key-results/new",
        NEW_KEY_RESULT | {"owner": "cai@northwind.test", "contributors_add": "infra; sre"},
    )
    assert created.status_code == 302
    key_result = KeyResult.objects.get(title=NEW_KEY_RESULT["title"])
    assert key_result.owner_id == "cai"
    # The ticked ones (cai, infra), then those typed that are not there yet.
    assert contributors(key_result.id) == ["cai", "infra", "sre"]
    # A team's key result needs a person to own it: emptying the owner is refused.
    emptied = client.post(
        f"/key-results/{key_result.id}/edit", key_result_form(key_result.id, owner="")
    )
    assert emptied.status_code == 422
    assert KeyResult.objects.get(id=key_result.id).owner_id == "cai"
    # An individual objective's key result may leave it to the objective's owner (the
    # services name them).
    own = client.post(
        "/objectives/BEN-1/key-results/new",
        NEW_KEY_RESULT | {"title": "Cache hit rate above 80%", "owner": ""},
    )
    assert own.status_code == 302
    assert KeyResult.objects.get(title="Cache hit rate above 80%").owner_id == "ben"


@pytest.mark.usefixtures("many")
def test_an_umbrella_with_picked_owner_and_teams(web: Web) -> None:
    client = web("lead")
    response = client.post(
        "/objectives/SR-2/edit",
        objective_form(
            "SR-2",
            is_umbrella="on",
            umbrella_owner="ana@northwind.test",
            umbrella_teams=["search"],
            umbrella_teams_add="Customer Success",
        ),
    )
    assert response.status_code == 302
    objective = Objective.objects.get(id="SR-2")
    assert (objective.is_umbrella, objective.umbrella_owner_id) == (True, "ana")
    teams = UmbrellaTeam.objects.filter(objective=objective).order_by("position")
    assert list(teams.values_list("team_id", flat=True)) == ["search", "cs"]
    body = text(client.get("/objectives/SR-2/edit"))
    assert ticked(body, "umbrella_teams") == ["search", "cs"]
    assert re.search(r'name="umbrella_owner" value="Ana Lima \(ana\)"', body)


@pytest.mark.usefixtures("many")
def test_a_stale_edit_with_pickers_keeps_what_was_typed(web: Web) -> None:
    client = web("member")
    typed = key_result_form("SR-1.1", contributors=["cai"], contributors_add="sre")
    KeyResult.objects.filter(id="SR-1.1").update(title="Someone else's title", version=9)
    response = client.post("/key-results/SR-1.1/edit", typed)
    assert response.status_code == 409
    body = text(response)
    assert "Someone else saved SR-1.1" in body
    assert "<dd>cai, sre</dd>" in body  # what was typed, to apply again
    assert ticked(body, "contributors") == ["cai", "infra"]  # what is stored now
    assert 'name="version" value="9"' in body
    assert contributors("SR-1.1") == ["cai", "infra"]


def test_the_advice_reads_what_pickers_name(web: Web) -> None:
    for owner in ("search", "Search (search)"):
        body = text(
            web("lead").get(
                "/advice",
                {"what": "objective", "title": "Grow search", "owner": owner, "cycle": "2026-Q4"},
            )
        )
        assert "does not align to anything" in body, owner


# --- at the size of a real organisation --------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_stay_small_in_a_large_organisation(generated_file: Any) -> None:
    organization = load_path(generated_file(300)).organization
    organization_import(org=organization, source="f", today=date(2026, 9, 1), prune=True)
    user = User.objects.create(username="admin-300", is_superuser=True)
    root = Team.objects.get(is_root=True)
    Person.objects.filter(id=root.lead_id).update(user=user)
    client = Client()
    client.force_login(user)
    objective = Objective.objects.filter(owner_team=root).order_by("position").first()
    assert objective is not None
    key_result = KeyResult.objects.filter(objective=objective).order_by("position").first()
    assert key_result is not None
    last = list(organization.people.values())[-1]
    for path in (
        "/objectives/new",
        f"/objectives/{objective.id}/edit",
        f"/objectives/{objective.id}/key-results/new",
        f"/key-results/{key_result.id}/edit",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "data-directory-picker" in text(response), path
        assert last.name not in text(response), path  # nobody listed…
        assert len(response.content) < 40_000, path  # …so the page does not grow
    found = text(client.get(f"/pick/directory?kind=people&q={last.id}"))
    assert picks(found)[0] == last.id
