"""The weekly digests, as plain builders returning a :class:`Message`: a person's (what needs
them, what changed on what they own or work on since a week ago), a team lead's (their teams'
health changes, stale key results, requests waiting on and by the team, risk arriving from
other teams), an executive's (the company's objectives and their change, the chains that put
them at risk, alignment coverage) and a team's, for its channel.

Every figure is the engine's (the round's evaluations, today and a week before), never
computed again; every line names only what its reader may see (:meth:`Round.sees`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tandem.core import model as m
from tandem.core.insight import Forecasts, forecasts
from tandem.core.report import Scope, alignment_summary, current_cycles
from tandem.core.results import Health
from tandem.core.risk import Step, risk_chain
from tandem.core.visibility import Audience
from tandem.errors import NotFoundError
from tandem.notifications.models import Category
from tandem.notifications.reminders import checkin_link
from tandem.notifications.round import Round, round_get
from tandem.notifications.services import Item, Message, Section
from tandem.organization.wording import number, person_name

DIGEST_KIND = "weekly_digest"
TEAM_DIGEST_KIND = "team_digest"
# Whom a digest is for: a person, or an audience (a team's channel).
Viewer = str | Audience


def health_words(health: Health | None) -> str:
    return "not measured" if health is None else health.value.replace("_", " ")


def percent(progress: float | None) -> str:
    return "—" if progress is None else f"{round(progress * 100)} %"


def _objective_link(objective_id: str) -> str:
    return f"/objectives/{objective_id}"


def needs_you(rnd: Round, person_id: str) -> Section:
    """What needs the person: check-ins due, requests to their teams waiting for an answer,
    help their teams owe past its date."""
    items = [
        Item(f"Check in on {d.key_result} {d.title}", checkin_link(d.objective, d.key_result))
        for d in rnd.checkins_due(person_id)
    ]
    for team in rnd.index.teams_of.get(person_id, []):
        items.extend(_requests(rnd, person_id, rnd.index.asked_of[team], waiting_on=True))
        items.extend(_overdue(rnd, person_id, team))
    return Section("Needs you", tuple(items))


def _requests(rnd: Round, reader: Viewer, ids: Iterable[str], *, waiting_on: bool) -> list[Item]:
    org, found = rnd.org, []
    for dependency_id in ids:
        dependency = org.dependencies[dependency_id]
        needer = rnd.objective_of(dependency.from_id)
        if dependency.state is m.DependencyState.REQUESTED and rnd.sees(reader, needer):
            provider = org.teams[dependency.provider].name
            words = f"asked by {dependency.from_id}" if waiting_on else f"asked of {provider}"
            found.append(Item(f"{dependency.id} {dependency.need} ({words})", "/dependencies"))
    return found


def _overdue(rnd: Round, reader: Viewer, team_id: str) -> list[Item]:
    org, today, found = rnd.org, rnd.as_of, []
    for dependency_id in rnd.index.asked_of[team_id]:
        dependency = org.dependencies[dependency_id]
        if (
            dependency.state is m.DependencyState.ACCEPTED
            and dependency.due is not None
            and dependency.due < today
            and rnd.sees(reader, rnd.objective_of(dependency.from_id))
        ):
            late = (today - dependency.due).days
            found.append(
                Item(f"{dependency.id} {dependency.need} ({late} days overdue)", "/dependencies")
            )
    return found


def _worked_on(rnd: Round, person_id: str) -> list[str]:
    """The key results under way of the person's objectives and those they work on."""
    teams = rnd.index.teams_of.get(person_id, [])
    mine = rnd.own_objectives(person_id, teams)
    found = [k for o in mine for k in rnd.org.objectives[o].key_results]
    found.extend(k for who in (person_id, *teams) for k in rnd.index.key_results_of[who])
    return list(dict.fromkeys(found))


def changes(rnd: Round, reader: Viewer, key_results: Iterable[str], heading: str) -> Section:
    """The check-ins of the last week on ``key_results`` and their changes of health."""
    since, org = rnd.as_of - timedelta(days=7), rnd.org
    now, before = rnd.view.evaluation.key_results, rnd.before.evaluation.key_results
    items = []
    for kid in key_results:
        key_result = org.key_results[kid]
        if not rnd.sees(reader, key_result.objective):
            continue
        link = checkin_link(key_result.objective, kid)
        for checkin in key_result.checkins:
            if since < checkin.date <= rnd.as_of:
                items.append(Item(_checkin_words(org, kid, checkin), link))
        was, is_ = before[kid].health if kid in before else None, now[kid].health
        if was is not None and was is not is_:
            items.append(
                Item(f"{kid} {key_result.title}: {health_words(was)} → {health_words(is_)}", link)
            )
    return Section(heading, tuple(items))


