"""Alignment: what an objective may contribute to (SPEC section 2), checked on the database."""

from __future__ import annotations

from tandem.errors import ConflictError, InvalidError
from tandem.okrs.models import Cycle, KeyResult, Objective


def cycle_contains(outer: Cycle, inner: Cycle) -> bool:
    return outer.id == inner.id or (outer.start <= inner.start and inner.end <= outer.end)


def alignment_check(*, objective_id: str, cycle: Cycle, target_id: str, field: str) -> None:
    """What SPEC section 2 calls a valid alignment: an existing objective or key result (not
    archived, not this objective's own) whose cycle contains this one's, and no loop."""
    target = Objective.objects.select_related("cycle").filter(id=target_id).first()
    archived = target is not None and target.archived_at is not None
    if target is None:
        key_result = (
            KeyResult.objects.select_related("objective__cycle").filter(id=target_id).first()
        )
        if key_result is None:
            raise InvalidError(
                f"'{target_id}' is neither an objective nor a key result; align to one that exists",
                field=field,
            )
        target = key_result.objective
        archived = key_result.archived_at is not None or target.archived_at is not None
    if archived:
        raise InvalidError(
            f"'{target_id}' is archived; align to something current, or restore it first",
            field=field,
        )
    if target.id == objective_id:
        raise InvalidError(
            f"{objective_id} cannot align to itself or to one of its own key results; align it "
            "to a higher objective or key result",
            field=field,
        )
    if not cycle_contains(target.cycle, cycle):
        raise InvalidError(
            f"'{target_id}' is in cycle '{target.cycle_id}' ({target.cycle.start} to "
            f"{target.cycle.end}), which does not contain cycle '{cycle.id}' ({cycle.start} to "
            f"{cycle.end}); align to an objective or key result of the same cycle or of one "
            "around it (such as the year)",
            field=field,
        )
    alignment_ensure_no_loop(objective_id, target_id, field=field)


def alignment_ensure_no_loop(objective_id: str, target_id: str, *, field: str) -> None:
    """Follow ``aligns_to`` upward from the target (a key result leads to its objective) and
    refuse when it comes back. Archived objectives are followed too: restoring one must not
    close a loop."""
    path = [objective_id]
    node: str | None = target_id
    seen: set[str] = set()
    while node is not None and node not in seen:
        seen.add(node)
        path.append(node)
        if node == objective_id:
            raise ConflictError(
                # Only the two ids the caller named: the way between them may pass through
                # objectives they may not see.
                f"aligning {objective_id} to {target_id} would make a loop: {target_id} "
                f"already aligns{' through others' if len(path) > 3 else ''} to {objective_id}; "
                f"alignment points upward, so align {objective_id} to something that does not "
                "depend on it",
                field=field,
            )
        objective = Objective.objects.filter(id=node).values_list("aligns_to").first()
        if objective is not None:
            node = objective[0]
            continue
        key_result = KeyResult.objects.filter(id=node).values_list("objective_id").first()
        node = key_result[0] if key_result is not None else None
