"""The page's imports (:mod:`tandem.organization.import_runs`): thin entry points.

- ``import-plan``: read an uploaded file and plan it (what would change), keyed by its run;
- ``import-run``: import a confirmed plan, all or nothing, keyed by its run (two admins
  confirming the same plan queue it once, and the run's state lets one job take it).

Both make their own transactions (``atomic=False``): the progress is written outside the
import's, for the page to see while it runs. A file's own problems end the run as failed and
are not retried (the job returns); another error is retried, and after the last attempt the
run is marked failed with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from tandem.jobs.models import JobRun
from tandem.jobs.registry import job, job_get
from tandem.organization.import_runs import (
    import_run_execute,
    import_run_give_up,
    import_run_plan,
)

PLAN = "import-plan"
IMPORT = "import-run"
RETRIES = 2


def _or_give_up(name: str, key: str, work: Callable[[uuid.UUID], None]) -> None:
    run_id = uuid.UUID(key)
    try:
        work(run_id)
    except Exception as exc:
        failed = JobRun.objects.filter(job=name, key=key).values_list("attempts", flat=True)
        if (failed.first() or 0) + 1 > job_get(name).retries:  # this was the last attempt
            import_run_give_up(run_id, f"{type(exc).__name__}: {exc}")
        raise


@job(PLAN, retries=RETRIES, atomic=False)
def import_plan(key: str) -> None:
    _or_give_up(PLAN, key, import_run_plan)


@job(IMPORT, retries=RETRIES, atomic=False)
def import_run(key: str) -> None:
    _or_give_up(IMPORT, key, import_run_execute)
