"""The ledger's refusal: one DomainError subclass with a field and a status."""
from __future__ import annotations

from coworking.errors import DomainError


class LedgerError(DomainError):
    """A ledger rule refused something (an unbalanced entry, a closed period, a fund that
    cannot pay for a reinvestment): 422 by default, naming the field."""