def _checkin_words(org: m.Organization, kid: str, checkin: m.CheckIn) -> str:
    parts = []
    if checkin.value is not None:
        parts.append(f"value {number(checkin.value)}")
    if checkin.confidence is not None:
        parts.append(f"confidence {checkin.confidence}")
    by = f" by {person_name(org, checkin.by)}" if checkin.by else ""
    return f"{kid} checked in{by} on {checkin.date:%d %b}: {', '.join(parts) or 'a note'}"


def _forecasts(rnd: Round) -> Forecasts:
    """Every forecast of the round (SPEC section 5), worked out once per round."""
    found = rnd.memo.get("forecasts")
    if not isinstance(found, Forecasts):
        found = forecasts(rnd.org, rnd.view.evaluation)
        rnd.memo["forecasts"] = found
    return found


def _forecast_words(rnd: Round, objective_id: str) -> str:
    """ ", forecast to reach 55% by 2026-12-31" when the objective has a forecast."""
    forecast = _forecasts(rnd).objectives.get(objective_id)
    if forecast is None:
        return ""
    end = rnd.org.cycles[rnd.org.objectives[objective_id].cycle].end
    return f", forecast to reach {percent(forecast)} by {end.isoformat()}"


def objective_changes(rnd: Round, reader: Viewer, objective_ids: Iterable[str]) -> list[Item]:
    """Each objective's progress and health, with last week's when they moved."""
    now, before, items = rnd.view.evaluation.objectives, rnd.before.evaluation.objectives, []
    for oid in objective_ids:
        if not rnd.sees(reader, oid):
            continue
        result, was = now[oid], before.get(oid)
        words = f"{percent(result.progress)}, {health_words(result.health)}"
        if was is not None and (was.health is not result.health or was.progress != result.progress):
            words += f" (a week ago {percent(was.progress)}, {health_words(was.health)})"
        words += _forecast_words(rnd, oid)
        items.append(Item(f"{oid} {rnd.org.objectives[oid].title}: {words}", _objective_link(oid)))
    return items


def risk_items(
    rnd: Round, reader: Viewer, key_results: Iterable[str], team: str | None
) -> list[Item]:
    """The chains of dependencies that put ``key_results`` at risk (from teams other than
    ``team``), once each: a step on a key result the reader may not see is left out, and so
    is what lies behind it."""
    found: dict[tuple[str, str], Item] = {}
    for kid in key_results:
        cut: int | None = None  # the depth of a step left out: what is deeper goes too
        for step in risk_chain(rnd.org, rnd.view.evaluation, kid):
            if cut is not None and step.depth > cut:
                continue
            cut = None
            if not rnd.sees_key_result(reader, step.key_result):
                cut = step.depth
            elif team is None or rnd.org.dependencies[step.dependency].provider != team:
                found.setdefault((step.key_result, step.dependency), _risk_item(rnd, reader, step))
    return list(found.values())


def _risk_item(rnd: Round, reader: Viewer, step: Step) -> Item:
    dependency = rnd.org.dependencies[step.dependency]
    via = step.provider_kr
    shown = f" (via {via})" if via and rnd.sees_key_result(reader, via) else ""
    words = (
        f"{step.key_result} is {health_words(step.health)}: {dependency.id} from "
        f"{rnd.org.teams[dependency.provider].name} is {step.reason.value.replace('-', ' ')}"
    )
    return Item(words + shown, checkin_link(rnd.objective_of(step.key_result), step.key_result))


def team_sections(rnd: Round, reader: Viewer, team_id: str) -> tuple[Section, ...]:
    """A team's week, as ``reader`` may see it."""
    name = rnd.org.teams[team_id].name
    objectives = rnd.own_objectives(None, [team_id])
    key_results = [k for o in objectives for k in rnd.org.objectives[o].key_results]
    stale = [d for d in rnd.team_checkins_due(team_id) if d.stale and rnd.sees(reader, d.objective)]
    asked_by = [d for o in objectives for d in rnd.index.asked_by[o]]
    sections = (
        Section(f"{name}: objectives", tuple(objective_changes(rnd, reader, objectives))),
        changes(rnd, reader, key_results, f"{name}: check-ins and health this week"),
        Section(
            f"{name}: stale key results",
            tuple(
                Item(
                    f"{d.key_result} {d.title} ({d.days_since_update} days)",
                    checkin_link(d.objective, d.key_result),
                )
                for d in stale
            ),
        ),
        Section(
            f"{name}: requests waiting on the team",
            tuple(_requests(rnd, reader, rnd.index.asked_of[team_id], waiting_on=True)),
        ),
        Section(
            f"{name}: requests the team waits on",
            tuple(_requests(rnd, reader, asked_by, waiting_on=False)),
        ),
        Section(
            f"{name}: risk from other teams", tuple(risk_items(rnd, reader, key_results, team_id))
        ),
    )
    return tuple(s for s in sections if s.items)


@dataclass(frozen=True)
class _Company:
    """The company team, its objectives under way, and the key results of those and of
    everything aligned below them (whose risk reaches the company's)."""

    team: str | None
    objectives: list[str]
    key_results: list[str]


