"""``tandem person``: archive a person (their OKRs and history stay; their sign-in stops and
nothing reminds them) and restore them."""

from __future__ import annotations

from typing import Annotated

import typer

from tandem.cli import _err, app
from tandem.cli.admin import _fail
from tandem.cli.database import django_setup

person_app = typer.Typer(
    name="person",
    help="People: archive them (their history stays, their sign-in stops) and restore them.",
    no_args_is_help=True,
)
app.add_typer(person_app)

PersonId = Annotated[str, typer.Argument(metavar="PERSON_ID", help="The person's id.")]


@person_app.command()
def archive(person_id: PersonId) -> None:
    """Archive a person: their OKRs and history stay, their sign-in, API tokens and
    notifications stop. Archiving an archived person changes nothing."""
    django_setup()
    from tandem.people.services import AccountError, person_archive  # noqa: PLC0415

    try:
        person = person_archive(person_id=person_id)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    _err().print(
        f"{person.name} ({person.id}) is archived: they cannot sign in, their API tokens are "
        "refused and nothing is sent to them; their OKRs and history stay. "
        f"'tandem person restore {person.id}' brings them back.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@person_app.command()
def restore(person_id: PersonId) -> None:
    """Restore an archived person: they sign in and hear from Tandem again."""
    django_setup()
    from tandem.people.services import AccountError, person_restore  # noqa: PLC0415

    try:
        person = person_restore(person_id=person_id)
    except AccountError as exc:
        raise _fail(str(exc)) from None
    _err().print(
        f"{person.name} ({person.id}) is restored: they may sign in (and their API tokens "
        "work) again.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
