"""An unknown --cycle or --team is answered with the ids close to it, the same way for both."""

from __future__ import annotations

from tandem.core.report import LISTED_IDS, unknown_id_message


def test_few_ids_are_listed_after_the_close_ones() -> None:
    message = unknown_id_message("cycle", "2026q3", ["FY2026", "2026-Q3"], extra="'all'")
    assert message == (
        "unknown cycle '2026q3'; did you mean 2026-Q3? The cycles are: FY2026, 2026-Q3 (or 'all')"
    )
    assert unknown_id_message("team", "x", []) == "unknown team 'x'; the teams are: none"


def test_among_many_ids_only_the_close_ones_are_named_by_id_or_name() -> None:
    teams = [f"t-{n:03}" for n in range(LISTED_IDS + 1)] + ["t-search", "t-research"]
    names = {"t-search": "Search", "t-research": "Research", "t-000": "Quality"}
    assert unknown_id_message("team", "search", teams, names=names) == (
        "unknown team 'search'; did you mean t-search or t-research?"
    )
    assert unknown_id_message("team", "quality", teams, names=names) == (
        "unknown team 'quality'; did you mean t-000?"
    )
    assert unknown_id_message("team", "zzz", teams, names=names) == (
        "unknown team 'zzz'; none of the 23 teams has an id or name close to it"
    )
