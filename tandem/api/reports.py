"""The report (SPEC section 4), the lint findings and the alignment tree, as the caller sees
them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tandem import clock
from tandem.api.auth import caller_of
from tandem.api.inputs import IsoDate
from tandem.api.problems import ERROR_STATUSES, Problem
from tandem.core.quality import count_by_severity
from tandem.organization.reports import alignment_tree_get, lint_get, report_get

router = Router(tags=["reports"])


class CalibrationRow(Schema):
    team: str
    n: int
    brier: float
    overconfidence: float


class Report(Schema):
    as_of: date
    cycles: list[dict[str, Any]]
    objectives: list[dict[str, Any]]
    key_results: list[dict[str, Any]]
    dependencies: list[dict[str, Any]]
    alignment: dict[str, Any]
    calibration: list[CalibrationRow] = Field(description="SPEC section 5, by team id")
    critical_providers: list[str] = Field(description="key result ids, most reached first")


class FindingOut(Schema):
    rule: str
    severity: str
    target: str
    related: str | None
    message: str


class LintOut(Schema):
    findings: list[FindingOut]
    errors: int
    warnings: int
    infos: int


class AlignmentOut(Schema):
    as_of: date
    cycles: list[str]
    roots: list[dict[str, Any]]
    orphans: list[dict[str, Any]]


@router.get("/report", response={200: Report, ERROR_STATUSES: Problem})
def report(
    request: HttpRequest,
    as_of: IsoDate | None = None,
    cycle: str | None = None,
    team: str | None = None,
) -> dict[str, Any]:
    """The report of `tandem report --format json` on what you may see.

    `cycle`: a cycle id or `all` (default: the cycles under way on `as_of`, itself defaulting
    to today); `team`: the team, its sub-teams and their members.
    """
    audience = caller_of(request).audience
    return report_get(audience=audience, as_of=as_of or clock.today(), cycle=cycle, team=team)


@router.get("/lint", response={200: LintOut, ERROR_STATUSES: Problem})
def lint(
    request: HttpRequest,
    as_of: IsoDate | None = None,
    cycle: str | None = None,
    team: str | None = None,
) -> dict[str, Any]:
    """The quality findings on what you may see (`cycle` and `team` narrow them)."""
    audience = caller_of(request).audience
    findings = lint_get(audience=audience, as_of=as_of or clock.today(), cycle=cycle, team=team)
    return {"findings": [f.as_json() for f in findings], **count_by_severity(findings)}


@router.get("/alignment", response={200: AlignmentOut, ERROR_STATUSES: Problem})
def alignment(
    request: HttpRequest, as_of: IsoDate | None = None, cycle: str | None = None
) -> dict[str, Any]:
    """The alignment tree from the company down, with progress and health on every node."""
    audience = caller_of(request).audience
    return alignment_tree_get(audience=audience, as_of=as_of or clock.today(), cycle=cycle)
