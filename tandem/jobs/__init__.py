"""Scheduled and background work: reminders, digests, data pulls, anything not asked for by a
request.

The queue is Django-Q2's (the database in use, or Redis: ``TANDEM_QUEUE``); ``runner`` runs a
job once per (job, key) and retries it with backoff, ``registry`` names the jobs, ``schedules``
holds the periodic ones, ``worker`` is what ``tandem worker`` (and ``tandem serve``) run.

What goes here: the task queue's set-up, the schedules, and one module per task. A task is a
thin entry point like a view or a CLI command: it loads with a selector, writes with a service
(``tandem/<area>/services.py``) or sends through ``tandem.notifications``, and holds no rule
of its own, so what a job does can also be done and tested from a page, the API or the CLI.

Layer: just below the interfaces (``cli``, ``server``, ``web``, ``api`` may start jobs); it may
import ``notifications``, ``integrations``, the business-area apps and everything below them,
never an interface (see docs/architecture.md and ``[tool.importlinter]`` in pyproject.toml).
"""
