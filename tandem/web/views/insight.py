"""The insight pages (SPEC section 5): the confidence calibration of every team with its
reliability chart, and "what if this slipped?" on a key result. The critical providers are
on the dashboard and the dependencies page (``_critical_providers.html``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from tandem.organization.insight import (
    CALIBRATION_CYCLES,
    blast_radius_get,
    calibration_get,
    scorecard_get,
)
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in

# The reliability chart: a square of SIZE user units inside a margin of PAD.
SIZE, PAD = 200, 30


def reliability_points(bins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each confidence said as a circle: across, the chance said (c/10); up, the share met;
    the more key results, the larger."""
    return [
        {
            **row,
            "x": PAD + SIZE * row["confidence"] / 10,
            "y": PAD + SIZE * (1 - row["met"] / row["n"]),
            "r": min(4 + 2 * row["n"], 14),
            "achieved": row["met"] / row["n"],
        }
        for row in bins
    ]


@signed_in
def calibration(request: WebRequest) -> HttpResponse:
    view = pages.view_of(request)
    found = calibration_get(audience=request.caller.audience, as_of=view.as_of)
    for team in found["teams"]:
        team["points"] = reliability_points(team["bins"])
    context = {
        **found,
        "last": CALIBRATION_CYCLES,
        "size": SIZE,
        "pad": PAD,
        "box": SIZE + 2 * PAD,
        "ticks": [{"at": PAD + SIZE * i / 4, "label": f"{25 * i}%"} for i in range(5)],
        "nav": "calibration",
    }
    return pages.page(request, "web/calibration.html", context, view=view)


@signed_in
def what_if(request: WebRequest, key_result_id: str) -> HttpResponse:
    """The objectives that would turn off track if the key result did: the fragment for
    HTMX, a page of its own without JavaScript."""
    view = pages.view_of(request)
    found = blast_radius_get(
        audience=request.caller.audience, as_of=view.as_of, key_result_id=key_result_id
    )
    kr = view.org.key_results[key_result_id]
    context = {"found": found, "kr": kr, "objective": view.org.objectives[kr.objective]}
    if pages.is_htmx(request):
        return render(request, "web/_what_if.html", context)
    return pages.page(request, "web/what_if.html", context, view=view)


@signed_in
def scorecard(request: WebRequest) -> HttpResponse:
    """The executive scorecard: one printable page for the company's objectives."""
    view = pages.view_of(request)
    found = scorecard_get(audience=request.caller.audience, as_of=view.as_of)
    return pages.page(request, "web/scorecard.html", {**found, "nav": "scorecard"}, view=view)


urlpatterns = [
    path("scorecard", scorecard, name="scorecard"),
    path("calibration", calibration, name="calibration"),
    path("key-results/<str:key_result_id>/what-if", what_if, name="what_if"),
]
