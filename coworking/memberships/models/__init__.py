"""The memberships area's tables, in three modules: what a hub sells (plans.py), the member's
record (memberships.py) and the allowance ledger (allowances.py)."""
from coworking.memberships.models.allowances import AllowanceEntry, BookingCharge, EntryKind
from coworking.memberships.models.memberships import (
    Application,
    ApplicationStatus,
    Concession,
    Membership,
    MembershipEvent,
    MembershipPause,
    MembershipPlanChange,
)
from coworking.memberships.models.plans import (
    DESK_DAYS,
    RESOURCES,
    ROOM_MINUTES,
    Organisation,
    PassProduct,
    PassPurchase,
    Plan,
    PlanPrice,
)

__all__ = [
    "DESK_DAYS", "RESOURCES", "ROOM_MINUTES", "AllowanceEntry", "Application", "ApplicationStatus",
    "BookingCharge", "Concession", "EntryKind", "Membership", "MembershipEvent", "MembershipPause",
    "MembershipPlanChange", "Organisation", "PassProduct", "PassPurchase", "Plan", "PlanPrice",
]
