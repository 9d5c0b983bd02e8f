"""Turn report data (SPEC section 4) and findings into what a person reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from tandem.core import model as m
from tandem.core.engine import Evaluation
from tandem.core.quality import Finding, count_by_severity
from tandem.organization.wording import reason_words

HEALTH_STYLE = {
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "bold red",
    "ok": "green",
    "done": "dim",
    "cancelled": "dim",
}
HEALTH_WORDS = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "ok": "ok",
    "done": "done",
    "cancelled": "cancelled",
}
BAR_WIDTH = 10


def bar(fraction: float | None, width: int = BAR_WIDTH) -> str:
    if fraction is None:
        return "—"
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled) + f" {fraction:4.0%}"


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction:.0%}"


def words(health: str | None) -> str:
    return "—" if health is None else HEALTH_WORDS.get(health, health)


def _current(row: dict[str, Any], metric: m.Metric) -> str:
    value = row["current"]
    if isinstance(metric, m.MilestonesMetric):
        return f"{value}/{len(metric.milestones)} milestones"
    if isinstance(metric, m.BooleanMetric):
        return "done" if value else "not yet"
    if value is None:
        return "no check-in" if isinstance(metric, m.ThresholdMetric) else "roll-up"
    unit = m.metric_unit(metric)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(metric, m.NumericMetric):
        text += f" → {metric.target:g}"
    elif isinstance(metric, m.ThresholdMetric):
        text += f" ({'≥' if metric.above else '≤'} {metric.threshold:g})"
    return f"{text} {unit}" if unit else text


def _owner(org: m.Organization, owner: str) -> str:
    found = org.teams.get(owner) or org.people.get(owner)
    return f"{found.name} ({owner})" if found else owner


def _name(org: m.Organization, owner: str) -> str:
    found = org.teams.get(owner) or org.people.get(owner)
    return found.name if found else owner


def dependency_reason(org: m.Organization, evaluation: Evaluation, dependency_id: str) -> str:
    """Why a dependency has its status (the engine's reason, tandem.core.risk), worded as the
    dependencies page words it (the steps of a risk chain there: "IN-1.1 is off track because
    DEP-2: Site Reliability's SRE-1.1 is at risk")."""
    dependency = org.dependencies[dependency_id]
    provider_kr = dependency.provider_kr
    return reason_words(
        evaluation.dependencies[dependency_id].reason,
        provider=_name(org, dependency.provider),
        due=dependency.due,
        provider_kr=provider_kr if provider_kr in org.key_results else None,
    )


def _because(org: m.Organization, evaluation: Evaluation, kr: dict[str, Any]) -> str:
    """``IN-1.1``'s "off track because DEP-2: Site Reliability's SRE-1.1 is at risk"."""
    reasons = "; ".join(
        f"{dep_id}: {dependency_reason(org, evaluation, dep_id)}" for dep_id in kr["at_risk_from"]
    )
    return f"{words(kr['health'])} because {reasons}"


def _grouped(
    report: dict[str, Any],
) -> Iterable[tuple[dict[str, Any], list[tuple[str, list[dict[str, Any]]]]]]:
    """Cycles with their objectives grouped by owner, in report order."""
    for cycle in report["cycles"]:
        owners: dict[str, list[dict[str, Any]]] = {}
        for objective in report["objectives"]:
            if objective["cycle"] == cycle["id"]:
                owners.setdefault(objective["owner"], []).append(objective)
        yield cycle, list(owners.items())


def _krs_by_objective(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for kr in report["key_results"]:
        found.setdefault(kr["objective"], []).append(kr)
    return found


def _health_text(health: str | None) -> Text:
    return Text(words(health), style=HEALTH_STYLE.get(health or "", ""))


def _risky(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in report["dependencies"] if d["status"] in ("at_risk", "off_track")]


def report_table(
    org: m.Organization, evaluation: Evaluation, report: dict[str, Any], console: Console
) -> None:
    krs = _krs_by_objective(report)
    console.print(Text(f"{org.name} — OKR report as of {report['as_of']}", style="bold"))
    if not report["objectives"]:
        console.print("No objectives in this selection. Try --cycle all, or another --team.")
    for cycle, owners in _grouped(report):
        if owners:
            console.print(_cycle_table(org, evaluation, cycle, owners, krs))
    risky = _risky(report)
    if risky:
        console.print(_dependencies_table(org, evaluation, risky))
    console.print(_alignment_line(report["alignment"]))


def _cycle_table(
    org: m.Organization,
    evaluation: Evaluation,
    cycle: dict[str, Any],
    owners: list[tuple[str, list[dict[str, Any]]]],
    krs: dict[str, list[dict[str, Any]]],
) -> Table:
    table = Table(
        title=f"{cycle['id']}  {cycle['start']} → {cycle['end']}  "
        f"({percent(cycle['elapsed'])} elapsed)",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("Objective / key result", ratio=1, overflow="fold")
    table.add_column("Progress", no_wrap=True)
    table.add_column("Forecast", no_wrap=True, justify="right")
    table.add_column("Health", no_wrap=True)
    for owner, objectives in owners:
        table.add_row(Text(_owner(org, owner), style="bold cyan"), "", "", "")
        for objective in objectives:
            table.add_row(*_objective_cells(objective))
            for kr in krs.get(objective["id"], []):
                table.add_row(*_key_result_cells(org, evaluation, kr))
    return table


def forecast_text(row: dict[str, Any]) -> str:
    """The forecast at the cycle's end (SPEC section 5), or a dash when there is none."""
    return percent(row.get("forecast"))


def _objective_cells(objective: dict[str, Any]) -> tuple[Text, str, str, Text]:
    detail = [
        f"expected {percent(objective['expected_progress'])}",
        objective["kind"],
        objective["level"],
    ]
    if objective["score"] is not None:
        met = "met" if objective["met_expectation"] else "not met"
        detail.append(f"score {objective['score']:.1f} ({met})")
    title = Text(f"{objective['id']}  {objective['title']}", style="bold")
    title.append("\n" + " · ".join(detail), style="dim")
    cells = bar(objective["progress"]), forecast_text(objective)
    return title, *cells, _health_text(objective["health"])


def _key_result_cells(
    org: m.Organization, evaluation: Evaluation, kr: dict[str, Any]
) -> tuple[Text, str, str, Text]:
    key_result = org.key_results[kr["id"]]
    detail = [_current(kr, key_result.metric)]
    if kr["confidence"] is not None:
        detail.append(f"confidence {kr['confidence']}")
    if kr["stale"]:
        detail.append("stale")
    if kr["score"] is not None:
        detail.append(f"score {kr['score']:.1f}")
    title = Text(f"  {kr['id']}  {key_result.title}")
    title.append("\n    " + " · ".join(detail), style="dim")
    if kr["at_risk_from"]:
        title.append("\n    " + _because(org, evaluation, kr), style=HEALTH_STYLE[kr["health"]])
    return title, bar(kr["progress"]), forecast_text(kr), _health_text(kr["health"])


def _dependencies_table(
    org: m.Organization, evaluation: Evaluation, risky: list[dict[str, Any]]
) -> Table:
    table = Table(title="Dependencies at risk", title_justify="left", title_style="bold")
    table.add_column("Dependency", no_wrap=True)
    table.add_column("Need", ratio=1, overflow="fold")
    table.add_column("Status", no_wrap=True)
    for dep in risky:
        need = Text(org.dependencies[dep["id"]].need)
        asks = f"\n{dep['from']} asks {_owner(org, dep['provider'])} · {dep['state']}"
        need.append(asks, style="dim")
        need.append(
            f"\nbecause {dependency_reason(org, evaluation, dep['id'])}",
            style=HEALTH_STYLE[dep["status"]],
        )
        table.add_row(dep["id"], need, _health_text(dep["status"]))
    return table


def _alignment_line(alignment: dict[str, Any]) -> Text:
    aligned, coverage = alignment["aligned_ratio"], alignment["company_kr_coverage"]
    parts = [
        "no team or individual objectives"
        if aligned is None
        else f"{percent(aligned)} of team and individual objectives aligned",
        "no company key results in this selection"
        if coverage is None
        else f"{percent(coverage)} of company key results have objectives aligned to them",
    ]
    if alignment["orphans"]:
        parts.append(f"not aligned: {', '.join(alignment['orphans'])}")
    text = Text("Alignment: ", style="bold")
    text.append("; ".join(parts))
    return text


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(org: m.Organization, evaluation: Evaluation, report: dict[str, Any]) -> str:
    krs = _krs_by_objective(report)
    out = [f"# {_md_escape(org.name)} — OKR report as of {report['as_of']}", ""]
    if not report["objectives"]:
        out += ["No objectives in this selection.", ""]
    for cycle, owners in _grouped(report):
        if owners:  # no heading with nothing under it
            out += _markdown_cycle(org, evaluation, cycle, owners, krs)
    risky = _risky(report)
    if risky:
        out += _markdown_dependencies(org, evaluation, risky)
    out += [_alignment_line(report["alignment"]).plain, ""]
    return "\n".join(out)


def _markdown_cycle(
    org: m.Organization,
    evaluation: Evaluation,
    cycle: dict[str, Any],
    owners: list[tuple[str, list[dict[str, Any]]]],
    krs: dict[str, list[dict[str, Any]]],
) -> list[str]:
    out = [
        f"## {cycle['id']} ({cycle['start']} → {cycle['end']}, "
        f"{percent(cycle['elapsed'])} elapsed)",
        "",
    ]
    for owner, objectives in owners:
        out += [f"### {_md_escape(_owner(org, owner))}", ""]
        out += [
            "| | Objective / key result | Progress | Expected | Health | Detail |",
            "|---|---|---|---|---|---|",
        ]
        for objective in objectives:
            out.append(_markdown_objective_row(objective))
            out += [
                _markdown_key_result_row(org, evaluation, kr) for kr in krs.get(objective["id"], [])
            ]
        out.append("")
    return out


def _markdown_objective_row(objective: dict[str, Any]) -> str:
    score = "" if objective["score"] is None else f" score {objective['score']:.1f}"
    return (
        f"| **{objective['id']}** | **{_md_escape(objective['title'])}** | "
        f"{percent(objective['progress'])} | "
        f"{percent(objective['expected_progress'])} | "
        f"{words(objective['health'])} | {objective['kind']}{score}{_md_forecast(objective)} |"
    )


def _md_forecast(row: dict[str, Any]) -> str:
    return "" if row.get("forecast") is None else f"; forecast {percent(row['forecast'])}"


def _markdown_key_result_row(
    org: m.Organization, evaluation: Evaluation, kr: dict[str, Any]
) -> str:
    key_result = org.key_results[kr["id"]]
    detail = _current(kr, key_result.metric)
    if kr["at_risk_from"]:
        detail += "; " + _because(org, evaluation, kr)
    if kr["stale"]:
        detail += "; stale"
    detail += _md_forecast(kr)
    return (
        f"| {kr['id']} | {_md_escape(key_result.title)} | "
        f"{percent(kr['progress'])} | | {words(kr['health'])} | "
        f"{_md_escape(detail)} |"
    )


def _markdown_dependencies(
    org: m.Organization, evaluation: Evaluation, risky: list[dict[str, Any]]
) -> list[str]:
    out = [
        "## Dependencies at risk",
        "",
        "| Dependency | From | Provider | State | Status | Why | Need |",
        "|---|---|---|---|---|---|---|",
    ]
    for dep in risky:
        out.append(
            f"| {dep['id']} | {dep['from']} | {_md_escape(_owner(org, dep['provider']))}"
            f" | {dep['state']} | {words(dep['status'])} | "
            f"{_md_escape(dependency_reason(org, evaluation, dep['id']))} | "
            f"{_md_escape(org.dependencies[dep['id']].need)} |"
        )
    out.append("")
    return out


def lint_text(findings: list[Finding], filename: str | None, lines: dict[str, int]) -> Group:
    """One line a finding, prefixed ``FILE:LINE:`` when the findings come from a file."""
    rows: list[Text] = []
    for finding in findings:
        line = lines.get(finding.target)
        where = f"{filename}:{line}" if line else filename
        style = {"error": "bold red", "warning": "yellow", "info": "cyan"}[finding.severity]
        row = Text(f"{where}: " if where else "")
        row.append(finding.severity.value, style=style)
        row.append(f" {finding.rule} {finding.target}: {finding.message}")
        rows.append(row)
    counts = count_by_severity(findings)
    summary = ", ".join(f"{n} {name if n != 1 else name[:-1]}" for name, n in counts.items())
    rows.append(
        Text(summary if findings else "No findings: these OKRs look healthy.", style="bold")
    )
    return Group(*rows)
