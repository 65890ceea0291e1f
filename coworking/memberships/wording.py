"""How the members' pages say allowances in words: "10 desk days", "1.5 room hours",
"desks and rooms". Pure; the ledger counts desk days and room minutes, people read hours."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from coworking.memberships.models import DESK_DAYS, Plan

# Which kinds of space draw on each resource (coworking/memberships/settlement.py's rule).
KINDS_OF_RESOURCE = {DESK_DAYS: ("desk", "office"), "room_minutes": ("room",)}
KIND_PLURALS = {"desk": "desks", "room": "rooms", "office": "offices"}


def number(quantity: int, resource: str) -> str:
    """The figure alone, in the unit people read: desk days, or hours for room minutes."""
    if resource == DESK_DAYS:
        return str(quantity)
    hours = (Decimal(quantity) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{hours:f}"


def unit(quantity: int, resource: str) -> str:
    """'desk day' or 'desk days', 'room hour' or 'room hours'."""
    one = quantity == (1 if resource == DESK_DAYS else 60)
    return ("desk day" if resource == DESK_DAYS else "room hour") + ("" if one else "s")


def amount(quantity: int, resource: str) -> str:
    """'3 desk days', '1.5 room hours', '1 room hour'."""
    return f"{number(quantity, resource)} {unit(quantity, resource)}"


def kinds(space_kinds) -> str:
    """['desk', 'room'] -> 'desks and rooms'."""
    names = [KIND_PLURALS.get(kind, kind) for kind in space_kinds]
    if not names:
        return "no kind of space"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def monthly_allowance(plan: Plan, resource: str) -> str | None:
    """'10 desk days a month', 'Unlimited room hours', 'No desk days', or None when the plan
    covers no space that uses this resource."""
    if not any(plan.covers(kind) for kind in KINDS_OF_RESOURCE[resource]):
        return None
    allowance = plan.allowance(resource)
    if allowance is None:
        return f"Unlimited {unit(0, resource)}"
    if allowance == 0:
        return f"No {unit(0, resource)} included"
    return f"{amount(allowance, resource)} a month"
