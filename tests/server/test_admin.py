"""The admin site: who may open it, what it lets admins change, and that its lists stay fast."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.checkins.models import CheckIn, CheckInRevision
from tandem.checkins.services import checkin_withdraw
from tandem.dependencies.models import Dependency, DependencyEvent
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.organization.models import OrganizationSettings
from tandem.people.models import Membership, Person, Team
from tandem.people.services import person_password_set

PASSWORD = "a long enough passphrase"

# Every model on the admin site, as "app_label.model_name".
ADMIN_PAGES = [
    "people.person",
    "people.team",
    "okrs.cycle",
    "okrs.objective",
    "okrs.keyresult",
    "checkins.checkin",
    "checkins.checkinrevision",
    "dependencies.dependency",
    "dependencies.dependencyevent",
    "comments.comment",
    "organization.organizationsettings",
    "auth.user",
    "auth.group",
    "access.apitoken",
    "axes.accessattempt",
    "provisioning.scimresource",
    "jobs.jobrun",
    "django_q.ormq",
    "django_q.schedule",
    "django_q.success",
    "django_q.failure",
]
# Pages the demo leaves empty: no groups, API tokens, failed sign-ins, corrected check-ins or
# comments, no identity provider provisioned anyone, and no background job has run.
EMPTY_IN_DEMO = {
    "auth.group",
    "provisioning.scimresource",
    "comments.comment",
    "access.apitoken",
    "axes.accessattempt",
    "checkins.checkinrevision",
    "jobs.jobrun",
    "django_q.ormq",
    "django_q.schedule",
    "django_q.success",
    "django_q.failure",
}


def url(page: str, view: str = "changelist", *args: object) -> str:
    app_label, model_name = page.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def form_data(response: Any) -> dict[str, Any]:
    """What a browser would post back from an admin form page, unchanged.

    Built from the page's form and inline formsets, so tests change only the fields they are
    about and stay valid when a field is added.
    """
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, "")
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value.isoformat() if isinstance(value, date) else value
    return data


def post_form(client: Client, page_url: str, **changes: Any) -> Any:
    data = form_data(client.get(page_url))
    data.update({name: "" if value is None else value for name, value in changes.items()})
    return client.post(page_url, data)


@pytest.fixture
def member_client(demo_in_db: Any, client: Client) -> Client:
    """Ana, signed in: a person with a login who is not staff."""
    person_password_set(person_id="ana", password=PASSWORD)
    client.force_login(User.objects.get(username="ana"))
    return client


# -- who may open the admin --


def test_every_registered_model_has_its_page_tested() -> None:
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model in apps.get_models()
        if admin.site.is_registered(model)
    }
    assert registered == set(ADMIN_PAGES)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_superuser_opens_every_list_and_an_objects_page(
    demo_in_db: Any, admin_client: Client, page: str
) -> None:
    response = admin_client.get(url(page))
    assert response.status_code == 200
    objects = response.context["cl"].result_list
    if page not in EMPTY_IN_DEMO:
        assert objects, f"the demo should list some {page}"
        assert admin_client.get(url(page, "change", objects[0].pk)).status_code == 200


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page(
    db: None, client: Client, page: str
) -> None:
    response = client.get(url(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_person_who_is_not_staff_is_sent_to_the_sign_in_page(
    member_client: Client, page: str
) -> None:
    response = member_client.get(url(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_see_only_what_they_are_given_permission_for(demo_in_db: Any, client: Client) -> None:
    staff = User.objects.create_user("helpdesk", password=PASSWORD, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(staff)
    assert client.get(url("people.person")).status_code == 200
    assert client.get(url("people.person", "change", "ana")).status_code == 200
    assert client.post(url("people.person", "change", "ana"), {"name": "X"}).status_code == 403
    assert client.get(url("people.team")).status_code == 403
    assert client.get(url("okrs.cycle")).status_code == 403
    assert Person.objects.get(id="ana").name == "Ana Lima"


# -- people --


def test_searching_people_by_name_finds_them(demo_in_db: Any, admin_client: Client) -> None:
    response = admin_client.get(url("people.person"), {"q": "Lima"})
    assert [p.id for p in response.context["cl"].result_list] == ["ana"]
    response = admin_client.get(url("people.person"), {"q": "omar@northwind"})
    assert [p.id for p in response.context["cl"].result_list] == ["omar"]


def test_people_are_filtered_by_team_with_the_lead_among_the_members(
    demo_in_db: Any, admin_client: Client
) -> None:
    response = admin_client.get(url("people.person"), {"teams__id__exact": "infra"})
    assert {p.id for p in response.context["cl"].result_list} == {"omar", "dan"}


def test_the_person_list_says_who_has_a_login(demo_in_db: Any, admin_client: Client) -> None:
    person_password_set(person_id="ben", password=PASSWORD)
    response = admin_client.get(url("people.person"), {"q": "northwind.test"})
    changelist = response.context["cl"]
    has_login = {p.id: changelist.model_admin.has_login(p) for p in changelist.result_list}
    assert has_login["ben"]
    assert not has_login["cai"]


def test_a_new_person_gets_an_id_that_no_other_object_has(
    demo_in_db: Any, admin_client: Client
) -> None:
    response = admin_client.post(
        url("people.person", "add"), {"id": "search", "name": "Sam Search"}
    )
    assert response.status_code == 200
    assert "already the id of a team" in response.context["adminform"].form.errors["id"][0]
    assert not Person.objects.filter(name="Sam Search").exists()

    response = admin_client.post(url("people.person", "add"), {"id": "sam", "name": "Sam Sun"})
    assert response.status_code == 302
    last = Person.objects.order_by("position").last()
    assert last is not None
    assert last.id == "sam"  # listed after everyone imported, as an export will show


def test_a_persons_id_cannot_be_changed_into_a_copy(demo_in_db: Any, admin_client: Client) -> None:
    page = url("people.person", "change", "cai")
    response = post_form(admin_client, page, id="cai2", name="Cai Wen-Li")
    assert response.status_code == 302
    assert Person.objects.get(id="cai").name == "Cai Wen-Li"
    assert not Person.objects.filter(id="cai2").exists()


def test_a_changed_email_is_the_one_the_person_signs_in_with(
    demo_in_db: Any, admin_client: Client
) -> None:
    person_password_set(person_id="ben", password=PASSWORD)
    response = post_form(admin_client, url("people.person", "change", "ben"), email="b@nw.test")
    assert response.status_code == 302
    assert Client().login(username="b@nw.test", password=PASSWORD)
    assert not Client().login(username="ben@northwind.test", password=PASSWORD)


# -- teams --


def test_saving_the_company_team_keeps_it_the_root(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(admin_client, url("people.team", "change", "nw"), name="Northwind Ltd")
    assert response.status_code == 302
    company = Team.objects.get(id="nw")
    assert (company.name, company.is_root, company.parent_id) == ("Northwind Ltd", True, None)


def test_moving_a_team_keeps_it_a_sub_team(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(admin_client, url("people.team", "change", "sre"), parent="nw")
    assert response.status_code == 302
    sre = Team.objects.get(id="sre")
    assert (sre.parent_id, sre.is_root) == ("nw", False)
    assert set(sre.memberships.values_list("person_id", flat=True)) == {"lena", "raj"}


def test_a_new_team_under_the_company_is_not_a_root(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(
        admin_client, url("people.team", "add"), id="data", name="Data", parent="nw", lead="cai"
    )
    assert response.status_code == 302
    data = Team.objects.get(id="data")
    assert (data.parent_id, data.is_root) == ("nw", False)
    # As in an OKR file, the lead is a member whether or not they were added as one.
    assert list(data.memberships.values_list("person_id", flat=True)) == ["cai"]
    assert Team.objects.filter(is_root=True).count() == 1


def test_the_first_team_added_to_an_empty_database_is_the_company(
    db: None, admin_client: Client
) -> None:
    response = post_form(admin_client, url("people.team", "add"), id="acme", name="Acme")
    assert response.status_code == 302
    assert Team.objects.get(id="acme").is_root


def test_a_second_team_without_a_parent_is_refused(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(admin_client, url("people.team", "add"), id="rogue", name="Rogue")
    assert response.status_code == 200
    assert "is the company" in response.context["adminform"].form.errors["parent"][0]
    assert not Team.objects.filter(id="rogue").exists()

    response = post_form(admin_client, url("people.team", "change", "search"), parent=None)
    assert response.status_code == 200
    assert Team.objects.get(id="search").parent_id == "nw"


def test_a_team_cannot_be_put_under_its_own_sub_team(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(admin_client, url("people.team", "change", "infra"), parent="sre")
    assert response.status_code == 200
    assert "loop" in response.context["adminform"].form.errors["parent"][0]
    assert Team.objects.get(id="infra").parent_id == "nw"


def test_members_are_added_after_the_existing_ones(demo_in_db: Any, admin_client: Client) -> None:
    page = url("people.team", "change", "search")
    data = form_data(admin_client.get(page))
    new_row = int(data["memberships-TOTAL_FORMS"]) - 1  # the empty row the page offers
    data[f"memberships-{new_row}-person"] = "leo"
    response = admin_client.post(page, data)
    assert response.status_code == 302
    members = Membership.objects.filter(team_id="search").order_by("position")
    assert list(members.values_list("person_id", flat=True)) == ["ana", "ben", "cai", "leo"]


def test_a_member_is_removed_but_the_lead_stays(demo_in_db: Any, admin_client: Client) -> None:
    page = url("people.team", "change", "search")
    data = form_data(admin_client.get(page))
    rows = {data[f"memberships-{i}-person"]: i for i in range(3)}
    data[f"memberships-{rows['ben']}-DELETE"] = "on"
    data[f"memberships-{rows['ana']}-DELETE"] = "on"  # the lead
    response = admin_client.post(page, data)
    assert response.status_code == 302
    members = Membership.objects.filter(team_id="search").order_by("position")
    assert list(members.values_list("person_id", flat=True)) == ["ana", "cai"]


def test_the_team_list_counts_members(demo_in_db: Any, admin_client: Client) -> None:
    response = admin_client.get(url("people.team"))
    counts = {team.id: team.member_count for team in response.context["cl"].result_list}
    assert counts["search"] == 3
    assert counts["infra"] == 2  # dan, and omar as the lead


# -- cycles and settings --


def test_a_cycle_must_lie_inside_its_parent(demo_in_db: Any, admin_client: Client) -> None:
    response = post_form(
        admin_client,
        url("okrs.cycle", "add"),
        id="2027-Q1",
        parent="FY2026",
        start="2027-01-01",
        end="2027-03-31",
        state="planning",
    )
    assert response.status_code == 200
    assert "inside its parent FY2026" in str(response.context["adminform"].form.errors)
    assert not Cycle.objects.filter(id="2027-Q1").exists()


def test_a_cycle_cannot_be_put_inside_a_cycle_inside_it(
    demo_in_db: Any, admin_client: Client
) -> None:
    response = post_form(admin_client, url("okrs.cycle", "change", "FY2026"), parent="2026-Q4")
    assert response.status_code == 200
    assert "loop" in response.context["adminform"].form.errors["parent"][0]
    assert Cycle.objects.get(id="FY2026").parent_id is None


def test_a_cycle_cannot_shrink_away_from_the_cycles_inside_it(
    demo_in_db: Any, admin_client: Client
) -> None:
    response = post_form(admin_client, url("okrs.cycle", "change", "FY2026"), end="2026-11-30")
    assert response.status_code == 200
    assert "2026-Q4" in str(response.context["adminform"].form.errors)
    assert Cycle.objects.get(id="FY2026").end == date(2026, 12, 31)


def test_a_cycle_is_closed_from_the_admin(demo_in_db: Any, admin_client: Client) -> None:
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.ACTIVE
    response = post_form(admin_client, url("okrs.cycle", "change", "2026-Q4"), state="closed")
    assert response.status_code == 302
    assert Cycle.objects.get(id="2026-Q4").state == Cycle.State.CLOSED
    response = admin_client.get(url("okrs.cycle"), {"state__exact": "closed"})
    assert [c.id for c in response.context["cl"].result_list] == ["2026-Q3", "2026-Q4"]


def test_a_closed_cycles_dates_stay_until_it_is_reopened(
    demo_in_db: Any, admin_client: Client
) -> None:
    Cycle.objects.filter(id="2026-Q3").update(state=Cycle.State.CLOSED)
    page = url("okrs.cycle", "change", "2026-Q3")
    response = post_form(admin_client, page, end="2026-09-15", state="active")
    assert response.status_code == 302
    cycle = Cycle.objects.get(id="2026-Q3")
    assert (cycle.state, cycle.end) == (Cycle.State.ACTIVE, date(2026, 9, 30))

    response = post_form(admin_client, page, end="2026-09-15")
    assert response.status_code == 302
    assert Cycle.objects.get(id="2026-Q3").end == date(2026, 9, 15)


def test_the_settings_are_one_row_that_is_never_added_again_or_deleted(
    demo_in_db: Any, admin_client: Client
) -> None:
    assert admin_client.get(url("organization.organizationsettings", "add")).status_code == 403
    page = url("organization.organizationsettings", "delete", OrganizationSettings.SINGLETON)
    assert admin_client.post(page, {"post": "yes"}).status_code == 403
    assert OrganizationSettings.objects.count() == 1


def test_settings_follow_the_okr_files_rules(demo_in_db: Any, admin_client: Client) -> None:
    page = url("organization.organizationsettings", "change", OrganizationSettings.SINGLETON)
    response = post_form(admin_client, page, at_risk_confidence=8, on_track_confidence=6)
    assert response.status_code == 200
    assert OrganizationSettings.objects.get().on_track_confidence == 7

    response = post_form(admin_client, page, overlap_threshold=0, max_objectives_per_owner=0)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {
        "overlap_threshold",
        "max_objectives_per_owner",
    }

    response = post_form(admin_client, page, stale_after_days=21)
    assert response.status_code == 302
    assert OrganizationSettings.objects.get().stale_after_days == 21


# -- history that is never rewritten --


def test_check_ins_cannot_be_added_changed_or_deleted(
    demo_in_db: Any, admin_client: Client
) -> None:
    checkin = CheckIn.objects.order_by("id").first()
    assert checkin is not None
    before = CheckIn.objects.count()
    change = url("checkins.checkin", "change", checkin.pk)

    assert admin_client.get(change).status_code == 200  # it can be read
    assert admin_client.post(change, {"note": "rewritten", "date": "2026-01-01"}).status_code == 403
    assert admin_client.post(url("checkins.checkin", "delete", checkin.pk)).status_code == 403
    assert admin_client.get(url("checkins.checkin", "add")).status_code == 403
    admin_client.post(
        url("checkins.checkin"),
        {"action": "delete_selected", "_selected_action": [checkin.pk], "post": "yes"},
    )

    assert CheckIn.objects.count() == before
    checkin_after = CheckIn.objects.get(pk=checkin.pk)
    assert (checkin_after.note, checkin_after.date) == (checkin.note, checkin.date)


def test_dependency_states_and_their_history_are_not_edited_in_the_admin(
    demo_in_db: Any, admin_client: Client
) -> None:
    page = url("dependencies.dependency", "change", "DEP-3")
    response = admin_client.get(page)
    assert response.status_code == 200
    history = response.context["inline_admin_formsets"][0].formset.queryset
    assert [(e.from_state, e.to_state) for e in history] == [(None, "requested")]

    assert admin_client.post(page, {"state": "delivered"}).status_code == 403
    assert Dependency.objects.get(id="DEP-3").state == "requested"
    event = DependencyEvent.objects.filter(dependency_id="DEP-3").get()
    delete = url("dependencies.dependencyevent", "delete", event.pk)
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert DependencyEvent.objects.filter(pk=event.pk).exists()


def test_dependencies_are_filtered_by_state(demo_in_db: Any, admin_client: Client) -> None:
    response = admin_client.get(url("dependencies.dependency"), {"state__exact": "declined"})
    assert [d.id for d in response.context["cl"].result_list] == ["DEP-4"]


def test_objectives_are_filtered_by_level(demo_in_db: Any, admin_client: Client) -> None:
    def listed(level: str) -> set[str]:
        response = admin_client.get(url("okrs.objective"), {"level": level})
        return {objective.id for objective in response.context["cl"].result_list}

    objectives = Objective.objects.all()
    company, team, individual = listed("company"), listed("team"), listed("individual")
    assert company == {o.id for o in objectives if o.owner_team_id == "nw"}
    assert individual == {o.id for o in objectives if o.owner_person_id}
    assert team == {o.id for o in objectives} - company - individual
    assert team


# -- lists stay fast whatever the size of the organisation --


def grow(first: int, last: int) -> None:
    """Add rows numbered ``first`` to ``last - 1`` of every kind, linked like real data.

    Every foreign key an admin list shows is set, so a list that fetched related rows one by
    one would run more queries for more rows.
    """
    company, _ = Team.objects.get_or_create(id="company", defaults={"is_root": True})
    year, _ = Cycle.objects.get_or_create(
        id="year", defaults={"start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    )
    numbers = range(first, last)
    people = Person.objects.bulk_create(
        Person(id=f"p{i}", name=f"Person {i}", user=User.objects.create(username=f"p{i}"))
        for i in numbers
    )
    Person.objects.bulk_update(
        [Person(id=p.id, manager_id=people[0].id) for p in people[1:]], ["manager"]
    )
    teams = Team.objects.bulk_create(
        Team(id=f"t{i}", name=f"Team {i}", parent=company, lead=person)
        for i, person in zip(numbers, people, strict=True)
    )
    Membership.objects.bulk_create(
        Membership(team=team, person=person) for team, person in zip(teams, people, strict=True)
    )
    Cycle.objects.bulk_create(
        Cycle(id=f"c{i}", parent=year, start=year.start, end=year.end) for i in numbers
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            id=f"o{i}",
            title=f"Objective {i}",
            cycle=year,
            owner_team=team if i % 2 else None,
            owner_person=None if i % 2 else person,
        )
        for i, team, person in zip(numbers, teams, people, strict=True)
    )
    key_results = KeyResult.objects.bulk_create(
        KeyResult(
            id=f"o{i}.1",
            objective=objective,
            title=f"Key result {i}",
            owner=person,
            form=KeyResult.Form.NUMERIC,
            start=0,
            target=10,
        )
        for i, objective, person in zip(numbers, objectives, people, strict=True)
    )
    CheckIn.objects.bulk_create(
        CheckIn(key_result=kr, date=year.start, value=1, confidence=7, author=person)
        for kr, person in zip(key_results, people, strict=True)
    )
    dependencies = Dependency.objects.bulk_create(
        Dependency(
            id=f"d{i}",
            from_key_result=kr if i % 2 else None,
            from_objective=None if i % 2 else kr.objective,
            provider=team,
            need="help",
            provider_kr=key_results[0],
        )
        for i, kr, team in zip(numbers, key_results, teams, strict=True)
    )
    DependencyEvent.objects.bulk_create(
        DependencyEvent(dependency=dependency, to_state="requested", by=person)
        for dependency, person in zip(dependencies, people, strict=True)
    )


def list_queries(client: Client) -> dict[str, int]:
    counts = {}
    for page in ADMIN_PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(page))
        assert response.status_code == 200
        counts[page] = len(queries)
    return counts


def test_admin_lists_run_the_same_queries_for_a_bigger_organisation(
    db: None, admin_client: Client
) -> None:
    grow(0, 2)
    small = list_queries(admin_client)
    grow(2, 152)  # more than a page (100 rows) of every kind
    response = admin_client.get(url("checkins.checkin"))
    assert len(response.context["cl"].result_list) == 100
    assert list_queries(admin_client) == small
    assert max(small.values()) <= 12


def test_a_check_ins_corrections_cannot_be_changed_or_deleted(
    demo_in_db: Any, admin_client: Client
) -> None:
    checkin = CheckIn.objects.filter(key_result_id="SR-1.1").order_by("id").last()
    assert checkin is not None
    checkin_withdraw(checkin_id=checkin.pk, by_id="ben", reason="typed into the wrong row")
    revision = CheckInRevision.objects.get(checkin=checkin)
    change = url("checkins.checkinrevision", "change", revision.pk)

    assert admin_client.get(change).status_code == 200  # it can be read
    assert admin_client.post(change, {"reason": "rewritten"}).status_code == 403
    assert (
        admin_client.post(url("checkins.checkinrevision", "delete", revision.pk)).status_code == 403
    )
    assert admin_client.get(url("checkins.checkinrevision", "add")).status_code == 403
    assert CheckInRevision.objects.get(pk=revision.pk).reason == "typed into the wrong row"
