"""``tandem token``: personal API tokens, created (and shown once), listed and revoked."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tandem.cli import _err, app, choice
from tandem.cli.admin import _fail
from tandem.cli.database import django_setup

if TYPE_CHECKING:
    from tandem.access.models import ApiToken

token_app = typer.Typer(
    name="token",
    help="Personal API tokens: create (shown once), list and revoke them.",
    no_args_is_help=True,
)
app.add_typer(token_app)

STATE_STYLES = {"active": "green", "expired": "yellow", "revoked": "red"}
WRAPPING_MIN_WIDTH = {"name": 6, "last used": 10}


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    SCIM = "scim"


PersonId = Annotated[
    str,
    typer.Argument(metavar="PERSON_ID", help="Whose token it is: the API acts as them."),
]
ScopeOption = Annotated[
    Scope,
    choice(
        Scope,
        "--scope",
        help="read: may only read; write: may also change what the person may; scim: an "
        "identity provider's key to /scim/v2 (an admin's only; see docs/scim.md).",
    ),
]
TokenName = Annotated[
    str | None,
    typer.Option(help="What uses the token, shown in lists (default: 'API token')."),
]
Expires = Annotated[
    int | None,
    typer.Option(metavar="DAYS", help="Expire after this many days (default: never)."),
]
PersonFilter = Annotated[
    str | None, typer.Option(metavar="PERSON_ID", help="Only this person's tokens.")
]
TokenIdOrPrefix = Annotated[
    str,
    typer.Argument(
        metavar="TOKEN_ID_OR_PREFIX",
        help="The token's id or prefix, as 'tandem token list' shows them.",
    ),
]


@token_app.command()
def create(
    person_id: PersonId,
    scope: ScopeOption = Scope.READ,
    name: TokenName = None,
    expires: Expires = None,
) -> None:
    """Create a token for a person and print it, this once."""
    django_setup()
    from tandem.access.tokens import token_create  # noqa: PLC0415
    from tandem.errors import TandemError  # noqa: PLC0415

    try:
        token, raw = token_create(
            person_id=person_id, scope=scope.value, name=name, expires_days=expires
        )
    except TandemError as exc:
        raise _fail(exc.message) from None
    sys.stdout.write(raw + "\n")
    _err().print(_created_message(token), markup=False, highlight=False, soft_wrap=True)


def _created_message(token: ApiToken) -> str:
    expiry = f"expires on {_time(token.expires_at)}" if token.expires_at else "does not expire"
    use = (
        "Paste it as the secret token of your identity provider's SCIM set-up, with the tenant "
        "URL https://<your Tandem>/scim/v2 (docs/scim.md)."
        if token.scope == "scim"
        else "Send it with every API call as the header 'Authorization: Bearer <token>'."
    )
    return (
        f"Created the {token.scope} token {token.prefix} ('{token.name}') for {token.person}; "
        f"it {expiry}. This is the only time the token is shown: store it now (a lost token "
        f"cannot be recovered; revoke it and create another). {use}"
    )


@token_app.command(name="list")
def list_command(person: PersonFilter = None) -> None:
    """List the tokens (never the tokens themselves): whose, scope, expiry, last use, state."""
    django_setup()
    from tandem.access.tokens import token_list  # noqa: PLC0415
    from tandem.errors import TandemError  # noqa: PLC0415

    try:
        tokens = token_list(person_id=person)
    except TandemError as exc:
        raise _fail(exc.message) from None
    if not tokens:
        whose = f" for {person}" if person else ""
        _err().print(
            f"No API tokens{whose} yet; create one with 'tandem token create PERSON_ID'.",
            markup=False,
        )
        return
    Console().print(_tokens_table(tokens))


def _tokens_table(tokens: list[ApiToken]) -> Table:
    from django.utils import timezone  # noqa: PLC0415

    now = timezone.now()
    table = Table(
        title="API tokens",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,  # the box's column divider is the space between columns
        show_edge=False,
    )
    # Dates and states stay whole; names and the time of last use wrap in a narrow terminal.
    for heading in ("prefix", "person", "name", "scope", "created", "expires", "last used"):
        wraps = heading in ("person", "name", "last used")
        table.add_column(heading, no_wrap=not wraps, min_width=WRAPPING_MIN_WIDTH.get(heading))
    table.add_column("state", no_wrap=True)
    for token in tokens:
        state = token.state(now)
        table.add_row(
            token.prefix,
            token.person_id,
            Text(token.name),
            token.scope,
            _day(token.created_at),
            _day(token.expires_at, empty="never"),
            _time(token.last_used_at, empty="never"),
            Text(state.value, style=STATE_STYLES[state.value]),
        )
    table.caption = f"Times in {timezone.get_current_timezone_name()}; last use to the minute."
    return table


@token_app.command()
def revoke(token_id_or_prefix: TokenIdOrPrefix) -> None:
    """Revoke a token: the API refuses it from now on."""
    django_setup()
    from django.utils import timezone  # noqa: PLC0415

    from tandem.access.tokens import token_revoke  # noqa: PLC0415
    from tandem.errors import TandemError  # noqa: PLC0415

    now = timezone.now()
    try:
        token = token_revoke(token_id_or_prefix=token_id_or_prefix, now=now)
    except TandemError as exc:
        raise _fail(exc.message) from None
    what = f"The token {token.prefix} ('{token.name}') of {token.person_id}"
    if token.revoked_at != now:
        _err().print(
            f"{what} was already revoked on {_time(token.revoked_at)}.",
            markup=False,
            soft_wrap=True,
        )
    else:
        _err().print(
            f"{what} is revoked; the API refuses it from now on.", markup=False, soft_wrap=True
        )


def _time(moment: datetime | None, *, empty: str = "") -> str:
    if moment is None:
        return empty
    from django.utils import timezone  # noqa: PLC0415

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _day(moment: datetime | None, *, empty: str = "") -> str:
    return _time(moment, empty=empty)[:10]
