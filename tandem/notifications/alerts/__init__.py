"""Alerts that no one's action sends at once: what the calendar brings (a request due soon,
overdue or unanswered; a cycle about to start or ended) and what the engine finds (a key
result put at risk by a dependency, and its recovery).

Each module loads the organisation once (the process's cached, evaluated organisation:
:func:`tandem.organization.cache.view_get`), decides in memory, and sends everything in a
fixed number of queries (:func:`tandem.notifications.services.notifications_send_all`).
The jobs that run them are in :mod:`tandem.jobs.alerts`. Every message goes only to those
who may see what it is about (:class:`tandem.notifications.alerts.seeing.Seeing`), and its
event id and slot make it once only, however often a job runs.
"""
