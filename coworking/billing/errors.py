"""The billing area's refusal: one DomainError subclass with a field and a status."""
from __future__ import annotations

from coworking.errors import DomainError


class BillingError(DomainError):
    """A billing rule refused something: 422 by default, 409 for a state that forbids it
    (issuing an issued invoice, editing a frozen one), 403 for someone who may not."""
