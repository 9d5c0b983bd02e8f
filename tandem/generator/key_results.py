"""Key results of every metric form, with their check-ins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tandem.generator.base import BuilderBase
from tandem.generator.domains import GENERIC_METRICS
from tandem.generator.records import Cycle, MetricSpec, Objective, Topic
from tandem.generator.text import capitalize, display_value, round_to
from tandem.generator.words import (
    ABOVE_TITLES,
    AUDIENCES,
    BELOW_TITLES,
    BOOLEAN_TITLES,
    DOWN_TITLES,
    MILESTONE_TITLES,
    MILESTONES,
    NOTES,
    OVERRIDE_REASONS,
    QUALIFIERS,
    ROLLUP_TITLES,
    TASK_LIKE_SHARE,
    TASK_TITLES,
    UP_TITLES,
)


class KeyResults(BuilderBase):
    """Key results of every metric form, each with its check-ins up to the as-of date."""

    def _next_form(self) -> str:
        if self._form_deck:  # the first key results cover every metric form
            return self._form_deck.pop(0)
        rng = self.rng
        return rng.choices(("numeric", "keep", "boolean", "milestones"), (55, 13, 14, 18))[0]

    def _key_result(
        self,
        objective: Objective,
        topic: Topic,
        *,
        owner: str | None,
        form: str | None = None,
        contributors: Sequence[str] = (),
        metrics: Sequence[MetricSpec] | None = None,
    ) -> None:
        rng = self.rng
        kr_id = f"{objective.id}.{len(objective.key_results) + 1}"
        form = form or self._next_form()
        cycle = objective.cycle
        perf = min(1.3, max(0.05, rng.gauss(0.8, 0.3)))
        if metrics is None:
            domain_metrics = topic.domain.metrics if topic.domain else ()
            metrics = domain_metrics if domain_metrics and rng.random() < 0.8 else GENERIC_METRICS
        metric: Any
        value: Callable[[float], float | bool] | None = None
        if form in ("numeric", "up", "down"):
            title, metric, value = self._numeric(metrics, form, perf)
        elif form in ("keep", "above", "below"):
            title, metric, value = self._threshold(metrics, form, perf)
        elif form == "boolean":
            title, metric = self._boolean_title(topic), "boolean"
            value = switch_at(rng.uniform(0.25, 0.9) / max(perf, 0.1))
        elif form == "milestones":
            title = self._milestones_title(topic)
            metric = {"milestones": self._milestones(cycle, perf)}
        else:
            title, metric = rng.choice(ROLLUP_TITLES), "rollup"
        record: dict[str, Any] = {"id": kr_id, "title": title}
        if owner is not None:
            record["owner"] = owner
        if contributors:
            record["contributors"] = list(contributors)
        roll = rng.random()
        if roll < 0.08:
            record["weight"] = 2
        elif roll < 0.1:
            record["weight"] = 0.5
        record["metric"] = metric
        checkins = self._checkins(cycle, value, perf)
        if checkins:
            record["checkins"] = checkins
        if cycle.end < self.as_of and rng.random() < 0.03:
            record["score_override"] = {
                "score": round(rng.uniform(0.2, 1.0), 1),
                "reason": rng.choice(OVERRIDE_REASONS),
            }
        objective.record["key_results"].append(record)
        objective.key_results.append(kr_id)
        if form == "rollup":
            objective.rollup_krs.append(kr_id)

    def _pick_metric(self, metrics: Sequence[MetricSpec], up: bool | None) -> MetricSpec:
        pool = [spec for spec in metrics if up is None or spec.up == up]
        if not pool:
            pool = [spec for spec in GENERIC_METRICS if spec.up == up]
        return self.rng.choice(pool)

    def _numeric(
        self, metrics: Sequence[MetricSpec], form: str, perf: float
    ) -> tuple[str, dict[str, Any], Callable[[float], float]]:
        rng = self.rng
        spec = self._pick_metric(metrics, None if form == "numeric" else form == "up")
        up = spec.up
        if form == "numeric" and spec.two_sided and rng.random() < 0.05:
            up = not up  # pulls against the usual direction: a natural conflict
        span = spec.high - spec.low
        if up:
            start = spec.low + span * rng.uniform(0.05, 0.6)
            target = start + span * rng.uniform(0.15, 0.4)
        else:
            start = spec.high - span * rng.uniform(0.05, 0.6)
            target = start - span * rng.uniform(0.15, 0.4)
        decimals = spec.decimals
        start_value, target_value = round_to(start, decimals), round_to(target, decimals)
        if start_value == target_value:  # never generate an unmeasurable key result
            step = 10.0**-decimals
            target_value = round_to(target_value + (step if up else -step), decimals)
        templates = UP_TITLES if up else DOWN_TITLES
        title = rng.choice(templates).format(
            m=spec.phrase,
            M=capitalize(spec.phrase),
            s=display_value(start_value, spec.unit),
            t=display_value(target_value, spec.unit),
        )
        title = self._with_qualifier(title)
        metric: dict[str, Any] = {"start": start_value, "target": target_value}
        if spec.unit:
            metric["unit"] = spec.unit
        low, high = spec.low, spec.high
        rng_gauss = rng.gauss

        def value(elapsed: float) -> float:
            progress = min(1.1, max(-0.05, perf * elapsed + rng_gauss(0.0, 0.04)))
            current = start_value + (target_value - start_value) * progress
            return round_to(min(high, max(low, current)), decimals)

        return title, metric, value

    def _threshold(
        self, metrics: Sequence[MetricSpec], form: str, perf: float
    ) -> tuple[str, dict[str, Any], Callable[[float], float]]:
        rng = self.rng
        spec = self._pick_metric(metrics, None if form == "keep" else form == "above")
        span = spec.high - spec.low
        above = spec.up
        fraction = rng.uniform(0.5, 0.95) if above else rng.uniform(0.05, 0.5)
        decimals = spec.decimals
        threshold = round_to(spec.low + span * fraction, decimals)
        title = rng.choice(ABOVE_TITLES if above else BELOW_TITLES).format(
            m=spec.phrase, x=display_value(threshold, spec.unit)
        )
        title = self._with_qualifier(title)
        metric: dict[str, Any] = {("keep_above" if above else "keep_below"): threshold}
        if spec.unit:
            metric["unit"] = spec.unit
        # Healthy key results hover on the right side of the threshold, others drift across it.
        margin = (0.03 if perf > 0.55 else -0.02) * (1 if above else -1)
        low, high = spec.low, spec.high
        rng_gauss = rng.gauss

        def value(_elapsed: float) -> float:
            current = threshold + span * rng_gauss(margin, 0.03)
            return round_to(min(high, max(low, current)), decimals)

        return title, metric, value

    def _with_qualifier(self, title: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            return f"{title} {rng.choice(QUALIFIERS)}"
        if roll < 0.35:
            return f"{title} for {rng.choice(AUDIENCES)}"
        return title

    def _boolean_title(self, topic: Topic) -> str:
        templates = TASK_TITLES if self.rng.random() < TASK_LIKE_SHARE else BOOLEAN_TITLES
        return self._fill(self.rng.choice(templates), topic)

    def _milestones_title(self, topic: Topic) -> str:
        templates = TASK_TITLES if self.rng.random() < TASK_LIKE_SHARE else MILESTONE_TITLES
        return self._fill(self.rng.choice(templates), topic)

    def _milestones(self, cycle: Cycle, perf: float) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(3, 5)
        limit = min(self.as_of, cycle.end).toordinal()
        start = cycle.start.toordinal()
        milestones: list[dict[str, Any]] = []
        for index, title in enumerate(rng.sample(MILESTONES, count)):
            milestone: dict[str, Any] = {"title": title}
            if rng.random() < 0.4:
                milestone["weight"] = rng.choice((2, 3))
            # Planned evenly over the cycle; weaker key results finish theirs later.
            planned = (index + 1) / (count + 0.5)
            actual = planned / max(perf, 0.2) * rng.uniform(0.9, 1.15)
            done = start + round(actual * cycle.days)
            if done <= limit:
                milestone["done_on"] = self._day(done)
            milestones.append(milestone)
        return milestones

    def _checkins(
        self, cycle: Cycle, value: Callable[[float], float | bool] | None, perf: float
    ) -> list[dict[str, Any]]:
        rng = self.rng
        last = min(self.as_of, cycle.end).toordinal()
        start = cycle.start.toordinal()
        if last < start or rng.random() < 0.02:  # not started, or never checked in
            return []
        if cycle.end >= self.as_of and rng.random() < 0.1:
            last -= rng.randint(15, 45)  # stale: the owner stopped checking in
        steps = (7,) if rng.random() < 0.7 else (3, 4)  # weekly, or twice a week
        total = cycle.days
        # Confidence starts near 6 and drifts towards where the key result will really end.
        final = 2 + 7.5 * min(perf, 1.0)
        day = start + rng.randint(0, 6)
        out: list[dict[str, Any]] = []
        step = 0
        while day <= last:
            if rng.random() >= 0.05:  # now and then a week is skipped
                elapsed = (day - start) / total
                checkin: dict[str, Any] = {"date": self._day(day)}
                only_confidence = value is None or rng.random() < 0.03
                if not only_confidence:
                    assert value is not None
                    checkin["value"] = value(elapsed)
                if only_confidence or rng.random() >= 0.03:
                    expected = 6 + (final - 6) * min(1.0, 2 * elapsed)
                    checkin["confidence"] = min(10, max(0, round(rng.gauss(expected, 0.9))))
                if rng.random() < 0.08:
                    checkin["note"] = rng.choice(NOTES)
                out.append(checkin)
            day += steps[step % len(steps)]
            step += 1
        return out


def switch_at(moment: float) -> Callable[[float], bool]:
    """A boolean key result that becomes true once the elapsed fraction reaches ``moment``."""

    def value(elapsed: float) -> bool:
        return elapsed >= moment

    return value
