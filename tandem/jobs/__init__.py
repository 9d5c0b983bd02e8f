"""Scheduled and background work: reminders, digests, data pulls, anything not asked for by a
request. Empty until the first job arrives.

What goes here: the task queue's set-up, the schedules, and one module per task. A task is a
thin entry point like a view or a CLI command: it loads with a selector, writes with a service
(``tandem/<area>/services.py``) or sends through ``tandem.notifications``, and holds no rule
of its own, so what a job does can also be done and tested from a page, the API or the CLI.

Layer: just below the interfaces (``cli``, ``server``, ``web``, ``api`` may start jobs); it may
import ``notifications``, ``integrations``, the business-area apps and everything below them,
never an interface (see docs/architecture.md and ``[tool.importlinter]`` in pyproject.toml).
"""
