"""The demo organisation that ``tandem serve --demo`` starts with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from tandem import DEMO_FILE
from tandem.okrfile import load_path
from tandem.organization.imports import organization_import
from tandem.organization.selectors import organization_summary_get
from tandem.people.models import Person
from tandem.people.services import logins_create_for_everyone

DEMO_PASSWORD = "northwind-demo"  # noqa: S105 - printed on purpose: it is the demo's
DEMO_USER = "ana"
# The demo's CEO is also an organisation admin, to show the admin pages.
DEMO_ADMIN = "zoe"


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    organization: str
    logins: int


@transaction.atomic
def demo_load(*, today: date) -> DemoResult:
    """Load the demo into an empty database and give every demo person a login."""
    summary = organization_summary_get()
    if summary.people or summary.teams:
        return DemoResult(loaded=False, organization=summary.name, logins=0)
    organization = load_path(DEMO_FILE).organization
    organization_import(org=organization, source="the demo", today=today)
    logins = logins_create_for_everyone(password=DEMO_PASSWORD)
    User.objects.filter(person__id=DEMO_ADMIN).update(is_staff=True, is_superuser=True)
    return DemoResult(loaded=True, organization=organization.name, logins=logins)


def demo_login_available() -> bool:
    return Person.objects.filter(id=DEMO_USER, user__isnull=False).exists()
