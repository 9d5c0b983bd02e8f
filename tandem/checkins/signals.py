"""What the check-ins tell whoever listens, once the check-in is stored for good.

``checkin_recorded`` (``checkin``: the :class:`~tandem.checkins.models.CheckIn`) is sent once
the transaction that stored a new check-in commits, however it was stored: alone on
PostgreSQL a check-in is one plain INSERT that no model signal hears of. The risk alerts
listen (``tandem.jobs.alerts``).
"""

from __future__ import annotations

from django.dispatch import Signal

checkin_recorded = Signal()
