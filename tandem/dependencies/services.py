"""Asking another team for help and moving the request through its states, recording who,
when and why every time. A dependency belongs to the cycle of the key result or objective
that needs the help: a closed cycle's dependencies are read-only, like its OKRs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from tandem.dependencies.models import Dependency, DependencyEvent, State
from tandem.dependencies.signals import send_on_commit
from tandem.dependencies.states import transition_refused
from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.identifiers import dependency_id_generate, id_ensure_free, id_ensure_names, id_insert
from tandem.okrs.checks import clean_text, ensure_version, reason_ensure_short
from tandem.okrs.cycles import cycle_ensure_open
from tandem.okrs.key_results import key_result_create
from tandem.okrs.models import Cycle, KeyResult, Objective
from tandem.people.models import Person, Team

# What ``provider_kr_new`` may hold: the arguments of key_result_create but the objective.
PROVIDER_KR_FIELDS = frozenset(
    {
        "title",
        "form",
        "start",
        "target",
        "threshold",
        "unit",
        "weight",
        "owner_id",
        "contributor_ids",
        "milestones",
        "description",
        "id",
    }
)


class DependencyError(ConflictError):
    """A state change that is not allowed; the message says which are."""


def _needer(from_id: str) -> tuple[KeyResult | None, Objective]:
    """The key result (or objective) that needs the help, and its objective; not archived."""
    key_result = KeyResult.objects.select_related("objective__cycle").filter(id=from_id).first()
    objective = (
        key_result.objective
        if key_result is not None
        else Objective.objects.select_related("cycle").filter(id=from_id).first()
    )
    if objective is None:
        raise InvalidError(
            f"'{from_id}' is neither a key result nor an objective; name the one that needs the "
            "help",
            field="from_id",
        )
    if objective.archived_at is not None or (
        key_result is not None and key_result.archived_at is not None
    ):
        raise InvalidError(
            f"'{from_id}' is archived; restore it before asking for help with it", field="from_id"
        )
    return key_result, objective


# How far from the cycle of what needs the help a due date may lie: help needed before the
# cycle starts, or delivered in the year after it ends. Beyond that it is a mistyped year.
DUE_BEFORE = timedelta(days=92)
DUE_AFTER = timedelta(days=366)


def _check_due(due: object, cycle: Cycle) -> None:
    if isinstance(due, datetime) or not isinstance(due, date):
        raise InvalidError(f"due is a date (got {due!r})", field="due")
    earliest, latest = cycle.start - DUE_BEFORE, cycle.end + DUE_AFTER
    if not earliest <= due <= latest:
        raise InvalidError(
            f"due is a date from {earliest} to {latest}: from three months before cycle "
            f"{cycle.id} starts to a year after it ends (got {due})",
            field="due",
        )


def _ensure_person(person_id: str | None, *, field: str) -> None:
    if person_id is not None:
        id_ensure_names(Person, person_id, what="a person", field=field)


@transaction.atomic
def dependency_create(
    *,
    from_id: str,
    provider_team_id: str,
    need: str,
    due: date | None = None,
    by_id: str | None = None,
    id: str | None = None,
) -> Dependency:
    """Ask ``provider_team_id`` for help with a key result or objective: a new request
    (``DEP-<n>`` unless ``id`` is given), recorded as requested by ``by_id``."""
    key_result, objective = _needer(from_id)
    cycle_ensure_open(cycle_id=objective.cycle_id)
    id_ensure_names(Team, provider_team_id, what="a team", field="provider_team_id")
    need = clean_text(need, field="need", what="what you need")
    if due is not None:
        _check_due(due, objective.cycle)
    _ensure_person(by_id, field="by_id")
    top = Dependency.objects.aggregate(top=Max("position"))["top"]
    dependency = Dependency(
        id=id_ensure_free(id) if id is not None else dependency_id_generate(),
        from_key_result=key_result,
        from_objective=None if key_result is not None else objective,
        provider_id=provider_team_id,
        need=need,
        due=due,
        state=State.REQUESTED,
        position=0 if top is None else top + 1,
    )
    id_insert(dependency)
    event = DependencyEvent.objects.create(
        dependency=dependency,
        from_state=None,
        to_state=State.REQUESTED,
        by_id=by_id,
        reason="requested",
    )
    send_on_commit(dependency, event)
    return dependency


@transaction.atomic
def dependency_transition(
    *,
    dependency_id: str,
    to_state: State,
    by_id: str | None,
    reason: str = "",
    provider_kr_id: str | None = None,
    provider_kr_new: Mapping[str, Any] | None = None,
    provider_objective_id: str | None = None,
    version: int | None = None,
) -> Dependency:
    """Move a dependency to ``to_state`` (see tandem.dependencies.states). Declining needs a reason.

    Accepting may name the provider's key result that delivers the help, in an objective of
    the provider team or of one of its sub-teams: an existing one (``provider_kr_id``), or a
    new one made from ``provider_kr_new`` (key_result_create's arguments) in
    ``provider_objective_id``. A request from an archived objective or key result cannot
    change (ConflictError) until that is restored.
    """
    dependency = (
        Dependency.objects.select_for_update(of=("self",))
        .select_related("from_key_result__objective", "from_objective")
        .filter(id=dependency_id)
        .first()
    )
    if dependency is None:
        raise NotFoundError(f"there is no dependency with id '{dependency_id}'")
    needer = (
        dependency.from_key_result.objective
        if dependency.from_key_result is not None
        else dependency.from_objective
    )
    assert needer is not None  # a database constraint: from a key result or an objective
    if needer.archived_at is not None or (
        dependency.from_key_result is not None
        and dependency.from_key_result.archived_at is not None
    ):
        # Out of every plan with what asked for it, like an archived objective's key results.
        raise ConflictError(
            f"{dependency_id} comes from an archived objective or key result; restore it "
            "before changing the request"
        )
    ensure_version(object_id=dependency.id, stored=dependency.version, given=version)
    cycle_ensure_open(cycle_id=needer.cycle_id)
    refused = transition_refused(dependency_id, dependency.state, to_state)
    if refused is not None:
        raise DependencyError(refused)
    if to_state == State.DECLINED and not reason.strip():
        raise DependencyError("say why the request is declined (a reason is required)")
    reason_ensure_short(reason)
    _ensure_person(by_id, field="by_id")
    provider_kr = _provider_key_result(
        dependency, to_state, provider_kr_id, provider_kr_new, provider_objective_id, by_id=by_id
    )
    event = DependencyEvent.objects.create(
        dependency=dependency,
        from_state=dependency.state,
        to_state=to_state,
        by_id=by_id,
        reason=reason,
    )
    dependency.state = to_state
    fields = ["state", "version"]
    if provider_kr is not None:
        dependency.provider_kr_id = provider_kr
        fields.append("provider_kr")
    dependency.version += 1
    dependency.save(update_fields=fields)
    send_on_commit(dependency, event)
    return dependency


def _provider_key_result(
    dependency: Dependency,
    to_state: State,
    existing_id: str | None,
    new: Mapping[str, Any] | None,
    objective_id: str | None,
    *,
    by_id: str | None,
) -> str | None:
    """The key result an acceptance names (made first when it is new, recorded as made by
    ``by_id``), or None."""
    if existing_id is None and new is None and objective_id is None:
        return None
    if to_state != State.ACCEPTED:
        raise InvalidError(
            f"a provider key result is named when accepting a request; leave it out for {to_state}",
            field="provider_kr_id" if existing_id is not None else "provider_kr_new",
        )
    if existing_id is not None:
        if new is not None or objective_id is not None:
            raise InvalidError(
                "name an existing provider key result (provider_kr_id) or describe a new one "
                "(provider_kr_new and provider_objective_id), not both",
                field="provider_kr_new",
            )
        return _existing_provider_key_result(dependency, existing_id)
    if new is None or objective_id is None:
        raise InvalidError(
            "a new provider key result needs its fields (provider_kr_new) and the objective "
            "it goes in (provider_objective_id)",
            field="provider_kr_new" if new is None else "provider_objective_id",
        )
    return _new_provider_key_result(dependency, new, objective_id, by_id)


def _existing_provider_key_result(dependency: Dependency, key_result_id: str) -> str:
    id_ensure_names(KeyResult, key_result_id, what="a key result", field="provider_kr_id")
    key_result = KeyResult.objects.select_related("objective").get(id=key_result_id)
    if key_result.archived_at is not None or key_result.objective.archived_at is not None:
        raise InvalidError(
            f"key result {key_result_id} is archived; name a current one, or restore it first",
            field="provider_kr_id",
        )
    if key_result.id == dependency.from_key_result_id:
        raise InvalidError(
            f"{key_result_id} is the key result that needs the help; it cannot also deliver it",
            field="provider_kr_id",
        )
    _ensure_delivers(
        dependency, key_result.objective, key_result_id=key_result.id, field="provider_kr_id"
    )
    return key_result.id


def _new_provider_key_result(
    dependency: Dependency, fields: Mapping[str, Any], objective_id: str, by_id: str | None
) -> str:
    unknown = sorted(set(fields) - PROVIDER_KR_FIELDS)
    if unknown:
        raise InvalidError(
            f"a new provider key result takes {', '.join(sorted(PROVIDER_KR_FIELDS))}; not "
            f"{', '.join(unknown)}",
            field=f"provider_kr_new.{unknown[0]}",
        )
    missing = [name for name in ("title", "form") if name not in fields]
    if missing:
        raise InvalidError(
            f"a new provider key result needs a title and a form; {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing",
            field=f"provider_kr_new.{missing[0]}",
        )
    id_ensure_names(Objective, objective_id, what="an objective", field="provider_objective_id")
    objective = Objective.objects.get(id=objective_id)
    _ensure_delivers(dependency, objective, key_result_id=None, field="provider_objective_id")
    try:
        key_result = key_result_create(objective_id=objective_id, by_id=by_id, **fields)
    except InvalidError as exc:  # its fields are named as the caller gave them
        where = f"provider_kr_new.{exc.field}" if exc.field else "provider_kr_new"
        raise InvalidError(exc.message, field=where) from exc
    return key_result.id


def _ensure_delivers(
    dependency: Dependency, objective: Objective, *, key_result_id: str | None, field: str
) -> None:
    """The one rule for the key result that delivers a request, an existing one
    (``key_result_id``) or a new one in ``objective``, from the API and the web pages alike:
    it is the provider team's, in an objective owned by that team or by one of its sub-teams
    (what the web page's accept form offers)."""
    provider = dependency.provider_id
    if _is_within(objective.owner_team_id, provider):
        return
    owner = objective.owner_id
    if key_result_id is not None:
        raise InvalidError(
            f"{key_result_id} is not {provider}'s to deliver: name a key result of an objective "
            f"of {provider} or of one of its sub-teams ({objective.id} is owned by '{owner}')",
            field=field,
        )
    raise InvalidError(
        f"the new key result goes in an objective of {provider} or of one of its sub-teams; "
        f"{objective.id} is owned by '{owner}'",
        field=field,
    )


def _is_within(team_id: str | None, ancestor_id: str) -> bool:
    """Whether ``team_id`` is ``ancestor_id`` or one of its sub-teams (one query)."""
    parents: dict[str, str | None] = dict(Team.objects.values_list("id", "parent_id"))
    seen: set[str] = set()
    while team_id is not None and team_id not in seen:
        if team_id == ancestor_id:
            return True
        seen.add(team_id)
        team_id = parents.get(team_id)
    return False
