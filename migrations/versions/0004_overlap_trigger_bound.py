"""No booking row longer than 25 hours, enforced by the database; SQLite's overlap trigger
searches only the index range that can overlap

Revision ID: 0004_overlap_trigger_bound
Revises: 0003_feeds
Create Date: 2026-11-27 06:40:00

The old trigger compared ``starts_at < NEW.ends_at AND ends_at > NEW.starts_at``: with no lower
bound on ``starts_at``, every insert read the space's whole history. No booking row spans more
than 25 hours (``MAX_BOOKING_SPAN``: long blocks are stored a day per row), so anything that
overlaps the new row starts less than 25 hours before it, and the (space_id, starts_at) index
answers the check. Every query that looks for "what overlaps this time" relies on that bound, so
the database now guarantees it: the SQLite trigger refuses a longer row, and PostgreSQL (whose
exclusion constraint needs no bound) gets a CHECK constraint. ``datetime()`` drops fractions of a
second, which only widens the range searched.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004_overlap_trigger_bound'
down_revision = '0003_feeds'
branch_labels = None
depends_on = None

EVENTS = ("INSERT", "UPDATE")

BOUNDED_TRIGGER = """
CREATE TRIGGER bookings_no_overlap_{name}
BEFORE {event} ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    SELECT RAISE(ABORT, 'booking_too_long')
    WHERE julianday(NEW.ends_at) - julianday(NEW.starts_at) > 25.0 / 24;
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.space_id = NEW.space_id
          AND other.status = 'confirmed'
          AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at
          AND other.starts_at > datetime(NEW.starts_at, '-25 hours')
          AND other.ends_at > NEW.starts_at
    );
END
"""

UNBOUNDED_TRIGGER = """
CREATE TRIGGER bookings_no_overlap_{name}
BEFORE {event} ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    SELECT RAISE(ABORT, 'booking_overlap')
    WHERE EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.space_id = NEW.space_id
          AND other.status = 'confirmed'
          AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at
          AND other.ends_at > NEW.starts_at
    );
END
"""


SPAN_CHECK = "ck_bookings_span_at_most_25_hours"


def _replace_triggers(definition: str) -> None:
    for event in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS bookings_no_overlap_{event.lower()}")
        op.execute(definition.format(event=event, name=event.lower()))


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _replace_triggers(BOUNDED_TRIGGER)
    else:
        op.execute(f"ALTER TABLE bookings ADD CONSTRAINT {SPAN_CHECK} CHECK (ends_at - starts_at <= interval '25 hours')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _replace_triggers(UNBOUNDED_TRIGGER)
    else:
        op.execute(f"ALTER TABLE bookings DROP CONSTRAINT {SPAN_CHECK}")
