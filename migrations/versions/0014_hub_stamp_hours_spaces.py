"""feed stamps: a hub's stamp also moves when its opening hours change or a space is added

Revision ID: 0014_hub_stamp_hours_spaces
Revises: 0013_hub_contact
Create Date: 2026-11-30 13:00:00

The API's availability answer (a hub's day: its spaces, bookings, hours and closures) takes its
ETag from the hub's stamp and the catalogue's (``coworking.api.revalidation``). Bookings and
closures already bump the hub's stamp, and changes to hubs and spaces the catalogue's; two
changes bumped nothing, because no feed shows them: opening hours, and a new space. Now they bump
the hub's stamp, so a poll sees them; the hub's own feed is rebuilt once more, byte for byte the
same.

Triggers only: no table is rebuilt (never batch mode on these tables, see 0008).
"""
from alembic import op

revision = '0014_hub_stamp_hours_spaces'
down_revision = '0013_hub_contact'
branch_labels = None
depends_on = None

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"


def _sqlite_hub_bump(row: str) -> str:
    return (
        f"INSERT INTO feed_stamps (kind, target_id, version, changed_at) "
        f"SELECT 'hub', {row}.hub_id, 1, {SQLITE_NOW} WHERE {row}.hub_id IS NOT NULL "
        f"ON CONFLICT (kind, target_id) DO UPDATE SET version = feed_stamps.version + 1, "
        f"changed_at = excluded.changed_at;"
    )


SQLITE_TRIGGERS = {
    "opening_hours_feed_stamps_insert": f"AFTER INSERT ON opening_hours BEGIN {_sqlite_hub_bump('NEW')} END",
    "opening_hours_feed_stamps_update": (
        f"AFTER UPDATE ON opening_hours BEGIN {_sqlite_hub_bump('OLD')} {_sqlite_hub_bump('NEW')} END"
    ),
    "opening_hours_feed_stamps_delete": f"AFTER DELETE ON opening_hours BEGIN {_sqlite_hub_bump('OLD')} END",
    "spaces_feed_stamps_insert": f"AFTER INSERT ON spaces BEGIN {_sqlite_hub_bump('NEW')} END",
}

POSTGRES_FUNCTION = """
    CREATE FUNCTION hub_feed_stamp() RETURNS trigger
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
"""

POSTGRES_TRIGGERS = {
    "opening_hours_feed_stamps": (
        "AFTER INSERT OR UPDATE OR DELETE ON opening_hours FOR EACH ROW EXECUTE FUNCTION hub_feed_stamp()"
    ),
    "spaces_feed_stamps_insert": "AFTER INSERT ON spaces FOR EACH ROW EXECUTE FUNCTION hub_feed_stamp()",
}


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        op.execute(POSTGRES_FUNCTION)
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
        op.execute("DROP FUNCTION IF EXISTS hub_feed_stamp()")
