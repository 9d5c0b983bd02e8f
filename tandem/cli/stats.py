"""``tandem stats CYCLE``: a closed cycle's statistics (docs/formulas.md, "Cycle statistics"),
of a file or the database, as a table or as the API's JSON."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from tandem.cli import AsOf, FileArg, _collector_paused, _json, _load, _parse_date, app, choice
from tandem.cli.render import percent
from tandem.core import model as m
from tandem.core.cycle_stats import CycleStats, cycle_stats, stats_json
from tandem.core.engine import evaluate


class StatsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def stats(
    cycle: Annotated[str, typer.Argument(metavar="CYCLE", help="The id of a closed cycle.")],
    file: FileArg = None,
    as_of: AsOf = None,
    format: Annotated[
        StatsFormat,
        choice(StatsFormat, "--format", "-f", help="table for a terminal, json as the API's."),
    ] = StatsFormat.TABLE,
) -> None:
    """A closed cycle's statistics per team and for the company, with the trend.

    Of a file: a cycle ended on the as-of date (the trend: the cycles ended by then); of the
    database: a closed cycle, everything counted. Definitions: docs/computation.md, section 16.
    """
    day = _parse_date(as_of)
    with _collector_paused():
        org, found = _from_file(file, cycle, day) if file else _from_database(cycle, day)
    if format is StatsFormat.JSON:
        _json(stats_json(found))
    else:
        stats_table(org, stats_json(found), Console())


def _from_file(file: Any, cycle_id: str, day: date) -> tuple[m.Organization, CycleStats]:
    org = _load(file).organization
    evaluation = evaluate(org, day)
    if cycle_id not in org.cycles:
        raise typer.BadParameter(f"there is no cycle '{cycle_id}'")
    ended = [c for c, result in evaluation.cycles.items() if result.ended]
    if cycle_id not in ended:
        raise typer.BadParameter(f"cycle {cycle_id} has not ended on {day}")
    graded = dict.fromkeys(org.cycles, evaluation)
    return org, cycle_stats(org, graded, cycle_id, closed=ended)


def _from_database(cycle_id: str, day: date) -> tuple[m.Organization, CycleStats]:
    from tandem.cli.database import database_label, django_setup, no_organisation  # noqa: PLC0415

    django_setup()
    from tandem.core.visibility import Audience  # noqa: PLC0415
    from tandem.errors import NotFoundError  # noqa: PLC0415
    from tandem.organization.cycle_stats import cycle_statistics_get  # noqa: PLC0415

    everyone = Audience(person=None, admin=True)
    try:
        read = cycle_statistics_get(audience=everyone, cycle_id=cycle_id, as_of=day)
    except NotFoundError as exc:
        if not read_teams():
            raise no_organisation(database_label()) from None
        raise typer.BadParameter(exc.message) from None
    if read.stats is None:
        raise typer.BadParameter(f"cycle {cycle_id} is not closed")
    return read.view.org, read.stats


def read_teams() -> bool:
    from tandem.people.models import Team  # noqa: PLC0415

    return Team.objects.exists()


# --- the table ----------------------------------------------------------------------------


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _met(met: dict[str, Any]) -> str:
    return f"{met['met']}/{met['judged']}" if met["judged"] else "—"


def _row(group: dict[str, Any]) -> list[str]:
    scores, deps = group["objective_scores"], group["dependencies"]
    return [
        str(group["objectives"]),
        str(group["key_results"]),
        _met(group["met"]["committed"]),
        _met(group["met"]["aspirational"]),
        _score(scores["median"]),
        _score(scores["mean"]),
        percent(group["checkins"]["share"]),
        f"{deps['delivered']}/{deps['requested']}",
        percent(deps["on_time_share"]),
    ]


# Short, to fit a terminal of 80 columns: docs/cli.md says what each means.
HEADERS = ("Obj.", "KRs", "Comm. met", "Asp. met", "Med.", "Mean", "Wkly", "Deliv.", "On time")


def stats_table(org: m.Organization, data: dict[str, Any], console: Console) -> None:
    """The company, each team and the trend, from the JSON (the same numbers): objectives, key
    results, committed and aspirational objectives that met their expectation (of those
    judged), the median and mean objective score, the share of key-result-weeks with a
    check-in, dependencies delivered (of those asked for) and the share delivered on time."""
    table = Table(
        Column("Team", no_wrap=True, max_width=18),
        *HEADERS,
        title=f"Statistics of {data['cycle']}",
        title_justify="left",
    )
    table.add_row("Company", *_row(data["company"]), style="bold")
    for team in data["teams"]:
        known = org.teams.get(team["team"])
        table.add_row(known.name if known else team["team"], *_row(team))
    console.print(table)
    trend = Table(
        Column("Cycle", no_wrap=True), *HEADERS, title="Trend (the company)", title_justify="left"
    )
    for point in data["trend"]:
        trend.add_row(point["cycle"], *_row(point))
    console.print(trend)
