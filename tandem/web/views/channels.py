"""Outside channels: a team's Slack and Teams channels (its lead, or an admin), the
organisation's outbound webhooks and the delivery log (admins), and the one-click e-mail
unsubscribe (no sign-in: the signed link is the permission). The work is
:mod:`tandem.notifications`'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.errors import NotFoundError
from tandem.jobs.models import JobRun
from tandem.notifications.channel_selectors import delivery_log_get, team_channels_get, webhooks_get
from tandem.notifications.models import Category, Channel, Delivery
from tandem.notifications.setup import (
    channel_create,
    channel_delete,
    channel_get_manageable,
    channel_test,
    may_manage_team_channels,
)
from tandem.notifications.unsubscribe import category_label, email_unsubscribe, token_read
from tandem.people.models import Team
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in
from tandem.web.views.checkin import see_other


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(choices=[("slack", "Slack"), ("teams", "Microsoft Teams")])
    name = forms.CharField(max_length=200)
    url = forms.CharField(max_length=2000, label="Webhook address")
    categories = forms.MultipleChoiceField(
        choices=[c for c in Category.choices if c[0] != Category.SYSTEM],
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=200)
    url = forms.CharField(max_length=2000, label="Address (https://...)")


def _team(request: WebRequest, team_id: str) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not may_manage_team_channels(request.caller.audience, team_id):
        raise Http404(f"there is no team '{team_id}' whose channels you manage")
    return team


@require_http_methods(["GET", "POST"])
@signed_in
def team_channels(request: WebRequest, team_id: str) -> HttpResponse:
    """A team's channels and the form that adds one."""
    team = _team(request, team_id)
    form = ChannelForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        status = (
            pages.refused(
                form,
                lambda: channel_create(
                    audience=request.caller.audience, team_id=team_id, **form.cleaned_data
                ),
            )
            or 0
        )
        if not status:
            messages.success(request, f"Added the channel {form.cleaned_data['name']}.")
            return see_other(reverse("web:team_channels", args=[team_id]))
    elif request.method == "POST":
        status = 422
    context = {"team": team, "channels": team_channels_get(team_id), "form": form}
    return pages.page(request, "web/channels/team.html", context, status=status)


def _back_to(channel: Channel) -> str:
    if channel.team_id is None:
        return reverse("web:webhooks")
    return reverse("web:team_channels", args=[channel.team_id])


@require_http_methods(["GET", "POST"])
@signed_in
def channel_remove(request: WebRequest, channel_id: int) -> HttpResponse:
    """Confirm (GET), then remove (POST) a channel."""
    channel = channel_get_manageable(request.caller.audience, channel_id)
    if request.method == "POST":
        channel_delete(audience=request.caller.audience, channel_id=channel_id)
        messages.success(request, f"Removed {channel}.")
        return see_other(_back_to(channel))
    context = {"channel": channel, "back": _back_to(channel)}
    return pages.page(request, "web/channels/remove.html", context)


@require_POST
@signed_in
def channel_try(request: WebRequest, channel_id: int) -> HttpResponse:
    """Send a test message now and say how it went."""
    channel = channel_get_manageable(request.caller.audience, channel_id)
    result = channel_test(audience=request.caller.audience, channel_id=channel_id)
    if result.ok:
        messages.success(request, f"Sent a test message to {channel}.")
    else:
        messages.error(request, f"The test message to {channel} failed: {result.error}")
    return see_other(_back_to(channel))


def _admin(request: WebRequest) -> None:
    if not request.caller.admin:
        raise PermissionDenied("only admins see this page")


@require_http_methods(["GET", "POST"])
@signed_in
def webhooks(request: WebRequest) -> HttpResponse:
    """The organisation's outbound webhooks; a new one's secret is shown once."""
    _admin(request)
    form = WebhookForm(request.POST or None)
    status, secret = 200, ""
    if request.method == "POST" and form.is_valid():
        made: list[str] = []
        status = (
            pages.refused(
                form,
                lambda: made.append(
                    channel_create(
                        audience=request.caller.audience,
                        kind="webhook",
                        team_id=None,
                        **form.cleaned_data,
                    )[1]
                ),
            )
            or 200
        )
        secret = made[0] if made else ""
        form = WebhookForm() if made else form
    elif request.method == "POST":
        status = 422
    context = {"channels": webhooks_get(), "form": form, "secret": secret}
    return pages.page(request, "web/channels/webhooks.html", context, status=status)


@require_GET
@signed_in
def delivery_log(request: WebRequest) -> HttpResponse:
    """The delivery log (filtered by status) and the queue's recent runs."""
    _admin(request)
    status = request.GET.get("status", "")
    status = status if status in Delivery.Status.values else ""
    log = delivery_log_get(status=status or None)
    context = {
        "log": log,
        "status": status,
        "statuses": [(v, label, log.counts[v]) for v, label in Delivery.Status.choices],
        "runs": JobRun.objects.order_by("-started")[:50],
    }
    return pages.page(request, "web/channels/log.html", context)


@csrf_exempt  # the signed link is the permission; mail clients post it without a page
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (link scanners must not unsubscribe anyone); POST (the
    button, or the mail client's one-click): that category's e-mail off for that person."""
    try:
        person_id, category = token_read(token)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    done = request.method == "POST"
    locked = email_unsubscribe(person_id, category) if done else None
    context = {"category": category_label(category), "done": done, "locked": locked}
    return render(request, "web/channels/unsubscribe.html", context)


urlpatterns = [
    path("teams/<str:team_id>/channels", team_channels, name="team_channels"),
    path("channels/<int:channel_id>/remove", channel_remove, name="channel_remove"),
    path("channels/<int:channel_id>/test", channel_try, name="channel_test"),
    path("settings/webhooks", webhooks, name="webhooks"),
    path("settings/deliveries", delivery_log, name="delivery_log"),
    path("unsubscribe/<str:token>", unsubscribe, name="email_unsubscribe"),
]
