"""Domain events: how a lower area tells higher ones what happened without importing them.

Bookings send these; memberships (allowance use) and later areas connect receivers. A receiver
runs inside the sender's transaction, so what it writes commits or rolls back with the change
that caused it. Receivers take the sender (the Booking) and keyword arguments; they must not
commit.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A booking was made (``booking``). Sent once per booking, including each one of a series.
booking_created = _signals.signal("booking-created")
#: A booking's time or space changed (``booking``, ``previous_starts_at``, ``previous_ends_at``,
#: ``previous_space_id``).
booking_moved = _signals.signal("booking-moved")
#: A booking was cancelled (``booking``, ``by``).
booking_cancelled = _signals.signal("booking-cancelled")
