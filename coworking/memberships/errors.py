"""The memberships area's refusal: one DomainError subclass with a field and a status."""
from __future__ import annotations

from coworking.errors import DomainError


class MembershipError(DomainError):
    """A membership rule refused something: 422 by default, 409 for a state that forbids it
    (approving twice, cancelling a cancelled membership), 403 for someone who may not."""
