"""A closed cycle's statistics (docs/formulas.md, "Cycle statistics"): the company and each
team in tables, the spread of the scores, and the trend over the previous closed cycles as an
inline SVG chart with the same figures in a table. The figures are
:mod:`tandem.organization.cycle_stats`'s, on what the caller may see: the API's and the CLI's.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from tandem import clock
from tandem.core import model as m
from tandem.core.cycle_stats import BUCKETS, CycleStats, GroupStats, Spread
from tandem.organization.cycle_stats import cycle_statistics_get, latest_closed_get
from tandem.organization.team_groups import team_tree
from tandem.web import pages
from tandem.web.pages import WebRequest, signed_in

# The trend chart's geometry (SVG user units).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 44, 16, 12, 36
# The trend's lines: what each shows and how to read it from a point.
SERIES = (
    ("met", "Objectives that met their expectation", "solid"),
    ("mean", "Mean objective score", "dashed"),
    ("checked_in", "Key-result-weeks with a check-in", "dotted"),
    ("on_time", "Dependencies delivered on time", "dashdot"),
)
BAR_HEIGHT = 80  # the histogram's tallest bar
TEAMS_PER_PAGE = 50  # rows of the table by team (750 teams have objectives at 10k people)


def _figures(group: GroupStats) -> dict[str, float | None]:
    """The trend's figures of one cycle (each a share or a score in [0, 1], or None)."""
    return {
        "met": group.met.share,
        "mean": group.objective_scores.mean,
        "checked_in": group.checkins.share,
        "on_time": group.dependencies.on_time_share,
    }


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value)


def trend_chart(stats: CycleStats) -> dict[str, Any]:
    """The trend as SVG shapes: a line (and its points) per series, the cycles along x."""
    count = len(stats.trend)
    rows = [(p.cycle, _figures(p.stats)) for p in stats.trend]
    lines = []
    for key, label, style in SERIES:
        points = [
            {"x": _x(i, count), "y": _y(v), "value": v, "cycle": cycle}
            for i, (cycle, figures) in enumerate(rows)
            if (v := figures[key]) is not None
        ]
        path_points = " ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in points)
        lines.append(
            {"key": key, "label": label, "style": style, "points": points, "path": path_points}
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lines": lines,
        "ticks": [{"y": _y(v), "label": f"{v:.0%}"} for v in (0, 0.25, 0.5, 0.75, 1)],
        "cycles": [{"x": _x(i, count), "id": cycle} for i, (cycle, _f) in enumerate(rows)],
        "rows": [{"cycle": cycle, **figures} for cycle, figures in rows],
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
    }


def histogram(scores: Spread) -> list[dict[str, Any]]:
    """A bar per tenth of the scores, as tall as its share of the tallest."""
    tallest = max(scores.histogram, default=0) or 1
    return [
        {
            "label": f"{i / BUCKETS:.1f}–{(i + 1) / BUCKETS:.1f}",
            "count": count,
            "x": i * 24,
            "height": round(BAR_HEIGHT * count / tallest, 1),
            "y": BAR_HEIGHT - round(BAR_HEIGHT * count / tallest, 1),
        }
        for i, count in enumerate(scores.histogram)
    ]


def team_rows(org: m.Organization, stats: CycleStats) -> list[dict[str, Any]]:
    """The teams' statistics in the team tree's order (the company first), with their depth."""
    by_team = {t.team: t for t in stats.teams}
    return [
        {
            "team": team,
            "depth": min(depth, 6),
            "stats": by_team[team.id].stats,
            "provided": by_team[team.id].provided,
        }
        for team, depth in team_tree(org)
        if team.id in by_team
    ]


@signed_in
def cycle_statistics(request: WebRequest, cycle_id: str) -> HttpResponse:
    audience = request.caller.audience
    read = cycle_statistics_get(audience=audience, cycle_id=cycle_id, as_of=clock.today())
    context: dict[str, Any] = {
        "nav": "review",
        "cycle": read.cycle,
        "closed": read.closed,
        "closed_cycles": read.closed_cycles,
        "stats": read.stats,
    }
    if read.stats is not None:
        context |= {
            "company": read.stats.company,
            "company_rows": [{"stats": read.stats.company}],
            "teams": Paginator(team_rows(read.view.org, read.stats), TEAMS_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "chart": trend_chart(read.stats),
            "bars": histogram(read.stats.company.objective_scores),
            "kr_bars": histogram(read.stats.company.key_result_scores),
        }
    return pages.page(request, "web/statistics.html", context, view=read.view)


@signed_in
def latest_statistics(request: WebRequest) -> HttpResponse:
    """The statistics of the closed cycle that ended last, or why there are none yet."""
    latest = latest_closed_get(audience=request.caller.audience, as_of=clock.today())
    if latest is not None:
        return HttpResponseRedirect(reverse("web:statistics", args=[latest.id]))
    context = {"nav": "review", "cycle": None, "closed_cycles": (), "stats": None}
    return pages.page(request, "web/statistics.html", context, view=pages.view_of(request))


urlpatterns = [
    path("cycles/statistics", latest_statistics, name="statistics_latest"),
    path("cycles/<str:cycle_id>/statistics", cycle_statistics, name="statistics"),
]
