"""feed stamps: a version and change time per feed scope, bumped by triggers

Revision ID: 0005_feed_stamps
Revises: 0004_overlap_trigger_bound
Create Date: 2026-11-27 06:55:00

A feed's ETag used to come from an aggregate over its bookings (count and newest change), which
for a space with thousands of bookings is a few milliseconds on every poll. Now each scope a
feed can show has a row in ``feed_stamps`` that the database bumps in the same transaction as
the change, whatever code makes it:

- a booking inserted, updated or deleted: its member's, its space's and its hub's stamps (before
  and after, when a move changes space or member);
- a closure inserted, updated or deleted: its hub's stamp;
- a hub or space changed or removed, or a person's name changed: the ``catalogue`` stamp
  (target 0), which every ETag includes. These are rare, and feeds show names, addresses, zones
  and the public-feed choices. (A new hub or space has no bookings yet: no feed changes.)

On PostgreSQL, rows are stamped in a fixed order (members, then spaces, then hubs, each by id)
so two transactions touching the same stamps wait for each other rather than deadlock.
"""
import sqlalchemy as sa
from alembic import op

import coworking.types

# revision identifiers, used by Alembic.
revision = '0005_feed_stamps'
down_revision = '0004_overlap_trigger_bound'
branch_labels = None
depends_on = None

# --- SQLite ---------------------------------------------------------------------------------

# SQLAlchemy stores SQLite datetimes as text with six fractional digits; strftime's %f gives three.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def _sqlite_bump(kind: str, target_select: str) -> str:
    """Bump one stamp per row ``target_select`` yields (a SELECT of target ids, with a WHERE)."""
    return (
        f"INSERT INTO feed_stamps (kind, target_id, version, changed_at) "
        f"SELECT '{kind}', target, 1, {SQLITE_NOW} FROM ({target_select}) WHERE target IS NOT NULL "
        f"ON CONFLICT (kind, target_id) DO UPDATE SET version = feed_stamps.version + 1, "
        f"changed_at = excluded.changed_at;"
    )


def _sqlite_booking_bumps(row: str) -> str:
    return "\n".join((
        _sqlite_bump("member", f"SELECT {row}.member_id AS target"),
        _sqlite_bump("space", f"SELECT {row}.space_id AS target"),
        _sqlite_bump("hub", f"SELECT hub_id AS target FROM spaces WHERE id = {row}.space_id"),
    ))


CATALOGUE_BUMP_SQLITE = _sqlite_bump("catalogue", "SELECT 0 AS target")

SQLITE_TRIGGERS = {
    "bookings_feed_stamps_insert": f"AFTER INSERT ON bookings BEGIN {_sqlite_booking_bumps('NEW')} END",
    "bookings_feed_stamps_update": (
        f"AFTER UPDATE ON bookings BEGIN {_sqlite_booking_bumps('OLD')} {_sqlite_booking_bumps('NEW')} END"
    ),
    "bookings_feed_stamps_delete": f"AFTER DELETE ON bookings BEGIN {_sqlite_booking_bumps('OLD')} END",
    "closures_feed_stamps_insert": f"AFTER INSERT ON closures BEGIN {_sqlite_bump('hub', 'SELECT NEW.hub_id AS target')} END",
    "closures_feed_stamps_update": (
        f"AFTER UPDATE ON closures BEGIN {_sqlite_bump('hub', 'SELECT OLD.hub_id AS target')} "
        f"{_sqlite_bump('hub', 'SELECT NEW.hub_id AS target')} END"
    ),
    "closures_feed_stamps_delete": f"AFTER DELETE ON closures BEGIN {_sqlite_bump('hub', 'SELECT OLD.hub_id AS target')} END",
    "hubs_feed_stamps_update": f"AFTER UPDATE ON hubs BEGIN {CATALOGUE_BUMP_SQLITE} END",
    "hubs_feed_stamps_delete": f"AFTER DELETE ON hubs BEGIN {CATALOGUE_BUMP_SQLITE} END",
    "spaces_feed_stamps_update": f"AFTER UPDATE ON spaces BEGIN {CATALOGUE_BUMP_SQLITE} END",
    "spaces_feed_stamps_delete": f"AFTER DELETE ON spaces BEGIN {CATALOGUE_BUMP_SQLITE} END",
    "users_feed_stamps_name": (
        f"AFTER UPDATE OF name ON users WHEN OLD.name IS NOT NEW.name BEGIN {CATALOGUE_BUMP_SQLITE} END"
    ),
}

# --- PostgreSQL -----------------------------------------------------------------------------

