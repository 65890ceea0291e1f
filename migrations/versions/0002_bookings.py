"""bookings

Revision ID: 0002_bookings
Revises: 0001_foundation
Create Date: 2026-11-27 03:06:46.430876

"""
from alembic import op
import sqlalchemy as sa

import coworking.types

# revision identifiers, used by Alembic.
revision = '0002_bookings'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


SQLITE_OVERLAP_TRIGGER = """
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


def upgrade():
    op.create_table('booking_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('slot_minutes', sa.Integer(), nullable=True),
    sa.Column('min_duration_minutes', sa.Integer(), nullable=True),
    sa.Column('max_duration_minutes', sa.Integer(), nullable=True),
    sa.Column('max_days_ahead', sa.Integer(), nullable=True),
    sa.Column('min_notice_minutes', sa.Integer(), nullable=True),
    sa.Column('cancellation_cutoff_minutes', sa.Integer(), nullable=True),
    sa.Column('max_active_bookings', sa.Integer(), nullable=True),
    sa.Column('buffer_minutes', sa.Integer(), nullable=True),
    sa.Column('half_day_split', sa.Time(), nullable=True),
    sa.Column('series_horizon_days', sa.Integer(), nullable=True),
    sa.CheckConstraint('min_duration_minutes is null or max_duration_minutes is null or min_duration_minutes <= max_duration_minutes', name=op.f('ck_booking_policies_durations_ordered')),
    sa.CheckConstraint('slot_minutes is null or slot_minutes between 5 and 240', name=op.f('ck_booking_policies_slot_range')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_booking_policies_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_booking_policies_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_policies')),
    sa.UniqueConstraint('hub_id', 'space_id', name='uq_booking_policies_hub_space')
    )
    op.create_table('booking_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('local_start', sa.Time(), nullable=False),
    sa.Column('local_end', sa.Time(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_booking_series_booked_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_booking_series_member_id_users')),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_booking_series_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series'))
    )
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_series_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_series_space_id'), ['space_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('starts_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('allowance_used_minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('overridden_rules', sa.JSON(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.CheckConstraint("purpose = 'block' or member_id is not null", name=op.f('ck_bookings_booking_has_member')),
    sa.CheckConstraint("purpose in ('booking', 'block')", name=op.f('ck_bookings_purpose_known')),
    sa.CheckConstraint("status in ('confirmed', 'cancelled')", name=op.f('ck_bookings_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_bookings_ends_after_start')),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_bookings_price_not_negative')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_bookings_booked_by_id_users')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_bookings_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_bookings_member_id_users')),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_bookings_series_id_booking_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_bookings_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_member_starts', ['member_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_bookings_space_starts', ['space_id', 'starts_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # No two confirmed bookings of a space overlap: PostgreSQL enforces it itself.
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            "(space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status = 'confirmed')"
        )
    else:
        # SQLite's last line of defence (write paths also run under BEGIN IMMEDIATE).
        for event in ("INSERT", "UPDATE"):
            op.execute(SQLITE_OVERLAP_TRIGGER.format(event=event, name=event.lower()))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_update")
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_space_starts')
        batch_op.drop_index(batch_op.f('ix_bookings_series_id'))
        batch_op.drop_index('ix_bookings_member_starts')

    op.drop_table('bookings')
    with op.batch_alter_table('booking_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_series_space_id'))
        batch_op.drop_index(batch_op.f('ix_booking_series_member_id'))

    op.drop_table('booking_series')
    op.drop_table('booking_policies')
