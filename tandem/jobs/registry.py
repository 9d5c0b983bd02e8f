"""Tandem's jobs by name: what each runs, how often it is retried, and (periodic) its period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

Function = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    """A job: ``function(key)`` does its work in the transaction that marks the run done.

    ``every``: a periodic job's period; its slots start at whole multiples of it since the
    Unix epoch (UTC), and the slot's start is the key. ``retries``: further attempts after a
    failure, the n-th after ``backoff * 2**(n-1)`` seconds (at most an hour).
    """

    name: str
    function: Function
    every: timedelta | None = None
    retries: int = 5
    backoff: float = 10.0
    # False: the job makes its own transactions (it talks to the outside world, and must not
    # hold a write lock meanwhile); its run is marked done after it, so two workers may run
    # the same key at once, and the job itself must make that harmless.
    atomic: bool = True

    def delay(self, attempt: int) -> float:
        """Seconds before the attempt after failed attempt number ``attempt`` (from 1)."""
        return min(self.backoff * 2.0 ** (attempt - 1), 3600.0)

    def slot(self, now: datetime) -> datetime:
        """The start of the slot ``now`` falls in (a periodic job only)."""
        assert self.every is not None
        period = int(self.every.total_seconds())
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % period, tz=now.tzinfo)


_JOBS: dict[str, Job] = {}


def job(
    name: str,
    *,
    every: timedelta | None = None,
    retries: int = 5,
    backoff: float = 10.0,
    atomic: bool = True,
) -> Callable[[Function], Function]:
    """Register the decorated ``function(key)`` as the job ``name``."""

    def register(function: Function) -> Function:
        if name in _JOBS and _JOBS[name].function is not function:
            raise ValueError(f"two jobs are named {name!r}")
        _JOBS[name] = Job(
            name, function, every=every, retries=retries, backoff=backoff, atomic=atomic
        )
        return function

    return register


def job_get(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"no job is named {name!r}") from None


def jobs_periodic() -> list[Job]:
    return [each for each in _JOBS.values() if each.every is not None]
