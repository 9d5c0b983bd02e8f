"""The organisation's current plan: what :func:`organization_load` reads, without what was
archived. Reports, lint, the API, the web pages and exports work on it; the import works on
everything, so that a file naming an archived id restores it.
"""

from __future__ import annotations

from datetime import date

from tandem.core import model as m
from tandem.core.visibility import without_archived
from tandem.okrs.models import KeyResult, Objective
from tandem.organization.selectors import LoadedOrganization, organization_load_with_archived


def archived_ids() -> tuple[frozenset[str], frozenset[str]]:
    """The archived objectives and key results (two small indexed queries)."""
    objectives = Objective.objects.filter(archived_at__isnull=False).values_list("id", flat=True)
    key_results = KeyResult.objects.filter(archived_at__isnull=False).values_list("id", flat=True)
    return frozenset(objectives), frozenset(key_results)


def organization_current(*, as_of: date | None = None, people: bool = True) -> m.Organization:
    """The organisation without what was archived (``as_of`` and ``people`` as for
    organization_load_with_archived)."""
    return organization_current_and_loaded(as_of=as_of, people=people)[0]


def organization_current_and_loaded(
    *, as_of: date | None = None, people: bool = True
) -> tuple[m.Organization, LoadedOrganization]:
    """:func:`organization_current`, and the organisation with what was archived it comes from
    (which the cache patches, see :mod:`tandem.organization.changes`)."""
    # What was archived comes with the rows read anyway (no archived_ids() queries).
    loaded = organization_load_with_archived(as_of=as_of, people=people)
    current = without_archived(
        loaded.organization, loaded.archived_objectives, loaded.archived_key_results
    )
    return current, loaded
