"""Why a booking (or a block, a move, a cancellation, a rule change) was refused.

Every one is a ``coworking.errors.DomainError``: its ``status`` is what the API answers with, its
``field`` the form or JSON field it concerns. Pages show it beside that field
(``coworking.forms.show_refusal``); the API turns it into JSON (``coworking.errors.api_error_for``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from coworking.errors import DomainError

if TYPE_CHECKING:
    from coworking.bookings.series import Occurrence


class BookingError(DomainError):
    status = 400


class BookingConflict(BookingError):
    """The space is already booked then (409)."""

    status = 409

    def __init__(self, message: str = "That space is already booked at that time."):
        super().__init__(message)


class NoDeskFree(BookingConflict):
    def __init__(self, message: str = "No desk is free at that time."):
        super().__init__(message)


class BookingRulesBroken(BookingError):
    """The booking breaks one or more of the hub's rules (422); ``problems`` lists them all.

    The API names them in ``fields.rules`` (joined) and in the extra key ``rules`` (a list);
    a page lists them one by one above its form. A rule about one field names it instead
    (``field="reason"``: a manager cancelling a member's booking must say why).
    """

    status = 422

    def __init__(self, problems: list[str], field: str = "rules"):
        super().__init__(" ".join(problems), field, rules=list(problems))
        self.problems = problems


class SecondDeskUnconfirmed(BookingError):
    """The member already holds a desk that day; a second one (for a guest) must be asked for
    (409, on ``second_desk``)."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message, "second_desk")


class NotCancellable(BookingError):
    status = 409


class NotAllowed(BookingError):
    status = 403


class SeriesHasConflicts(BookingError):
    """Some dates of a series cannot be booked (409); ``preview`` has every date and why."""

    status = 409

    def __init__(self, preview: list[Occurrence]):
        count = sum(1 for o in preview if not o.is_free)
        super().__init__(f"{count} of {len(preview)} dates cannot be booked; book the free ones or none.")
        self.preview = preview


class PolicyInvalid(BookingError):
    """A manager's booking rules are not valid (422); ``problems`` maps each field to what is wrong."""

    status = 422

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()))
        self.problems = problems
