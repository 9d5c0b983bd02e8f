"""The review's write: one reflection per objective, read-only once the cycle is closed."""

from __future__ import annotations

import pytest

from tandem.core import model as m
from tandem.errors import ConflictError, InvalidError, NotFoundError
from tandem.okrs.cycles import cycle_state_set
from tandem.okrs.models import Cycle, Objective, Reflection
from tandem.okrs.reviews import REFLECTION_MAX_LENGTH, reflection_save
from tandem.okrs.services import objective_archive


def test_a_reflection_is_written_then_rewritten_with_who_and_when(
    demo_in_db: m.Organization,
) -> None:
    first = reflection_save(objective_id="SR-1", text="  Caching paid off.  ", by_id="ana")
    assert (first.text, first.by_id) == ("Caching paid off.", "ana")
    second = reflection_save(objective_id="SR-1", text="Capacity came late.", by_id="ben")
    assert Reflection.objects.filter(objective_id="SR-1").count() == 1
    stored = Reflection.objects.get(objective_id="SR-1")
    assert (stored.text, stored.by_id) == ("Capacity came late.", "ben")
    assert stored.at >= first.at
    assert second.pk == first.pk


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "needs a few words"),
        ("x" * (REFLECTION_MAX_LENGTH + 1), "at most"),
        ("a\x00b", "NUL"),
    ],
)
def test_a_bad_reflection_is_refused_on_its_field(
    demo_in_db: m.Organization, text: str, message: str
) -> None:
    with pytest.raises(InvalidError, match=message) as refused:
        reflection_save(objective_id="SR-1", text=text, by_id="ana")
    assert refused.value.field == "text"
    assert not Reflection.objects.exists()


def test_a_closed_cycle_takes_no_reflection_until_reopened(demo_in_db: m.Organization) -> None:
    # The demo's Q3 is closed (it ended before the demo's today).
    assert Cycle.objects.get(id="2026-Q3").state == Cycle.State.CLOSED
    with pytest.raises(ConflictError, match="closed"):
        reflection_save(objective_id="SR-Q3-1", text="Formats shipped.", by_id="ana")
    cycle_state_set(cycle_id="2026-Q3", state=Cycle.State.ACTIVE)
    reflection_save(objective_id="SR-Q3-1", text="Formats shipped.", by_id="ana")
    assert Reflection.objects.get(objective_id="SR-Q3-1").text == "Formats shipped."


def test_unknown_archived_objectives_and_unknown_authors_are_refused(
    demo_in_db: m.Organization,
) -> None:
    with pytest.raises(NotFoundError):
        reflection_save(objective_id="NOPE-1", text="Hello", by_id="ana")
    with pytest.raises(InvalidError, match="not a person") as refused:
        reflection_save(objective_id="SR-1", text="Hello", by_id="nobody-here")
    assert refused.value.field == "by_id"
    objective_archive(objective_id="SR-2")
    assert Objective.objects.get(id="SR-2").archived_at is not None
    with pytest.raises(ConflictError, match="archived"):
        reflection_save(objective_id="SR-2", text="Hello", by_id="ana")
    assert not Reflection.objects.exists()


def test_a_reflection_based_on_an_older_one_is_refused(demo_in_db) -> None:
    from tandem.errors import StaleVersionError  # noqa: PLC0415

    first = reflection_save(objective_id="SR-1", text="first", by_id="ben", based_on=None)
    with pytest.raises(StaleVersionError, match="Ben Okafor saved a reflection on SR-1"):
        reflection_save(objective_id="SR-1", text="second", by_id="ana", based_on=None)
    reflection_save(objective_id="SR-1", text="second", by_id="ana", based_on=first.at)
