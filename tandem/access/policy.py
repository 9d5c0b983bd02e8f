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
- the provider team's members and leads answer requests made to it (accept, decline,
  deliver); whoever may change the requesting objective asks and cancels.

A dependency is seen by whoever sees the objective it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from tandem.core.visibility import Audience
from tandem.dependencies.models import Dependency
from tandem.errors import InvalidError, NotFoundError, PermissionDeniedError
from tandem.okrs.models import Contributor, KeyResult, Objective, UmbrellaTeam
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
# The teams someone leads and every team below them, with their leads.
_LED_TEAMS_SQL = (
    "WITH RECURSIVE below(id, lead_id) AS (SELECT id, lead_id FROM people_team WHERE lead_id = %s "
    "UNION SELECT t.id, t.lead_id FROM people_team t JOIN below b ON t.parent_id = b.id) "
    "SELECT id, lead_id FROM below"
)


def audience_get(*, person_id: str | None, admin: bool = False) -> Audience:
    """The facts about one viewer that visibility depends on, in three queries."""
    if admin or person_id is None:
        return Audience(person=person_id, admin=admin)
    with connection.cursor() as cursor:
        cursor.execute(_LED_TEAMS_SQL, [person_id])
        below = cursor.fetchall()
        cursor.execute(_REPORTS_SQL, [person_id])
        reports = {row[0] for row in cursor.fetchall()}
    led = {team for team, lead in below if lead == person_id}
    memberships = Membership.objects.filter(person_id=person_id).values_list("team_id", flat=True)
    return Audience(
        person=person_id,
        teams=frozenset(led | set(memberships)),
        led_teams=frozenset(team for team, _lead in below),
        reports=frozenset(reports),
    )


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


def key_result_get_visible(audience: Audience, key_result_id: str) -> KeyResult:
    found = (
        KeyResult.objects.filter(pk=key_result_id)
        .select_related("objective", "objective__cycle")
        .first()
    )
    # Visibility is checked on its one objective, not on all of them.
    if found is None or not (
        audience.admin
        or Objective.objects.filter(objectives_visible_q(audience), pk=found.objective_id).exists()
    ):
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


def may_edit_objective(audience: Audience, objective: Objective) -> bool:
    if audience.admin:
        return True
    me = audience.person
    if me is None:
        return False
    team = objective.owner_team_id
    return (
        (team is not None and (team in audience.teams or team in audience.led_teams))
        or objective.owner_person_id == me
        or (objective.is_umbrella and objective.umbrella_owner_id == me)
    )


def may_check_in(audience: Audience, key_result: KeyResult) -> bool:
    if may_edit_objective(audience, key_result.objective):
        return True
    me = audience.person
    if me is None:
        return False
    if key_result.owner_id == me:
        return True
    return (
        Contributor.objects.filter(key_result=key_result)
        .filter(Q(person_id=me) | Q(team_id__in=audience.teams))
        .exists()
    )


def may_answer_dependency(audience: Audience, dependency: Dependency) -> bool:
    provider = dependency.provider_id
    return audience.admin or provider in audience.teams or provider in audience.led_teams


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