POSTGRES_FUNCTIONS = [
    """
    CREATE FUNCTION feed_stamp_bump(stamp_kind text, stamp_target integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO feed_stamps (kind, target_id, version, changed_at)
        VALUES (stamp_kind, stamp_target, 1, now())
        ON CONFLICT (kind, target_id)
        DO UPDATE SET version = feed_stamps.version + 1, changed_at = excluded.changed_at
    $$
    """,
    """
    CREATE FUNCTION bookings_feed_stamps() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        member_ids integer[] := ARRAY[]::integer[];
        space_ids integer[] := ARRAY[]::integer[];
        target integer;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            member_ids := member_ids || OLD.member_id;
            space_ids := space_ids || OLD.space_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            member_ids := member_ids || NEW.member_id;
            space_ids := space_ids || NEW.space_id;
        END IF;
        FOR target IN SELECT DISTINCT m FROM unnest(member_ids) AS m WHERE m IS NOT NULL ORDER BY m LOOP
            PERFORM feed_stamp_bump('member', target);
        END LOOP;
        FOR target IN SELECT DISTINCT s FROM unnest(space_ids) AS s ORDER BY s LOOP
            PERFORM feed_stamp_bump('space', target);
        END LOOP;
        FOR target IN SELECT DISTINCT hub_id FROM spaces WHERE id = ANY(space_ids) ORDER BY hub_id LOOP
            PERFORM feed_stamp_bump('hub', target);
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION closures_feed_stamps() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        target integer;
    BEGIN
        FOR target IN
            SELECT DISTINCT h FROM unnest(ARRAY[
                CASE WHEN TG_OP <> 'INSERT' THEN OLD.hub_id END,
                CASE WHEN TG_OP <> 'DELETE' THEN NEW.hub_id END
            ]) AS h WHERE h IS NOT NULL ORDER BY h
        LOOP
            PERFORM feed_stamp_bump('hub', target);
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION catalogue_feed_stamp() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM feed_stamp_bump('catalogue', 0);
        RETURN NULL;
    END
    $$
    """,
]

POSTGRES_TRIGGERS = {
    "bookings_feed_stamps": "AFTER INSERT OR UPDATE OR DELETE ON bookings FOR EACH ROW EXECUTE FUNCTION bookings_feed_stamps()",
    "closures_feed_stamps": "AFTER INSERT OR UPDATE OR DELETE ON closures FOR EACH ROW EXECUTE FUNCTION closures_feed_stamps()",
    "hubs_feed_stamps": "AFTER UPDATE OR DELETE ON hubs FOR EACH ROW EXECUTE FUNCTION catalogue_feed_stamp()",
    "spaces_feed_stamps": "AFTER UPDATE OR DELETE ON spaces FOR EACH ROW EXECUTE FUNCTION catalogue_feed_stamp()",
    "users_feed_stamps_name": (
        "AFTER UPDATE OF name ON users FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
        "EXECUTE FUNCTION catalogue_feed_stamp()"
    ),
}

# Stamps for what is already there, so existing feeds get a Last-Modified from their data.
INITIAL_STAMPS = [
    "INSERT INTO feed_stamps (kind, target_id, version, changed_at) "
    "SELECT 'member', member_id, 1, max(updated_at) FROM bookings WHERE member_id IS NOT NULL GROUP BY member_id",
    "INSERT INTO feed_stamps (kind, target_id, version, changed_at) "
    "SELECT 'space', space_id, 1, max(updated_at) FROM bookings GROUP BY space_id",
    "INSERT INTO feed_stamps (kind, target_id, version, changed_at) "
    "SELECT 'hub', spaces.hub_id, 1, max(bookings.updated_at) FROM bookings "
    "JOIN spaces ON spaces.id = bookings.space_id GROUP BY spaces.hub_id",
]


def upgrade():
    op.create_table('feed_stamps',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('member', 'space', 'hub', 'catalogue')", name=op.f('ck_feed_stamps_kind_known')),
    sa.PrimaryKeyConstraint('kind', 'target_id', name=op.f('pk_feed_stamps'))
    )
    for statement in INITIAL_STAMPS:
        op.execute(statement)
    if op.get_bind().dialect.name == "sqlite":
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for function in POSTGRES_FUNCTIONS:
            op.execute(function)
        for name, definition in POSTGRES_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, definition in POSTGRES_TRIGGERS.items():
            table = definition.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in ("bookings_feed_stamps()", "closures_feed_stamps()", "catalogue_feed_stamp()",
                         "feed_stamp_bump(text, integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table('feed_stamps')
