"""Django's SQLite backend, with Tandem's writers queueing on a lock file instead of polling.

SQLite lets one connection write at a time. A second writer waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25... milliseconds between tries, so in a burst of check-ins
a write that takes one millisecond can wait fifty: the 16-client check-in p95 was set by these
sleeps (docs/performance.md). Here every write transaction (``BEGIN IMMEDIATE``, what
``transaction.atomic`` starts) first takes an exclusive ``flock`` on ``<database>.lock``, from
any thread of any Tandem process. A waiter tries again within two milliseconds of the holder's
commit, and SQLite's own wait is left for writers outside Tandem. A writer that waits the
whole busy timeout (``TANDEM_SQLITE_TIMEOUT``) gets SQLite's own error, "database is locked",
as before.

The database holds every OKR and the password hashes: it is created readable by its owner
only (0600, as the secret key), and so are its lock file and the ``-wal`` and ``-shm`` files,
which SQLite creates with the database's own permissions.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
import weakref
from typing import Any

from django.db.backends.sqlite3 import base

FIRST_PAUSE = 0.0002  # seconds between tries, doubling up to
LONGEST_PAUSE = 0.002


# Read and written by the owner (the account Tandem runs as) only, whatever the umask.
PRIVATE = 0o600


def create_private(path: str) -> None:
    """Create the file ``path`` empty and private, unless it exists (a file that is there
    already keeps the mode its owner gave it)."""
    # Any other failure (no such folder, no permission) is SQLite's to report, as before.
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_fd: int | None = None
    # Closes the file when the connection closes, or when a thread that ends (the server
    # retires idle ones) leaves its connection to the garbage collector.
    _lock_closer: weakref.finalize | None = None  # type: ignore[type-arg]
    _holds_lock = False

    def get_new_connection(self, conn_params: Any) -> Any:
        name = str(self.settings_dict["NAME"])
        if not self.is_in_memory_db() and not name.startswith("file:"):
            # An empty file is an empty database: SQLite opens it as it would have made it.
            create_private(name)
        return super().get_new_connection(conn_params)

    def _start_transaction_under_autocommit(self) -> None:
        if not self.is_in_memory_db():
            self._lock_writers()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._unlock_writers()
            raise

    def _lock_writers(self) -> None:
        if self._lock_fd is None:
            lock_fd = os.open(f"{self.settings_dict['NAME']}.lock", os.O_RDWR | os.O_CREAT, PRIVATE)
            self._lock_fd = lock_fd
            self._lock_closer = weakref.finalize(self, os.close, lock_fd)
        lock_fd = self._lock_fd
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    with self.wrap_database_errors:
                        raise sqlite3.OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            else:
                self._holds_lock = True
                return

    def _unlock_writers(self) -> None:
        if self._holds_lock and self._lock_fd is not None:
            self._holds_lock = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._unlock_writers()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._unlock_writers()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._unlock_writers()
            if self._lock_closer is not None:
                self._lock_closer()  # once: the garbage collector will not close it again
                self._lock_closer = self._lock_fd = None
