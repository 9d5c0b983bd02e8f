"""The permission policy: who may see and change what. The API, the web pages, reports and
exports all ask here.

Seeing follows :mod:`tandem.core.visibility` (the rules are written there once, for the
engine's plain data); this module gives the same answers from the database: the facts about
a viewer in a fixed number of small queries (:func:`audience_get`) and a filter for querysets
(:func:`objectives_visible_q`). A test checks the two agree for every person of an
organisation.

Changing:

- org admins change everything;
- a team's members and the leads of the team or of a team above it change its objectives;
- a person changes their own individual objectives; the umbrella owner the umbrella objective;
- a key result's owner and contributors (people, or members of contributing teams) record its
  check-ins, and so does whoever may change its objective;
- a check-in's author corrects or withdraws it, and so does whoever may change its objective;
- the provider team's members and leads answer requests made to it (accept, decline,
  deliver); whoever may change the requesting objective asks and cancels.

A dependency is seen by whoever sees the objective it comes from.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from tandem.checkins.models import CheckIn
from tandem.core import permissions
from tandem.core.permissions import Ownership
from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency
from tandem.errors import InvalidError, NotFoundError, PermissionDeniedError
from tandem.okrs.models import Contributor, Cycle, KeyResult, Objective, UmbrellaTeam
from tandem.people.models import Membership, Team


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as the API and the web pages know them."""

    audience: Audience
    # False for read-scoped API tokens: they never write.
    may_write: bool = True

    @property
    def person(self) -> str | None:
        return self.audience.person

    @property
    def admin(self) -> bool:
        return self.audience.admin


# The people below someone in the manager tree.
_REPORTS_SQL = (
    "WITH RECURSIVE below(id) AS (SELECT id FROM people_person WHERE manager_id = %s "
    "UNION SELECT p.id FROM people_person p JOIN below b ON p.manager_id = b.id) "
    "SELECT id FROM below"
)
# In one query: the teams someone leads and every team below them, with their leads ('l');
# the people below them in the manager tree ('r'); the teams they are a member of ('m').
_AUDIENCE_SQL = (
    "WITH RECURSIVE led(id, lead_id) AS (SELECT id, lead_id FROM people_team WHERE lead_id = %s "
    "UNION SELECT t.id, t.lead_id FROM people_team t JOIN led b ON t.parent_id = b.id), "
    "below(id) AS (SELECT id FROM people_person WHERE manager_id = %s "
    "UNION SELECT p.id FROM people_person p JOIN below b ON p.manager_id = b.id) "
    "SELECT 'l', id, lead_id FROM led "
    "UNION ALL SELECT 'r', id, NULL FROM below "
    "UNION ALL SELECT 'm', team_id, NULL FROM people_membership WHERE person_id = %s"
)

# Audiences by (person, the revision's structure counter): what they depend on (teams,
# leads, managers, memberships) moves that counter, so an entry is right while it stays.
_audiences: dict[tuple[str, int], Audience] = {}
_audiences_lock = threading.Lock()
_AUDIENCES_KEPT = 1024


def audience_get(
    *, person_id: str | None, admin: bool = False, structure: int | None = None
) -> Audience:
    """The facts about one viewer that visibility depends on, in one query.

    With ``structure`` (the organisation's revision, :func:`revision_get`'s ``structure``,
    read by the caller), the answer is kept in this process and given again, with no query,
    while that counter stays.
    """
    if admin or person_id is None:
        return Audience(person=person_id, admin=admin)
    if structure is not None:
        with _audiences_lock:
            found = _audiences.get((person_id, structure))
        if found is not None:
            return found
    with connection.cursor() as cursor:
        cursor.execute(_AUDIENCE_SQL, [person_id, person_id, person_id])
        rows = cursor.fetchall()
    led_teams = {id_ for kind, id_, _lead in rows if kind == "l"}
    led = {id_ for kind, id_, lead in rows if kind == "l" and lead == person_id}
    memberships = {id_ for kind, id_, _lead in rows if kind == "m"}
    audience = Audience(
        person=person_id,
        teams=frozenset(led | memberships),
        led_teams=frozenset(led_teams),
        reports=frozenset(id_ for kind, id_, _lead in rows if kind == "r"),
    )
    if structure is not None:
        with _audiences_lock:
            if len(_audiences) >= _AUDIENCES_KEPT:
                _audiences.clear()
            _audiences[person_id, structure] = audience
    return audience


