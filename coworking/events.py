"""Domain events: how a lower area tells higher ones what happened without importing them.

Bookings send these; memberships (allowance use) and later areas connect receivers. A receiver
runs inside the sender's transaction, so what it writes commits or rolls back with the change
that caused it. Receivers take the sender (the Booking) and keyword arguments; they must not
commit. The questions at the end work the same way, but their receivers answer in words.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A hub was made (the sender): the ledger gives it its chart of accounts.
hub_created = _signals.signal("hub-created")
#: A booking was made (``booking``). Sent once per booking, including each one of a series.
booking_created = _signals.signal("booking-created")
#: A booking's time or space changed (``booking``, ``previous_starts_at``, ``previous_ends_at``,
#: ``previous_space_id``).
booking_moved = _signals.signal("booking-moved")
#: A booking was cancelled (``booking``, ``by``).
booking_cancelled = _signals.signal("booking-cancelled")
#: A hub added a closure (``closure``, ``by``: who added it, or None from code with nobody
#: behind it). Bookings cancels the bookings on the closed days and tells their members.
closure_added = _signals.signal("closure-added")

# --- questions ------------------------------------------------------------------------------
# A lower area asking a higher one for words to show: each receiver returns a short text, or
# None when it has nothing to say. ``answers()`` collects them. Receivers only read.

#: How would a booking be paid for? Sender: the hub. Keyword arguments: ``member``, ``kind``
#: ("desk" or "room"), ``day`` (a local date), ``space`` (None for "any free desk"), ``starts_at``
#: and ``ends_at`` (UTC, or None while the form has no times yet).
booking_coverage_asked = _signals.signal("booking-coverage-asked")
#: How was this booking (the sender) settled: allowance, pass, or price billed?
booking_settlement_asked = _signals.signal("booking-settlement-asked")
#: What would closing the hub (the sender) from ``starts_on`` to ``ends_on`` cancel? Each receiver
#: returns a list of texts, one per booking, or None (read them with ``listed_answers``).
closure_bookings_asked = _signals.signal("closure-bookings-asked")


def answers(signal, sender, **kwargs) -> list[str]:
    """The texts the receivers of a question returned, leaving out those with nothing to say."""
    return [text for _, text in signal.send(sender, **kwargs) if text]


def listed_answers(signal, sender, **kwargs) -> list[str]:
    """The texts of a question whose receivers each answer with a list of them."""
    return [text for _, texts in signal.send(sender, **kwargs) if texts for text in texts]
