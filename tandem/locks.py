"""The PostgreSQL advisory locks Tandem's apps share, below every app so each can take them.

``CHECKINS_LOCK``: a check-in's transaction holds it shared from before its id is taken until
it ends (``checkins.services.checkin_record`` takes it in its INSERT, a pre-save signal in
``organization.revision`` otherwise), and ``organization.revision.checkins_settle`` waits for
it exclusively: every check-in id taken before then is committed or gone.
"""

from __future__ import annotations

# Any number, the same everywhere.
CHECKINS_LOCK = 0x74616E64656D  # "tandem"