def _company(rnd: Round) -> _Company:
    found = rnd.memo.get("company")
    if isinstance(found, _Company):
        return found
    root = rnd.org.root_team
    objectives = rnd.own_objectives(None, [root.id]) if root is not None else []
    below, todo, seen = rnd.view.evaluation.aligned_below, list(objectives), set(objectives)
    key_results: list[str] = []
    while todo:
        objective = rnd.org.objectives[todo.pop(0)]
        key_results.extend(objective.key_results)
        for target in (objective.id, *objective.key_results):
            fresh = [o for o in below.get(target, ()) if o not in seen]
            seen.update(fresh)
            todo.extend(fresh)
    company = _Company(root.id if root is not None else None, objectives, key_results)
    rnd.memo["company"] = company
    return company


def executive_sections(rnd: Round, reader: str) -> tuple[Section, ...]:
    """The company's objectives and their change, the chains that put them at risk (from the
    key results aligned below them), and alignment coverage (as the report computes it, for
    the cycles under way)."""
    org, company = rnd.org, _company(rnd)
    cycles = current_cycles(org, rnd.as_of)
    in_scope = (o.id for o in org.objectives.values() if o.cycle in cycles)
    scope = Scope(cycles, tuple(o for o in in_scope if rnd.sees(reader, o)))
    summary = alignment_summary(org, rnd.view.evaluation, scope)
    coverage = (
        Item(f"Objectives aligned to the company's: {percent(summary['aligned_ratio'])}"),
        Item(
            "Company key results with work aligned below: "
            f"{percent(summary['company_kr_coverage'])}"
        ),
    )
    sections = (
        Section("Company objectives", tuple(objective_changes(rnd, reader, company.objectives))),
        Section(
            "What puts them at risk", tuple(risk_items(rnd, reader, company.key_results, None))
        ),
        Section("Alignment", coverage),
    )
    return tuple(s for s in sections if s.items)


def is_executive(rnd: Round, person_id: str) -> bool:
    """Admins and the company team's lead."""
    root = rnd.org.root_team
    return person_id in rnd.admins or (root is not None and root.lead == person_id)


def person_digest(rnd: Round, person_id: str, slot: str) -> Message:
    """The weekly digest of ``person_id``: theirs, their teams' if they lead any (the
    company's part, for executives, instead of the company team's)."""
    executive = is_executive(rnd, person_id)
    company = _company(rnd).team if executive else None
    led = [
        team
        for team in rnd.index.teams_of.get(person_id, [])
        if rnd.org.teams[team].lead == person_id and team != company
    ]
    shown = {
        k
        for t in led
        for o in rnd.own_objectives(None, [t])
        for k in rnd.org.objectives[o].key_results
    }
    mine = [k for k in _worked_on(rnd, person_id) if k not in shown]
    since = rnd.as_of - timedelta(days=7)
    sections = [needs_you(rnd, person_id), changes(rnd, person_id, mine, f"Since {since:%d %b}")]
    for team in led:
        sections.extend(team_sections(rnd, person_id, team))
    if executive:
        sections.extend(executive_sections(rnd, person_id))
    kept = tuple(s for s in sections if s.items)
    return _digest(kept, DIGEST_KIND, "your-week", slot, "Your week in Tandem")


def team_audience(team_id: str) -> Audience:
    """What a team's channel may be told: what every member of the team may see (public
    objectives, and those of the team or it works on), never anyone's private ones."""
    return Audience(person=f"team channel {team_id}", teams=frozenset({team_id}))


def team_digest(rnd: Round, team_id: str, slot: str) -> Message:
    """The digest posted to a team's channel."""
    sections = team_sections(rnd, team_audience(team_id), team_id)
    name = rnd.org.teams[team_id].name
    return _digest(sections, TEAM_DIGEST_KIND, team_id, slot, f"{name}: the week in Tandem")


def _digest(sections: tuple[Section, ...], kind: str, about: str, slot: str, title: str) -> Message:
    count = sum(len(s.items) for s in sections)
    return Message(
        category=Category.DIGEST,
        kind=kind,
        object_kind="digest",
        object_id=about,
        link="/",
        title=title,
        text=f"{count} thing{'s' if count != 1 else ''} this week." if count else "A quiet week.",
        event_id=f"digest:{kind}:{about}",
        slot=slot,
        sections=sections,
    )


def message_text(message: Message) -> str:
    """A message as plain text (the preview command, e-mail bodies)."""
    lines = [message.title, message.text]
    for section in message.sections:
        lines += ["", section.heading]
        lines += [f"  - {i.text}" + (f"  <{i.link}>" if i.link else "") for i in section.items]
    return "\n".join(lines)


def digest_get(person_id: str, as_of: date) -> Message:
    """The digest ``person_id`` gets on ``as_of`` (the preview command)."""
    rnd = round_get(as_of)
    if person_id not in rnd.org.people:
        raise NotFoundError(f"there is no person '{person_id}'")
    return person_digest(rnd, person_id, as_of.isoformat())
