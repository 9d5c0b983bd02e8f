"""One-click unsubscribe from one category of e-mail (RFC 8058): a signed token naming the
person and the category, in every e-mail's link and ``List-Unsubscribe`` header.

The token is signed with the secret key (:mod:`django.core.signing`) and does not expire (an
old e-mail's link must still work); it only ever turns off that category's e-mail for that
person, which anyone holding the e-mail may do.

Storing the choice is the preferences' business: :func:`email_unsubscribe` hands it to
:func:`tandem.notifications.preference_services.email_unsubscribe`.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from tandem.errors import NotFoundError
from tandem.notifications.channels.content import absolute
from tandem.notifications.models import Category
from tandem.notifications.preference_services import LockedError
from tandem.notifications.preference_services import email_unsubscribe as _store

SALT = "tandem.notifications.unsubscribe"


def unsubscribe_token(person_id: str, category: str) -> str:
    return signing.dumps([person_id, category], salt=SALT, compress=True)


def unsubscribe_url(person_id: str, category: str) -> str:
    token = unsubscribe_token(person_id, category)
    return absolute(reverse("web:email_unsubscribe", args=[token]))


def token_read(token: str) -> tuple[str, str]:
    """The (person, category) a token was made for; NotFoundError for any other text."""
    try:
        person_id, category = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFoundError("this unsubscribe link is not valid") from None
    if category not in Category.values:
        raise NotFoundError("this unsubscribe link is not valid")
    return str(person_id), str(category)


def category_label(category: str) -> str:
    return str(Category(category).label)


def email_unsubscribe(person_id: str, category: str) -> str | None:
    """Turn ``category``'s e-mail off for ``person_id`` (the preferences store it). None when
    done; the reason when the organisation locked that setting on (it stays on)."""
    try:
        _store(person_id=person_id, category=category)
    except LockedError as exc:
        return exc.message
    return None
