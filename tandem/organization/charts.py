"""A key result's check-ins over its cycle, as its chart and its table show them."""

from __future__ import annotations

from typing import Any

from tandem.core import model as m
from tandem.core.engine import key_result_start
from tandem.core.insight import trend
from tandem.organization.cache import View


def key_result_chart_get(view: View, key_result_id: str) -> dict[str, Any]:
    """A key result's check-ins over its cycle, for its chart and its table: values (numbers,
    or 0/1 for done), the line it should follow, and confidence."""
    org = view.org
    key_result = org.key_results[key_result_id]
    cycle = org.cycles[org.objectives[key_result.objective].cycle]
    metric = key_result.metric
    # The planned path starts on its own start: a key result added mid-cycle starts then.
    begin = key_result_start(key_result, cycle).isoformat()
    points = [
        {
            "date": c.date.isoformat(),
            "value": ((1 if c.value else 0) if isinstance(c.value, bool) else c.value),
            "confidence": c.confidence,
        }
        for c in key_result.checkins
        if c.date <= view.as_of
    ]
    plan: list[dict[str, Any]] = []
    label = "Value"
    if isinstance(metric, m.NumericMetric):
        plan = [
            {"date": begin, "value": metric.start},
            {"date": cycle.end.isoformat(), "value": metric.target},
        ]
    elif isinstance(metric, m.ThresholdMetric):
        plan = [
            {"date": begin, "value": metric.threshold},
            {"date": cycle.end.isoformat(), "value": metric.threshold},
        ]
    elif isinstance(metric, m.BooleanMetric):
        label = "Done (1) or not (0)"
        plan = [
            {"date": begin, "value": 0},
            {"date": cycle.end.isoformat(), "value": 1},
        ]
    elif isinstance(metric, m.MilestonesMetric):
        label = "Milestones done (%)"
        total = sum(ms.weight for ms in metric.milestones) or 1.0
        done = sorted(
            (ms for ms in metric.milestones if ms.done_on and ms.done_on <= view.as_of),
            key=lambda ms: ms.done_on or cycle.start,
        )
        reached, values = 0.0, {}
        for ms in done:
            reached += ms.weight
            assert ms.done_on is not None
            values[ms.done_on.isoformat()] = round(100 * reached / total, 1)
        by_day = {p["date"]: p for p in points}
        for day, value in values.items():
            by_day.setdefault(day, {"date": day, "value": None, "confidence": None})["value"] = (
                value
            )
        points = sorted(by_day.values(), key=lambda p: str(p["date"]))
        plan = [
            {"date": begin, "value": 0},
            {"date": cycle.end.isoformat(), "value": 100},
        ]
    else:
        label = ""
        for point in points:
            point["value"] = None
    line = trend(key_result, cycle, view.as_of)
    forecast = (
        [
            {"date": view.as_of.isoformat(), "value": round(line[0], 4)},
            {"date": cycle.end.isoformat(), "value": round(line[1], 4)},
        ]
        if line is not None
        else []
    )
    return {
        "id": key_result_id,
        "element": f"chart-data-{key_result_id}",
        "label": label,
        "unit": m.metric_unit(metric) or "",
        "plan_label": "Threshold" if isinstance(metric, m.ThresholdMetric) else "Planned path",
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "today": view.as_of.isoformat(),
        "points": points,
        "plan": plan,
        # The trend of its check-ins from today to the cycle's end (SPEC section 5), drawn
        # dotted: none without a forecast.
        "forecast": forecast,
    }
