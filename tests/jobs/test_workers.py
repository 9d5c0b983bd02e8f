"""Real worker processes on a real database: two schedulers give each periodic slot one run,
and a job whose worker is killed with SIGKILL mid-run is finished once by the next worker.

On SQLite the workers share a database file of their own; in the PostgreSQL run of CI they
share the test database (committed, so the test is transactional).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from tests.jobs import sample_jobs

ROOT = Path(__file__).resolve().parents[2]
Env = dict[str, str]
# CI runs Redis here. Each test queues under a name of its own (Django-Q2's Q_CLUSTER_NAME):
# tests running at once on other pytest workers neither take its jobs nor drop them.
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def queue() -> str:
    """TANDEM_QUEUE for the workers (a test parametrizes it to run on Redis too)."""
    return "database"


@pytest.fixture
def queue_name(queue: str) -> Iterator[str]:
    name = f"tandem-test-{uuid.uuid4().hex}"
    if queue != "database":
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            if os.environ.get("CI") == "true":  # CI's machine has Redis: a skip there hides a gap
                pytest.fail("the Redis queue tests cannot run under CI: no Redis on 127.0.0.1:6379")
            pytest.skip("no Redis on 127.0.0.1:6379")
    yield name
    if queue != "database":
        import redis  # noqa: PLC0415

        redis.from_url(REDIS).delete(f"django_q:{name}:q")  # copies queued twice, never taken


@pytest.fixture
def queue_env(request: pytest.FixtureRequest, tmp_path: Path, queue: str, queue_name: str) -> Env:
    """The environment of a worker on a database the test can share with it."""
    env = {
        **os.environ,
        "TANDEM_DATA_DIR": str(tmp_path / "data"),
        "TANDEM_QUEUE": queue,
        "Q_CLUSTER_NAME": queue_name,
        "TANDEM_QUEUE_WORKERS": "1",
        "TANDEM_QUEUE_TICK_SECONDS": "0.2",
        "TANDEM_QUEUE_HEARTBEAT_SECONDS": "1",
        # The slow job runs long enough that a loaded machine cannot let it finish between
        # the test seeing it start and killing its worker; a job's timeout is more than its
        # run, and the broker's redelivery more than the timeout.
        "TANDEM_QUEUE_TIMEOUT": "5",
        "TANDEM_QUEUE_RETRY": "6",
        "TANDEM_TEST_SLOW_SECONDS": "4",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    request.getfixturevalue("_database_for_workers")
    if connection.vendor == "postgresql":
        database = connection.settings_dict
        env["TANDEM_DATABASE_URL"] = (
            f"postgresql://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    else:
        env.pop("TANDEM_DATABASE_URL", None)
        _tandem(env, "manage", "migrate", "--verbosity", "0")
    return env


@pytest.fixture
def _database_for_workers(request: pytest.FixtureRequest) -> None:
    """PostgreSQL: the committed test database (workers are other processes); SQLite: none of
    the test's (the workers get a file of their own)."""
    from django.conf import settings  # noqa: PLC0415

    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        request.getfixturevalue("transactional_db")


def _tandem(env: Env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _python(env: Env, code: str) -> object:
    """Run ``code`` in Django on the workers' database; it prints JSON, returned decoded."""
    return json.loads(_tandem(env, "manage", "shell", "--no-imports", "-c", code))


@pytest.fixture
def start_worker(queue_env: Env) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tandem", "worker"],
            env=queue_env,
            cwd=ROOT,
            start_new_session=True,  # its own process group: killed whole with killpg
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


def _stop(worker: subprocess.Popen[bytes]) -> None:
    # A worker stops once its cluster has handed back what it holds: on a busy machine (the
    # suite's other worker, a benchmark) that took over 20 s.
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=90) == 0


RESULTS = """
import json
from django_q.models import Task
from tandem.jobs.models import JobRun
runs = JobRun.objects.filter(job=%r)
print(json.dumps({
    "runs": [[run.key, run.finished is not None] for run in runs],
    "results": [[task.args[1], task.result] for task in Task.objects.filter(group=%r)],
}))
"""


@pytest.mark.parametrize("queue", ["database", REDIS])
def test_two_workers_run_each_periodic_slot_once(
    start_worker: Callable[[], subprocess.Popen[bytes]], queue_env: Env
) -> None:
    began = datetime.now(UTC) - timedelta(seconds=1)  # heartbeat slots are 1 s long here
    first, second = start_worker(), start_worker()
    # Both run a while (however slowly they start on a busy machine), then stop.
    _wait_for(lambda: len(_finished_slots(queue_env, began)) >= 3, seconds=90)
    _stop(first)
    _stop(second)
    seen = _python(queue_env, RESULTS % ("heartbeat", "heartbeat"))
    assert isinstance(seen, dict)
    # This test's slots only: on PostgreSQL an earlier test's workers may still have been
    # writing when its tables were emptied.
    ours = {
        kind: [row for row in rows if datetime.fromisoformat(row[0]) >= began]
        for kind, rows in seen.items()
    }
    slots = [key for key, finished in ours["runs"] if finished]
    assert len(slots) >= 2
    done = [key for key, result in ours["results"] if result == "done"]
    # Every slot's run was done by exactly one task, whichever worker took it.
    assert sorted(done) == sorted(slots)
    assert {result for _key, result in ours["results"]} <= {"done", "already done"}


# On Redis, which keeps no receipt of a taken job, the run's due time brings it back.
@pytest.mark.parametrize("queue", ["database", REDIS])
def test_a_job_whose_worker_is_killed_mid_run_is_finished_once(
    start_worker: Callable[[], subprocess.Popen[bytes]], queue_env: Env, tmp_path: Path
) -> None:
    trace = tmp_path / "slow.txt"
    first = start_worker()
    _python(
        queue_env,
        f"import json, {sample_jobs.__name__}; from tandem.jobs.runner import enqueue; "
        f"enqueue({sample_jobs.SLOW!r}, {str(trace)!r}); print(json.dumps(None))",
    )
    _wait_for(lambda: trace.exists() and "start" in trace.read_text())
    os.killpg(first.pid, signal.SIGKILL)  # the cluster, its workers and the job with them
    first.wait()
    assert "end" not in trace.read_text()
    second = start_worker()
    # Handed to the second worker after the broker's redelivery time (Redis: the run's due
    # time, twice that), then 4 s of work.
    _wait_for(lambda: "end" in trace.read_text(), seconds=60)
    _stop(second)
    lines = trace.read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["start", "start", "end"]
    seen = _python(queue_env, RESULTS % (sample_jobs.SLOW, sample_jobs.SLOW))
    assert isinstance(seen, dict)
    # This test's run only: on PostgreSQL the workers of an earlier test may still have been
    # writing their results when its tables were emptied.
    mine = {kind: [row for row in rows if row[0] == str(trace)] for kind, rows in seen.items()}
    assert mine == {"runs": [[str(trace), True]], "results": [[str(trace), "done"]]}


def _finished_slots(env: Env, began: datetime) -> list[str]:
    seen = _python(env, RESULTS % ("heartbeat", "heartbeat"))
    assert isinstance(seen, dict)
    return [key for key, done in seen["runs"] if done and datetime.fromisoformat(key) >= began]


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
