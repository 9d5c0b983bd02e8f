"""The alerts' bulk visibility agrees with the permission policy for every person and
objective of the demo (admins included)."""

from __future__ import annotations

from tandem.core import model as m
from tandem.notifications.alerts.seeing import Seeing, admins_get, alerts_view
from tandem.notifications.recipients import who_may_see
from tests.notifications.alerts_support import TODAY


def test_seeing_agrees_with_the_policy_for_everyone(demo_in_db: m.Organization) -> None:
    from django.contrib.auth.models import User  # noqa: PLC0415

    from tandem.people.models import Person  # noqa: PLC0415

    zoe = Person.objects.get(pk="zoe")
    zoe.user = User.objects.create_superuser("zoe-admin")
    zoe.save()
    org = alerts_view(TODAY).org
    seeing = Seeing(org, admins_get())
    people = list(org.people)
    for objective_id in org.objectives:
        assert seeing.who(people, objective_id) == who_may_see(people, objective_id), objective_id
    assert seeing.who(people, "BEN-1") == ["zoe", "sofia", "ana", "ben"]
    assert "tom" not in seeing.who(people, "MO-1")
