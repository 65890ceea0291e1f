"""The mail bookings send: a booking's confirmation (with its .ics), a series' confirmation, and
the notice a member gets when the hub cancels their booking.

The texts are templates (``templates/mail/bookings/<name>.txt``, each with a ``subject()`` and a
``body()`` macro); the messages go to the outbox in the caller's transaction, so a refused or
rolled-back booking sends nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from coworking import mail
from coworking.accounts.models import User
from coworking.bookings.models import Booking, BookingSeries
from coworking.bookings.recurrence import Recurrence
from coworking.ical import booking_ics
from coworking.mail import queue_mail
from coworking.urls import external_url

if TYPE_CHECKING:
    from coworking.bookings.series import Occurrence


def render_mail(name: str, **context) -> tuple[str, str]:
    return mail.render_mail(f"mail/bookings/{name}.txt", **context)


def queue_confirmation(booking: Booking, member: User) -> None:
    subject, body = render_mail("confirmation", booking=booking, member=member)
    # Written by the commit's flush with the booking's other rows, not by a flush of its own.
    queue_mail(member.email, subject, body, attachments=[("booking.ics", "text/calendar", calendar_file(booking))], flush=False)


def calendar_file(booking: Booking) -> bytes:
    """The booking as a one-off .ics, linking to its page."""
    return booking_ics(booking, link=external_url("bookings.show", booking_id=booking.id))


def queue_series_confirmation(series: BookingSeries, member: User, booked: list[Occurrence], recurrence: Recurrence) -> None:
    subject, body = render_mail("series_confirmation", series=series, member=member, booked=booked, recurrence=recurrence)
    queue_mail(member.email, subject, body)


def queue_cancellation_notice(booking: Booking, count: int = 1) -> None:
    """Tell the member the hub cancelled their booking (and ``count - 1`` later ones of its series)."""
    member = booking.member
    subject, body = render_mail("cancellation", booking=booking, member=member, count=count)
    queue_mail(member.email, subject, body)
