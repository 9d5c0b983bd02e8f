"""What provisioning does to Tandem's people and teams: adoption, archiving, managers,
teams under the company, deletion that keeps history."""

from __future__ import annotations

from django.contrib.auth.models import User

from tandem.people.models import Membership, Person, Team
from tandem.provisioning.models import ScimResource
from tests.provisioning.conftest import ENTERPRISE, GROUP_SCHEMA, ScimClient, user_body


def _group(name: str, *member_ids: str) -> dict[str, object]:
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": member} for member in member_ids],
    }


def test_a_person_from_a_spreadsheet_is_adopted_not_duplicated(scim: ScimClient) -> None:
    Person.objects.create(id="ana", name="Ana (sheet)", email="Ana.Lima@Example.com")
    created = scim.post(
        "/Users",
        user_body("ana.lima@example.com", name={"givenName": "Ana", "familyName": "Lima"}),
    )
    assert created.status_code == 201, created.json_body
    assert created.json_body["id"] == "ana"
    assert Person.objects.filter(email__iexact="ana.lima@example.com").count() == 1
    assert Person.objects.get(id="ana").name == "Ana Lima"


def test_a_second_user_with_a_provisioned_email_is_refused(scim: ScimClient) -> None:
    scim.post("/Users", user_body("ana@example.com"))
    other = scim.post("/Users", user_body("ana2", emails=[{"value": "ana@example.com"}]))
    assert other.status_code == 409, other.json_body


def test_deactivating_archives_and_stops_sign_in_and_reactivating_restores(
    scim: ScimClient,
) -> None:
    user_id = scim.post("/Users", user_body("ana@example.com")).json_body["id"]
    login = User.objects.create(username=user_id)
    Person.objects.filter(id=user_id).update(user=login)
    scim.patch(f"/Users/{user_id}", {"op": "replace", "path": "active", "value": False})
    person = Person.objects.select_related("user").get(id=user_id)
    assert person.archived_at is not None
    assert person.user is not None
    assert not person.user.is_active
    scim.patch(f"/Users/{user_id}", {"op": "replace", "path": "active", "value": True})
    person = Person.objects.select_related("user").get(id=user_id)
    assert person.archived_at is None
    assert person.user is not None
    assert person.user.is_active


def test_delete_archives_keeps_the_person_and_a_new_create_adopts_them(
    scim: ScimClient,
) -> None:
    user_id = scim.post("/Users", user_body("ana@example.com")).json_body["id"]
    assert scim.delete(f"/Users/{user_id}").status_code == 204
    assert scim.get(f"/Users/{user_id}").status_code == 404
    assert Person.objects.get(id=user_id).archived_at is not None
    again = scim.post("/Users", user_body("ana@example.com"))
    assert again.json_body["id"] == user_id
    assert Person.objects.get(id=user_id).archived_at is None


def test_managers_must_be_users_and_not_themselves(scim: ScimClient) -> None:
    boss = scim.post("/Users", user_body("boss@example.com")).json_body["id"]
    ana = scim.post(
        "/Users", user_body("ana@example.com", **{ENTERPRISE: {"manager": {"value": boss}}})
    )
    assert Person.objects.get(id=ana.json_body["id"]).manager_id == boss
    unknown = scim.post(
        "/Users", user_body("ben@example.com", **{ENTERPRISE: {"manager": {"value": "nobody"}}})
    )
    assert unknown.status_code == 400
    assert "provision the manager first" in unknown.json_body["detail"]
    itself = scim.patch(
        f"/Users/{boss}",
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": boss}},
    )
    assert itself.status_code == 400


def test_groups_are_teams_under_the_company(scim: ScimClient) -> None:
    ana = scim.post("/Users", user_body("ana@example.com")).json_body["id"]
    created = scim.post("/Groups", _group("Search", ana))
    team = Team.objects.get(id=created.json_body["id"])
    assert team.name == "Search"
    assert team.parent is not None
    assert team.parent.is_root
    assert team.parent.name == "Company"
    nested = scim.post("/Groups", _group("Platform", team.id))
    assert nested.status_code == 400
    assert "nested groups" in nested.json_body["detail"]


def test_deleting_a_group_keeps_a_team_that_owns_okrs(scim: ScimClient) -> None:
    from tandem.okrs.models import Cycle, Objective  # noqa: PLC0415

    ana = scim.post("/Users", user_body("ana@example.com")).json_body["id"]
    kept = scim.post("/Groups", _group("Search", ana)).json_body["id"]
    gone = scim.post("/Groups", _group("Temp", ana)).json_body["id"]
    cycle = Cycle.objects.create(id="2026-Q4", start="2026-10-01", end="2026-12-31")
    Objective.objects.create(id="SEARCH-1", title="Find", cycle=cycle, owner_team_id=kept)
    assert scim.delete(f"/Groups/{kept}").status_code == 204
    assert scim.delete(f"/Groups/{gone}").status_code == 204
    assert Team.objects.filter(id=kept).exists()
    assert not Membership.objects.filter(team_id=kept).exists()
    assert not Team.objects.filter(id=gone).exists()
    assert not ScimResource.objects.filter(team__isnull=False).exists()
