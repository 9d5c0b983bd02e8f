"""The events the notifications hear of, one module per business area, each connecting its
receivers to that area's signals (:func:`connect`, from the AppConfig's ``ready``)."""

from __future__ import annotations

from tandem.notifications.events import comments, dependencies


def connect() -> None:
    dependencies.connect()
    comments.connect()
