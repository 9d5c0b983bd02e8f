"""The fetch-and-authorise helpers: what a caller may change, or the one refusal (404 for what
they may not see, 403 with tandem.core.permissions' words for what they see but may not change)."""

from __future__ import annotations

import pytest

from tandem.access.policy import (
    audience_get,
    checkin_get_correctable,
    key_result_get_checkable,
    key_result_get_editable,
    objective_get_editable,
)
from tandem.checkins.models import CheckIn
from tandem.core import permissions
from tandem.errors import NotFoundError, PermissionDeniedError

pytestmark = pytest.mark.usefixtures("demo_in_db")


def test_a_lead_gets_their_teams_objective_and_key_result() -> None:
    ana = audience_get(person_id="ana")
    assert objective_get_editable(ana, "SR-1").id == "SR-1"
    assert key_result_get_editable(ana, "SR-1.1").objective_id == "SR-1"
    assert key_result_get_checkable(ana, "SR-1.1").id == "SR-1.1"


def test_someone_who_sees_it_but_may_not_change_it_gets_the_one_refusal() -> None:
    tom = audience_get(person_id="tom")  # Payments: sees Search's public objective
    with pytest.raises(PermissionDeniedError) as refused:
        objective_get_editable(tom, "SR-1")
    assert refused.value.message == permissions.edit_refused("SR-1")
    with pytest.raises(PermissionDeniedError) as refused:
        key_result_get_checkable(tom, "SR-1.1")
    assert refused.value.message == permissions.check_in_refused("SR-1.1", "SR-1")


def test_what_the_caller_may_not_see_does_not_exist_for_them() -> None:
    dan = audience_get(person_id="dan")
    with pytest.raises(NotFoundError):
        objective_get_editable(dan, "BEN-1")  # private to ben and his managers
    with pytest.raises(NotFoundError):
        key_result_get_editable(dan, "BEN-1.1")


def test_a_check_in_is_correctable_by_its_author_and_refused_to_others() -> None:
    row = CheckIn.objects.filter(key_result_id="SR-1.1").exclude(author_id=None).first()
    assert row is not None
    author = audience_get(person_id=row.author_id)
    assert checkin_get_correctable(author, row.id, key_result_id="SR-1.1").id == row.id
    with pytest.raises(PermissionDeniedError) as refused:
        checkin_get_correctable(audience_get(person_id="tom"), row.id)
    assert refused.value.message == permissions.correct_refused("SR-1")
