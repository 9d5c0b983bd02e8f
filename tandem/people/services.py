"""Writes about people: sign-in accounts, administrators, archiving."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.people.models import Person


class AccountError(Exception):
    """A sign-in account cannot be set up as asked; the message says why and what to do."""


@transaction.atomic
def person_password_set(*, person_id: str, password: str, validate: bool = True) -> User:
    """Give ``person_id`` a login (their id is the username) with this password."""
    person = Person.objects.select_for_update().filter(id=person_id).first()
    if person is None:
        raise AccountError(f"there is no person with id '{person_id}' (ids are case-sensitive)")
    user = person.user
    if user is None:
        if User.objects.filter(username=person.id).exists():
            raise AccountError(
                f"the sign-in name '{person.id}' is already used by another account (an "
                "admin made with createadmin?); rename or delete that account in the admin"
            )
        user = User(username=person.id)
    user.email = person.email or ""
    # The password checks compare against these: a person's own name is a weak password.
    user.first_name = person.name[:150]
    if validate:
        _validate(password, user)
    user.set_password(password)
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return user


@transaction.atomic
def admin_create(
    *, username: str, password: str, email: str = "", person_id: str | None = None
) -> User:
    """An organisation admin: may do everything, in the admin site and (later) the app."""
    person = None
    if person_id is not None:
        person = Person.objects.filter(id=person_id).first()
        if person is None:
            raise AccountError(f"there is no person with id '{person_id}'")
        if person.user_id is not None:
            raise AccountError(f"'{person_id}' already has a login; pick another person")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        raise AccountError(
            f"'{username}' cannot be a sign-in name: use letters, digits and @ . + - _ only"
        ) from None
    if not username:
        raise AccountError("the sign-in name is empty; give one with --username")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"the username '{username}' is taken; choose another with --username")
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    _validate(password, user)
    user.set_password(password)
    user.save()
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


@transaction.atomic
def logins_create_for_everyone(*, password: str) -> int:
    """A login with the same password for every person without one (the demo organisation).

    The password is hashed once: hashing is slow on purpose, and they all share it.
    """
    template = User()
    template.set_password(password)
    taken = set(User.objects.values_list("username", flat=True))
    people = [
        person
        for person in Person.objects.filter(user__isnull=True).order_by("position", "id")
        if person.id not in taken  # that name belongs to another account: leave it be
    ]
    users = User.objects.bulk_create(
        [
            User(
                username=p.id,
                email=p.email or "",
                first_name=p.name[:150],
                password=template.password,
                is_active=True,
            )
            for p in people
        ]
    )
    by_name = {u.username: u for u in User.objects.filter(username__in=[p.id for p in people])}
    for person in people:
        person.user = by_name[person.id]
    Person.objects.bulk_update(people, ["user"])
    return len(users)


def _validate(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("the password is too weak: " + " ".join(exc.messages)) from None


@transaction.atomic
def person_archive(*, person_id: str) -> Person:
    """Archive a person: their OKRs, check-ins and history stay; their sign-in stops (their
    account is switched off, which also ends their sessions) and nothing reminds them.
    Archiving an archived person changes nothing."""
    person = _person_locked(person_id)
    if person.archived_at is None:
        person.archived_at = timezone.now()
        person.save(update_fields=["archived_at"])
    if person.user is not None and person.user.is_active:
        person.user.is_active = False
        person.user.save(update_fields=["is_active"])
    return person


@transaction.atomic
def person_restore(*, person_id: str) -> Person:
    """Undo :func:`person_archive`: the person is back, and so is their sign-in."""
    person = _person_locked(person_id)
    if person.archived_at is not None:
        person.archived_at = None
        person.save(update_fields=["archived_at"])
    if person.user is not None and not person.user.is_active:
        person.user.is_active = True
        person.user.save(update_fields=["is_active"])
    return person


def _person_locked(person_id: str) -> Person:
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the login.
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(id=person_id)
        .first()
    )
    if person is None:
        raise AccountError(f"there is no person with id '{person_id}'")
    return person
