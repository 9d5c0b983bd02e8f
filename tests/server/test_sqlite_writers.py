"""SQLite writers of any thread or process queue on a lock file, and the wait stays bounded."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from tandem.server.sqlite.base import DatabaseWrapper


def wrappers(path: Path, timeout: float, count: int = 2) -> list[Any]:
    """``count`` connections to the SQLite file ``path`` through Tandem's backend, as the
    server opens them (each its own, as two threads or two processes would have)."""
    options = {"transaction_mode": "IMMEDIATE", "timeout": timeout}
    handler = ConnectionHandler(
        {
            ("default" if i == 0 else f"w{i}"): {
                "ENGINE": "tandem.server.sqlite",
                "NAME": str(path),
                "OPTIONS": options,
            }
            for i in range(count)
        }
    )
    # Made here rather than by the handler, which would keep them in its thread-local storage.
    found = [DatabaseWrapper(settings, alias) for alias, settings in handler.settings.items()]
    for wrapper in found:
        wrapper.inc_thread_sharing()  # used from the test's threads
    return found


def begin(wrapper: Any) -> None:
    """What ``transaction.atomic`` does first on SQLite."""
    wrapper.ensure_connection()
    wrapper._start_transaction_under_autocommit()


def lock_is_free(database: Path) -> bool:
    """Whether another process could take the writers' lock file now."""
    fd = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # gives back what it took
    return True


@pytest.fixture
def database(
    tmp_path: Path, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A SQLite file of its own (not the test database, which lives in memory)."""
    # On the worker that also runs the browser tests, Playwright's event loop runs in this
    # thread; these connections are plain synchronous ones all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    path = tmp_path / "tandem.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, who TEXT)")
    with django_db_blocker.unblock():
        yield path


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(database: Path) -> None:
    first, second = wrappers(database, timeout=20)
    events: list[str] = []
    begin(first)
    assert not lock_is_free(database)
    first.cursor().execute("INSERT INTO note (who) VALUES ('first')")

    def write_second() -> None:
        begin(second)
        events.append("second began")
        second.cursor().execute("INSERT INTO note (who) VALUES ('second')")
        second._commit()

    writer = threading.Thread(target=write_second)
    writer.start()
    writer.join(timeout=0.3)
    assert writer.is_alive(), "the second writer must wait while the first holds the lock"
    events.append("first committed")
    first._commit()
    writer.join(timeout=10)
    assert not writer.is_alive()
    assert events == ["first committed", "second began"]
    with sqlite3.connect(database) as raw:
        assert raw.execute("SELECT who FROM note ORDER BY id").fetchall() == [
            ("first",),
            ("second",),
        ]
    assert lock_is_free(database)
    for wrapper in (first, second):
        wrapper.close()


def test_a_rolled_back_or_closed_writer_lets_the_next_one_in(database: Path) -> None:
    first, second = wrappers(database, timeout=20)
    begin(first)
    first._rollback()
    assert lock_is_free(database)
    begin(second)
    second._commit()
    begin(first)
    first.close()  # a connection closed mid-transaction gives the lock back too
    assert lock_is_free(database)
    begin(second)
    assert not lock_is_free(database)
    second._commit()
    assert lock_is_free(database)
    second.close()


def test_past_the_busy_timeout_the_writer_gets_sqlites_error(database: Path) -> None:
    """A writer never waits for ever: past TANDEM_SQLITE_TIMEOUT it is refused as before."""
    first, second = wrappers(database, timeout=0.3)
    begin(first)
    with pytest.raises(OperationalError, match="database is locked"):
        begin(second)
    first._commit()
    assert lock_is_free(database)
    begin(second)  # the failed one held nothing
    second._commit()
    for wrapper in (first, second):
        wrapper.close()


def test_a_connection_dropped_without_closing_gives_its_lock_file_back(database: Path) -> None:
    """The server ends idle threads; their connections go to the garbage collector, and the
    lock file each had open must be closed then (else every retired thread leaks one)."""
    import gc  # noqa: PLC0415

    (first,) = wrappers(database, timeout=20, count=1)
    begin(first)
    first._commit()
    closer = first._lock_closer
    assert closer is not None
    assert closer.alive  # the lock file is open while the connection lives
    first.connection.close()  # SQLite's own handle: only the lock file is left to the finalizer
    del first
    gc.collect()
    assert not closer.alive  # it has closed the file


def test_the_database_its_journal_and_its_lock_file_are_readable_by_their_owner_only(
    tmp_path: Path, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every OKR and the password hashes are in there: 0600, as the secret key, under the
    usual umask that makes other files 0644."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    database = tmp_path / "tandem.sqlite3"
    previous_umask = os.umask(0o022)
    try:
        with django_db_blocker.unblock():
            (wrapper,) = wrappers(database, timeout=20, count=1)
            wrapper.ensure_connection()
            wrapper.cursor().execute("PRAGMA journal_mode=WAL")
            begin(wrapper)
            wrapper.cursor().execute("CREATE TABLE note (id INTEGER PRIMARY KEY, who TEXT)")
            wrapper._commit()
            made = {path.name: path.stat().st_mode & 0o777 for path in sorted(tmp_path.iterdir())}
            wrapper.close()
    finally:
        os.umask(previous_umask)
    assert made == {
        "tandem.sqlite3": 0o600,
        "tandem.sqlite3-shm": 0o600,
        "tandem.sqlite3-wal": 0o600,
        "tandem.sqlite3.lock": 0o600,
    }
    # A database that is there already keeps the mode its owner gave it.
    database.chmod(0o640)
    with django_db_blocker.unblock():
        (wrapper,) = wrappers(database, timeout=20, count=1)
        wrapper.ensure_connection()
        wrapper.close()
    assert database.stat().st_mode & 0o777 == 0o640
