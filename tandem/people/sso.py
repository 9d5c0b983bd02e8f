"""Writes of single sign-on: the person an identity provider vouches for, by e-mail, and the
teams and admin role their groups give them (tandem/people/oidc.py checks the token first)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from tandem.identifiers import free_id_from
from tandem.people.models import Membership, Person, Team

ARCHIVED_MESSAGE = "Your Tandem account is archived. Ask an admin."


class SignInRefusedError(Exception):
    """Single sign-on refused; the message, for the person signing in, says why and what to do."""


@dataclass(frozen=True)
class Vouched:
    """What the identity provider says about the person signing in (from a checked token)."""

    email: str
    name: str = ""
    verified: bool = True
    groups: Collection[str] | None = field(default=None)


@transaction.atomic
def sso_sign_in(vouched: Vouched) -> User:
    """The account of the person with this e-mail (any letter case), made if they have none;
    a person made too when none has it and ``TANDEM_OIDC_UNKNOWN_EMAIL`` is ``create``."""
    email = _allowed(vouched)
    people = list(Person.objects.select_for_update().filter(email__iexact=email)[:2])
    if len(people) > 1:
        raise SignInRefusedError(
            f"Two people in Tandem have the e-mail {email}, so Tandem cannot tell which one "
            "you are. Ask an admin to give each person their own e-mail."
        )
    if people:
        person = people[0]
    elif settings.TANDEM_OIDC_UNKNOWN_EMAIL == "create":
        person = _person_create(email, vouched.name)
    else:
        raise SignInRefusedError(
            f"No one in Tandem has the e-mail {email}. Ask an admin to add you (with this "
            "e-mail) and sign in again."
        )
    if person.archived_at is not None:
        # Before any login is made: archiving stops sign-in, by password and by the provider.
        raise SignInRefusedError(ARCHIVED_MESSAGE)
    user = person.user if person.user is not None else _user_create(person)
    if not user.is_active:
        raise SignInRefusedError("Your sign-in to Tandem is switched off. Ask an admin.")
    if vouched.groups is not None:
        _groups_apply(person, user, set(vouched.groups))
    return user


def _allowed(vouched: Vouched) -> str:
    email = vouched.email.strip()
    if "@" not in email:
        raise SignInRefusedError(
            "Your identity provider sent no e-mail address, and Tandem knows people by "
            "their e-mail. Ask an admin to check the e-mail claim (TANDEM_OIDC_EMAIL_CLAIM)."
        )
    if not vouched.verified:
        raise SignInRefusedError(
            f"Your identity provider says the e-mail {email} is not verified. Verify it there "
            "and sign in again."
        )
    domains = {domain.lower() for domain in settings.TANDEM_OIDC_EMAIL_DOMAINS}
    if domains and email.rsplit("@", 1)[1].lower() not in domains:
        raise SignInRefusedError(
            f"E-mail addresses at {email.rsplit('@', 1)[1]} may not sign in to Tandem (it "
            f"takes {', '.join(sorted(domains))}). Sign in with your work account."
        )
    return email


def _person_create(email: str, name: str) -> Person:
    person_id = free_id_from(email.split("@", 1)[0], fallback="person")
    position = Person.objects.count()
    return Person.objects.create(id=person_id, name=name or email, email=email, position=position)


def _user_create(person: Person) -> User:
    if User.objects.filter(username=person.id).exists():
        raise SignInRefusedError(
            f"The sign-in name {person.id} belongs to another account. Ask an admin to link "
            "your person to it or to rename it."
        )
    user = User(username=person.id, email=person.email or "", first_name=person.name[:150])
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user


def _groups_apply(person: Person, user: User, groups: set[str]) -> None:
    """Admin role and the mapped teams' membership follow the groups (other teams stay)."""
    admin_groups = set(settings.TANDEM_OIDC_ADMIN_GROUPS)
    if admin_groups:
        admin = bool(admin_groups & groups)
        if user.is_superuser != admin or user.is_staff != admin:
            user.is_superuser = user.is_staff = admin
            user.save(update_fields=["is_superuser", "is_staff"])
    mapping: dict[str, str] = settings.TANDEM_OIDC_TEAM_GROUPS
    wanted = {team for group, team in mapping.items() if group in groups}
    mapped = set(mapping.values())
    current = set(
        Membership.objects.filter(person=person, team_id__in=mapped).values_list(
            "team_id", flat=True
        )
    )
    for team in Team.objects.filter(id__in=wanted - current):
        position = Membership.objects.filter(team=team).count()
        Membership.objects.create(team=team, person=person, position=position)
    for membership in Membership.objects.filter(person=person, team_id__in=current - wanted):
        membership.delete()
