"""A worker: Django-Q2's cluster (processes that take queued jobs and run them) and, in this
process, Tandem's scheduler, which queues each periodic job's slot (``runner.tick``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from tandem.jobs.runner import tick

log = logging.getLogger(__name__)


def work() -> None:
    """Run until SIGTERM or Ctrl-C (the cluster stops its processes, then this returns)."""
    from django_q.cluster import Cluster  # noqa: PLC0415 - installs its signal handlers

    connections.close_all()  # the cluster forks: each process opens its own
    cluster = Cluster()
    cluster.start()
    sentinel = cluster.sentinel
    while sentinel.is_alive():
        close_old_connections()
        try:
            tick()
        except DatabaseError:
            log.exception("the scheduler could not queue the periodic jobs; trying again")
        sentinel.join(settings.TANDEM_QUEUE_TICK_SECONDS)
    connections.close_all()
