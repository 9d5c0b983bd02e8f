"""``tandem notify test CHANNEL``: send a test message to a channel or a person's e-mail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from tandem.cli import app
from tandem.cli.admin import _fail
from tandem.cli.database import django_setup

notify_app = typer.Typer(
    name="notify", help="Outside channels: send test messages.", no_args_is_help=True
)
app.add_typer(notify_app)

Target = Annotated[
    str,
    typer.Argument(
        metavar="CHANNEL",
        help="A channel's id (a team's Slack or Teams channel, or a webhook: see the channels "
        "pages or GET /api/v1/webhooks), or email:PERSON_ID for a test e-mail.",
    ),
]


@notify_app.command(name="test")
def test(target: Target) -> None:
    """Send a test message now and say whether it was taken (exit 1 if not)."""
    django_setup(migrate=True)
    from tandem.core.visibility import Audience  # noqa: PLC0415
    from tandem.errors import TandemError  # noqa: PLC0415
    from tandem.notifications.setup import channel_test, email_test  # noqa: PLC0415

    try:
        if target.startswith("email:"):
            result = email_test(person_id=target.removeprefix("email:"))
        elif target.isdigit():
            result = channel_test(
                audience=Audience(person=None, admin=True), channel_id=int(target)
            )
        else:
            raise _fail(f"'{target}' is neither a channel's id nor email:PERSON_ID")
    except TandemError as exc:
        raise _fail(exc.message) from None
    if not result.ok:
        Console(stderr=True).print(f"Failed: {result.error}", markup=False, style="red")
        raise typer.Exit(1)
    Console().print(f"Sent a test message to {target}.", markup=False)
