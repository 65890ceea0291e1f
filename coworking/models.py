"""Imports every area's models so metadata (and Alembic) knows all tables."""
from coworking.billing.models import (  # noqa: F401
    BillingSettings,
    Invoice,
    InvoiceLine,
    LineExclusion,
    NumberCounter,
    Payment,
    PaymentAllocation,
    ReminderSent,
    StatementImport,
    StatementLine,
)
from coworking.bookings.models import Booking, BookingPolicy, BookingSeries  # noqa: F401
from coworking.feeds.models import FeedCache, FeedToken  # noqa: F401
from coworking.hubs.models import Closure, Hub, OpeningHours, Space  # noqa: F401
from coworking.hubs.roles import HubRole  # noqa: F401
from coworking.idempotency import IdempotencyKey  # noqa: F401
from coworking.jobs import Job  # noqa: F401
from coworking.ledger.models import (  # noqa: F401
    ClosedPeriod,
    JournalEntry,
    LedgerAccount,
    LedgerSettings,
    Posting,
    Receipt,
    Reinvestment,
)
from coworking.mail import OutboxMessage  # noqa: F401
from coworking.memberships.models import (  # noqa: F401
    AllowanceEntry,
    Application,
    BookingCharge,
    Concession,
    Membership,
    MembershipEvent,
    MembershipPause,
    MembershipPlanChange,
    Organisation,
    PassProduct,
    PassPurchase,
    Plan,
    PlanPrice,
)