def audiences_forget() -> None:
    """Forget the audiences kept (tests that roll the database back use this)."""
    with _audiences_lock:
        _audiences.clear()


def _reports_of(person_id: str) -> RawSQL:
    # A subquery rather than a list: a chief executive's reports are the whole company.
    return RawSQL(_REPORTS_SQL, [person_id])  # noqa: S611 (a parameter, not pasted)


def objectives_visible_q(audience: Audience) -> Q:
    """A filter on :class:`Objective` keeping what ``audience`` may see."""
    if audience.admin:
        return Q()
    public = Q(visibility=Objective.Visibility.PUBLIC)
    me = audience.person
    if me is None:
        return public
    teams = audience.teams
    team_scope = teams | audience.led_teams
    participant = (
        Q(umbrella_owner_id=me)
        | Exists(KeyResult.objects.filter(objective=OuterRef("pk"), owner_id=me))
        | Exists(
            Contributor.objects.filter(key_result__objective=OuterRef("pk")).filter(
                Q(person_id=me) | Q(team_id__in=teams)
            )
        )
    )
    own = Q(owner_person_id=me) | Q(owner_person_id__in=_reports_of(me))
    team_visible = Q(visibility=Objective.Visibility.TEAM) & (
        Q(owner_team_id__in=team_scope)
        | Exists(
            Membership.objects.filter(person_id=OuterRef("owner_person_id"), team_id__in=team_scope)
        )
        | Exists(Team.objects.filter(lead_id=OuterRef("owner_person_id"), id__in=team_scope))
        | Exists(UmbrellaTeam.objects.filter(objective=OuterRef("pk"), team_id__in=team_scope))
    )
    private = Q(visibility=Objective.Visibility.PRIVATE) & (
        Q(owner_team_id__in=teams)
        | Q(owner_team__lead_id=me)
        | Q(owner_team__lead_id__in=_reports_of(me))
    )
    return public | participant | own | team_visible | private


def objective_get_visible(audience: Audience, objective_id: str) -> Objective:
    """The objective, or NotFoundError when it does not exist or may not be seen."""
    found = (
        Objective.objects.filter(objectives_visible_q(audience), pk=objective_id)
        .select_related("cycle")
        .first()
    )
    if found is None:
        raise NotFoundError(f"there is no objective '{objective_id}'")
    return found


def _model_reader(model: type[models.Model], alias: str) -> tuple[str, Any]:
    """The columns of ``model`` (as ``alias``), and a function making an instance of it from
    their values as the ORM does (with the same converters)."""
    fields = list(model._meta.concrete_fields)
    qn = connection.ops.quote_name
    columns = ", ".join(f"{alias}.{qn(str(f.column))}" for f in fields)
    names = [f.attname for f in fields]
    steps = []
    for field in fields:
        column = field.get_col(alias)
        converters = connection.ops.get_db_converters(column)
        converters += column.get_db_converters(connection)
        steps.append((column, converters))

    def make(values: Sequence[Any]) -> models.Model:
        converted = []
        for (column, converters), value in zip(steps, values, strict=True):
            for converter in converters:
                value = converter(value, column, connection)  # noqa: PLW2901
            converted.append(value)
        return model.from_db(connection.alias, names, converted)

    return columns, make


@functools.cache
def _key_result_reader(vendor: str) -> tuple[str, Any, Any, Any, int, int]:
    kr_columns, make_kr = _model_reader(KeyResult, "kr")
    objective_columns, make_objective = _model_reader(Objective, "o")
    cycle_columns, make_cycle = _model_reader(Cycle, "c")
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {kr_columns}, {objective_columns}, {cycle_columns} "  # noqa: S608 (names)
        f"FROM {qn(KeyResult._meta.db_table)} kr "
        f"JOIN {qn(Objective._meta.db_table)} o ON o.id = kr.objective_id "
        f"JOIN {qn(Cycle._meta.db_table)} c ON c.id = o.cycle_id WHERE kr.id = %s"
    )
    kr_count = len(KeyResult._meta.concrete_fields)
    objective_count = len(Objective._meta.concrete_fields)
    return sql, make_kr, make_objective, make_cycle, kr_count, objective_count


