"""Advice while writing, on plain data: the quality rules a draft would break, as lint words
them, and only those about the draft (the pages' advice fragment renders these)."""

from __future__ import annotations

from datetime import date

from tandem.core import model as m
from tandem.core.advice import (
    NOT_ADVICE,
    KeyResultDraft,
    ObjectiveDraft,
    key_result_advice,
    objective_advice,
)

AS_OF = date(2026, 11, 20)


def rules(findings: list) -> set[str]:  # type: ignore[type-arg]
    return {f.rule for f in findings}


def test_a_task_like_key_result_is_advised_in_lints_words(demo_organization: m.Organization):
    draft = KeyResultDraft(title="Launch EU caching", form="boolean", owner="ben")
    found = key_result_advice(demo_organization, AS_OF, draft, "SR-1", None)
    assert [f.target for f in found] == ["SR-1.new"]
    assert "'Launch EU caching' starts with 'Launch'" in found[0].message


def test_a_measurable_key_result_gets_no_advice(demo_organization: m.Organization) -> None:
    draft = KeyResultDraft(
        title="Cut cost from 4 to 2 cents", form="numeric", start="4", target="2", owner="ben"
    )
    assert key_result_advice(demo_organization, AS_OF, draft, "SR-1", None) == []


def test_an_edited_key_result_is_advised_under_its_own_id(demo_organization: m.Organization):
    draft = KeyResultDraft(title="Latency", form="numeric", start="400", target="400")
    found = key_result_advice(demo_organization, AS_OF, draft, "SR-1", "SR-1.1")
    assert "kr-not-measurable" in rules(found)
    assert all("SR-1.1" in (f.target, f.related) for f in found)


def test_what_cannot_be_read_yet_gives_no_advice(demo_organization: m.Organization) -> None:
    assert key_result_advice(demo_organization, AS_OF, KeyResultDraft(), "SR-1", None) == []
    assert (
        key_result_advice(demo_organization, AS_OF, KeyResultDraft(title="x"), "nope", None) == []
    )
    nobody = ObjectiveDraft(title="Grow search", owner="nobody", cycle="2026-Q4")
    assert objective_advice(demo_organization, AS_OF, nobody, None) == []
    untitled = ObjectiveDraft(owner="search", cycle="2026-Q4")
    assert objective_advice(demo_organization, AS_OF, untitled, None) == []


def test_a_new_objective_is_told_to_align_but_not_to_add_key_results_yet(
    demo_organization: m.Organization,
) -> None:
    draft = ObjectiveDraft(title="Grow search", owner="search", cycle="2026-Q4")
    found = rules(objective_advice(demo_organization, AS_OF, draft, None))
    assert "unaligned-objective" in found
    assert "objective-without-key-results" not in found
    assert not found & NOT_ADVICE


def test_an_umbrella_without_an_owner_is_advised(demo_organization: m.Organization) -> None:
    draft = ObjectiveDraft(
        title="Grow", owner="search", cycle="2026-Q4", aligns_to="NW-1", umbrella=True
    )
    found = objective_advice(demo_organization, AS_OF, draft, None)
    assert any("no accountable owner" in f.message for f in found)
    assert "unaligned-objective" not in rules(found)


def test_an_edited_objective_keeps_its_owner_cycle_and_key_results(
    demo_organization: m.Organization,
) -> None:
    # Owner and cycle left empty are the stored objective's; its key results stay its own.
    found = objective_advice(demo_organization, AS_OF, ObjectiveDraft(title="x"), "BEN-1")
    assert "objective-without-key-results" not in rules(found)
    assert all(f.rule not in NOT_ADVICE for f in found)
