"""Moving a dependency through its states, recording who, when and why every time."""

from __future__ import annotations

from django.db import transaction

from tandem.dependencies.models import Dependency, DependencyEvent, State

# What may follow what: a request is answered (accepted or declined) or withdrawn; accepted
# work is delivered, or falls through; a declined request may be asked again.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.REQUESTED: frozenset({State.ACCEPTED, State.DECLINED, State.CANCELLED}),
    State.ACCEPTED: frozenset({State.DELIVERED, State.DECLINED, State.CANCELLED}),
    State.DECLINED: frozenset({State.REQUESTED, State.CANCELLED}),
    State.DELIVERED: frozenset({State.ACCEPTED}),
    State.CANCELLED: frozenset({State.REQUESTED}),
}


class DependencyError(Exception):
    """A state change that is not allowed; the message says which are."""


@transaction.atomic
def dependency_transition(
    *,
    dependency_id: str,
    to_state: State,
    by_id: str | None,
    reason: str = "",
    provider_kr_id: str | None = None,
) -> Dependency:
    dependency = Dependency.objects.select_for_update().filter(id=dependency_id).first()
    if dependency is None:
        raise DependencyError(f"there is no dependency with id '{dependency_id}'")
    allowed = TRANSITIONS[dependency.state]
    if to_state not in allowed:
        raise DependencyError(
            f"{dependency_id} is {dependency.state}; it can become "
            f"{' or '.join(sorted(allowed))}, not {to_state}"
        )
    if to_state == State.DECLINED and not reason.strip():
        raise DependencyError("say why the request is declined (a reason is required)")
    DependencyEvent.objects.create(
        dependency=dependency,
        from_state=dependency.state,
        to_state=to_state,
        by_id=by_id,
        reason=reason,
    )
    dependency.state = to_state
    fields = ["state"]
    if provider_kr_id is not None:
        dependency.provider_kr_id = provider_kr_id
        fields.append("provider_kr")
    dependency.save(update_fields=fields)
    return dependency