def _key_result_with_objective(key_result_id: str) -> KeyResult | None:
    """``KeyResult.objects.select_related("objective__cycle").filter(pk=...).first()``, as
    plain SQL: the API reads one on every check-in, and compiling the ORM's query cost more
    than running it."""
    sql, make_kr, make_objective, make_cycle, kr_count, objective_count = _key_result_reader(
        connection.vendor
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_result_id])
        row = cursor.fetchone()
    if row is None:
        return None
    key_result = make_kr(row[:kr_count])
    objective = make_objective(row[kr_count : kr_count + objective_count])
    cycle = make_cycle(row[kr_count + objective_count :])
    Objective._meta.get_field("cycle").set_cached_value(objective, cycle)
    KeyResult._meta.get_field("objective").set_cached_value(key_result, objective)
    assert isinstance(key_result, KeyResult)
    return key_result


def key_result_get_visible(audience: Audience, key_result_id: str) -> KeyResult:
    """The key result with its objective and cycle, or NotFoundError when it does not exist
    or may not be seen."""
    found = _key_result_with_objective(key_result_id)
    # Visibility is checked on its one objective, not on all of them.
    if found is None or not (
        audience.admin
        or Objective.objects.filter(objectives_visible_q(audience), pk=found.objective_id).exists()
    ):
        raise NotFoundError(f"there is no key result '{key_result_id}'")
    return found


def key_result_get_current(audience: Audience, key_result_id: str) -> KeyResult:
    """As :func:`key_result_get_visible`, for reads: an archived key result, or one of an
    archived objective, is out of every plan and answers as a missing one (NotFoundError)."""
    found = key_result_get_visible(audience, key_result_id)
    if found.archived_at is not None or found.objective.archived_at is not None:
        raise NotFoundError(f"there is no key result '{key_result_id}'")
    return found


def target_ensure_visible(audience: Audience, target_id: str, *, field: str) -> str:
    """An objective or key result id the caller may see, else the same refusal whether it is
    hidden or missing (so the answer tells nothing about what is hidden). Returns its kind."""
    objective_id = target_id
    kind = "objective"
    if not Objective.objects.filter(pk=target_id).exists():
        kind = "key_result"
        objective_id = (
            KeyResult.objects.filter(pk=target_id).values_list("objective_id", flat=True).first()
            or ""
        )
    visible = Objective.objects.filter(objectives_visible_q(audience), pk=objective_id)
    if objective_id and visible.exists():
        return kind
    raise InvalidError(f"there is no objective or key result '{target_id}'", field=field)


def dependencies_visible_q(audience: Audience) -> Q:
    if audience.admin:
        return Q()
    visible = Objective.objects.filter(objectives_visible_q(audience)).values("pk")
    return Q(from_objective__in=visible) | Q(from_key_result__objective__in=visible)


def dependency_get_visible(audience: Audience, dependency_id: str) -> Dependency:
    found = (
        Dependency.objects.filter(dependencies_visible_q(audience), pk=dependency_id)
        .select_related("from_key_result__objective", "from_objective")
        .first()
    )
    if found is None:
        raise NotFoundError(f"there is no dependency '{dependency_id}'")
    return found


# --- changing ---------------------------------------------------------------------------------


def ownership(objective: Objective) -> Ownership:
    """The objective row's ownership, for the rules of :mod:`tandem.core.permissions`."""
    return Ownership(
        team=objective.owner_team_id,
        person=objective.owner_person_id,
        umbrella_owner=objective.umbrella_owner_id if objective.is_umbrella else None,
    )


def may_edit_objective(audience: Audience, objective: Objective) -> bool:
    return permissions.may_edit(audience, ownership(objective))


