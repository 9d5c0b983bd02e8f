"""``tandem digest --preview PERSON``: the weekly digest a person would get, as text."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from tandem.cli import _parse_date, app
from tandem.cli.admin import _fail
from tandem.cli.database import django_setup

Preview = Annotated[
    str,
    typer.Option("--preview", metavar="PERSON_ID", help="Whose digest to show (nothing is sent)."),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="The digest of this day (default: today)."),
]


@app.command()
def digest(preview: Preview, as_of: AsOf = None) -> None:
    """Show the weekly digest PERSON_ID would get: what needs them, what changed on what they
    own or work on, their teams' week if they lead one, the company's for executives. Only
    what they may see; nothing is sent."""
    day = _parse_date(as_of)
    django_setup()
    from tandem.errors import NotFoundError  # noqa: PLC0415
    from tandem.notifications.digests import digest_get, message_text  # noqa: PLC0415

    try:
        message = digest_get(preview, day)
    except NotFoundError as exc:
        raise _fail(exc.message) from None
    Console().print(message_text(message), markup=False, highlight=False, soft_wrap=True)
