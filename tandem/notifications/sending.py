"""Sending the deliveries whose time has come, in batches, neither twice nor never.

1. **Claim** (a short transaction): up to a batch of due deliveries (pending, or failed and
   past their retry time, and not claimed by another sender, or claimed by one that vanished
   longer ago than a lease) get this sender's claim and a lease.
2. **Send**, outside any transaction, over TANDEM_DELIVERY_CONNECTIONS SMTP connections or
   HTTP sessions (kept-alive connections) at once, each taking a part of the batch in order.
3. **Record** each attempt with its outcome, "sent" included, right after it, in one
   statement per delivery that holds only while the claim is still ours.

A second sender finds the claimed deliveries taken; a sender killed before step 3 leaves its
deliveries claimed until the lease ends, then another takes them. The one gap no sender can
close: killed after the receiver took a message and before step 3 committed, that message is
sent again (at least once). Webhook receivers drop it by its ``X-Tandem-Event-Id``; an
e-mail keeps its Message-ID.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from tandem.notifications import failing
from tandem.notifications.channels import email as email_channel
from tandem.notifications.channels import http, slack, teams, webhook
from tandem.notifications.channels.result import Result
from tandem.notifications.models import Channel, Delivery
from tandem.notifications.preferences import EMAIL, readers_get
from tandem.notifications.secrets import SecretUnreadableError, decrypt
from tandem.notifications.unsubscribe import category_label, unsubscribe_url

DUE = (Delivery.Status.PENDING, Delivery.Status.FAILED)
# Waits between attempts: doubling from a minute, at most six hours.
FIRST_WAIT = 60.0
LONGEST_WAIT = 6 * 3600.0


def lease() -> timedelta:
    """How long a claim holds. A sender starts no send later than two timeouts before its
    lease ends (:meth:`Claimed.in_time`): what it has not sent by then, another takes."""
    return timedelta(seconds=settings.TANDEM_DELIVERY_TIMEOUT * 6)


def wait_after(attempts: int) -> float:
    return min(FIRST_WAIT * 2.0 ** (attempts - 1), LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class Claimed:
    claim: str
    deliveries: list[Delivery]
    # The clock the claim was made by: a failure's next attempt is counted from it.
    now: datetime
    started: float = field(default_factory=time.monotonic)

    def in_time(self) -> bool:
        """Whether a send may still start (and end) within the lease."""
        margin = 2 * settings.TANDEM_DELIVERY_TIMEOUT
        return time.monotonic() < self.started + lease().total_seconds() - margin


def due_q(now: datetime) -> Q:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(status__in=DUE, next_attempt_at__lte=now) & free


@transaction.atomic
def deliveries_claim(*, limit: int, now: datetime | None = None) -> Claimed:
    """Take up to ``limit`` due deliveries for this sender, oldest due first."""
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    due = Delivery.objects.filter(due_q(now)).order_by("next_attempt_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    ids = list(due.values_list("id", flat=True)[:limit])
    # The filter again: on SQLite the write lock (BEGIN IMMEDIATE) makes this exclusive.
    Delivery.objects.filter(due_q(now), id__in=ids).update(claim=claim, claimed_until=now + lease())
    taken = Delivery.objects.filter(claim=claim).select_related("channel", "notification")
    return Claimed(claim, list(taken.order_by("next_attempt_at", "id")), now)


def deliveries_send_due(
    *, limit: int | None = None, batches: int = 1000, now: datetime | None = None
) -> int:
    """Send batch after batch of due deliveries until none is left; how many were tried."""
    size = limit or settings.TANDEM_DELIVERY_BATCH
    tried = 0
    for _ in range(batches):
        claimed = deliveries_claim(limit=size, now=now)
        if not claimed.deliveries:
            break
        batch_send(claimed)
        tried += len(claimed.deliveries)
    return tried


def batch_send(claimed: Claimed) -> None:
    """Send a claimed batch over TANDEM_DELIVERY_CONNECTIONS connections at once (threads,
    each with its SMTP connection or HTTP session, and its database connection)."""
    emails = [d for d in claimed.deliveries if d.via == Delivery.EMAIL]
    posts = [d for d in claimed.deliveries if d.via == Delivery.CHANNEL]
    lanes = settings.TANDEM_DELIVERY_CONNECTIONS
    work = [functools.partial(_send_emails, claimed, part) for part in _split(emails, lanes)]
    work += [functools.partial(_send_posts, claimed, part) for part in _split(posts, lanes)]
    if lanes == 1 or len(work) <= 1:
        for each in work:
            each()
        return
    with ThreadPoolExecutor(max_workers=min(lanes, len(work))) as pool:
        list(pool.map(_in_thread, work))


def _split(items: list[Delivery], lanes: int) -> list[list[Delivery]]:
    """At most ``lanes`` parts, of ten or more (a connection costs more than a few sends)."""
    if not items:
        return []
    parts = max(1, min(lanes, len(items) // 10))
    size = -(-len(items) // parts)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _in_thread(work: Callable[[], None]) -> None:
    try:
        work()
    finally:
        connections.close_all()  # this thread's own


def _send_posts(claimed: Claimed, deliveries: Sequence[Delivery]) -> None:
    session = http.session()
    try:
        for delivery in deliveries:
            if not claimed.in_time():
                break  # the rest waits for its lease to end, then another sender
            result = post_one(session, delivery)
            delivery_record(delivery, claimed.claim, result, now=claimed.now)
    finally:
        session.close()


def _send_emails(claimed: Claimed, deliveries: Sequence[Delivery]) -> None:
    writable = _still_wanted(claimed, [d for d in deliveries if d.notification is not None])

    def record(index: int, result: Result) -> None:  # right after each send
        delivery_record(writable[index], claimed.claim, result, now=claimed.now)

    emails = [_email(d) for d in writable]
    email_channel.send_all(emails, record, in_time=claimed.in_time)


def _still_wanted(claimed: Claimed, deliveries: list[Delivery]) -> list[Delivery]:
    """Those whose person still wants this e-mail (their preferences may have changed while
    it waited for their quiet hours to end); the others are skipped, with the reason."""
    readers = readers_get([d.notification.recipient_id for d in deliveries if d.notification])
    wanted = []
    for delivery in deliveries:
        note = delivery.notification
        assert note is not None
        reader = readers.get(note.recipient_id)
        reason = (
            "the person was removed"
            if reader is None
            else "no e-mail address"
            if not reader.email
            else "e-mail turned off for this category"
            if not reader.wants(note.category, EMAIL)
            else ""
        )
        if reason:
            delivery_skip(delivery, claimed.claim, reason)
        else:
            wanted.append(delivery)
    return wanted


def delivery_skip(delivery: Delivery, claim: str, reason: str) -> bool:
    """Mark a claimed delivery skipped, for ``reason`` (if the claim is still ours)."""
    mine = Delivery.objects.filter(pk=delivery.pk, claim=claim)
    status = Delivery.Status.SKIPPED
    return bool(mine.update(status=status, reason=reason, claim="", claimed_until=None))


def _email(delivery: Delivery) -> email_channel.Email:
    note = delivery.notification
    assert note is not None
    return email_channel.Email(
        delivery_id=delivery.pk,
        address=delivery.address,
        category_label=category_label(note.category),
        title=note.title,
        text=note.text,
        link=note.link,
        sections=list(note.sections),
        unsubscribe_url=unsubscribe_url(note.recipient_id, note.category),
    )


def post_one(session: requests.Session, delivery: Delivery) -> Result:
    """Send one channel delivery (Slack, Teams or webhook)."""
    channel = delivery.channel
    assert channel is not None
    try:
        url = decrypt(channel.url_encrypted)
        secret = decrypt(channel.secret_encrypted)
    except SecretUnreadableError as exc:
        return Result(ok=False, error=str(exc), permanent=True)
    if channel.kind == Channel.Kind.SLACK:
        return slack.send(session, url, delivery.payload)
    if channel.kind == Channel.Kind.TEAMS:
        return teams.send(session, url, delivery.payload)
    return webhook.send(session, url, secret, delivery.payload)


@transaction.atomic
def delivery_record(
    delivery: Delivery, claim: str, result: Result, *, now: datetime | None = None
) -> bool:
    """Record an attempt's outcome, if the claim is still ours (False: it was not): one
    statement, conditional on the claim (``delivery`` is as it was claimed: no one else has
    changed it since)."""
    outcome = _outcome(delivery.attempts + 1, result, now or timezone.now())
    mine = Delivery.objects.filter(pk=delivery.pk, claim=claim)
    if not mine.update(attempts=delivery.attempts + 1, claim="", claimed_until=None, **outcome):
        return False
    channel = delivery.channel
    # A success on a channel that was well when claimed changes nothing on it.
    if channel is not None and not (result.ok and not channel.consecutive_failures):
        failing.channel_outcome(channel.pk, result)
    return True


def _outcome(attempts: int, result: Result, now: datetime) -> dict[str, object]:
    if result.ok:
        return {"status": Delivery.Status.SENT, "sent_at": timezone.now(), "last_error": ""}
    if result.permanent or attempts >= settings.TANDEM_DELIVERY_ATTEMPTS:
        return {"status": Delivery.Status.GIVEN_UP, "last_error": result.error}
    # The receiver's Retry-After (429, 503) says when; else twice the last wait.
    # At least a second: a batch never takes the same delivery twice.
    wait = result.retry_after if result.retry_after is not None else wait_after(attempts)
    return {
        "status": Delivery.Status.FAILED,
        "last_error": result.error,
        "next_attempt_at": now + timedelta(seconds=max(wait, 1.0)),
    }