def may_check_in(audience: Audience, key_result: KeyResult) -> bool:
    rights = ownership(key_result.objective)
    if permissions.may_edit(audience, rights):
        return True
    if audience.person is None:
        return False
    contributors = Contributor.objects.filter(key_result=key_result).filter(
        Q(person_id=audience.person) | Q(team_id__in=audience.teams)
    )
    return permissions.may_check_in(
        audience,
        rights,
        key_result.owner_id,
        [audience.person] if contributors.exists() else [],
    )


def checkin_get_visible(
    audience: Audience, checkin_id: int, *, key_result_id: str | None = None
) -> CheckIn:
    """The check-in (with its key result, objective and cycle), or NotFoundError when it does
    not exist, is not ``key_result_id``'s, or its key result may not be seen or is archived."""
    # One answer for a check-in that is missing, another key result's, or on a key result
    # hidden from the caller: nothing tells a hidden key result's check-ins from no check-ins.
    missing = NotFoundError(f"there is no check-in {checkin_id} on {key_result_id or 'it'}")
    found: str | None = None
    if 0 < checkin_id < 2**63:  # what no id can be is not asked (SQLite refuses larger ints)
        rows = CheckIn.objects.filter(pk=checkin_id).values_list("key_result_id", flat=True)
        found = rows.first()
    if found is None or (key_result_id is not None and found != key_result_id):
        raise missing
    try:
        key_result = key_result_get_current(audience, found)
    except NotFoundError:
        raise missing from None
    row = CheckIn.objects.get(pk=checkin_id)
    row.key_result = key_result
    return row


def may_correct_checkin(audience: Audience, checkin: CheckIn) -> bool:
    """Its author, and whoever may change its objective (admins included)."""
    rights = ownership(checkin.key_result.objective)
    return permissions.may_correct(audience, rights, checkin.author_id)


def may_answer_dependency(audience: Audience, dependency: Dependency) -> bool:
    return permissions.may_answer(audience, dependency.provider_id)


def requesting_objective(dependency: Dependency) -> Objective:
    if dependency.from_key_result is not None:
        return dependency.from_key_result.objective
    assert dependency.from_objective is not None
    return dependency.from_objective


def may_cancel_dependency(audience: Audience, dependency: Dependency) -> bool:
    return may_edit_objective(audience, requesting_objective(dependency))


def require(allowed: bool, message: str) -> None:
    """Refuse (403) what the caller may see but not do; ``message`` says who may."""
    if not allowed:
        raise PermissionDeniedError(message)


# --- fetch and authorise: what a caller may change, or the one refusal ------------------------


def objective_get_editable(audience: Audience, objective_id: str) -> Objective:
    """The objective, if the caller may see and change it: 404 when hidden or missing, 403
    with :func:`tandem.core.permissions.edit_refused` when seen but not theirs."""
    objective = objective_get_visible(audience, objective_id)
    require(may_edit_objective(audience, objective), permissions.edit_refused(objective_id))
    return objective


def key_result_get_editable(audience: Audience, key_result_id: str) -> KeyResult:
    """The key result (with its objective), if the caller may change its objective."""
    key_result = key_result_get_visible(audience, key_result_id)
    require(
        may_edit_objective(audience, key_result.objective),
        permissions.edit_refused(key_result.objective_id),
    )
    return key_result


def key_result_get_checkable(audience: Audience, key_result_id: str) -> KeyResult:
    """The key result, if the caller may record its check-ins."""
    key_result = key_result_get_visible(audience, key_result_id)
    require(
        may_check_in(audience, key_result),
        permissions.check_in_refused(key_result_id, key_result.objective_id),
    )
    return key_result


def checkin_get_correctable(
    audience: Audience, checkin_id: int, *, key_result_id: str | None = None
) -> CheckIn:
    """The check-in, if the caller may correct or withdraw it."""
    row = checkin_get_visible(audience, checkin_id, key_result_id=key_result_id)
    require(
        may_correct_checkin(audience, row),
        permissions.correct_refused(row.key_result.objective_id),
    )
    return row
