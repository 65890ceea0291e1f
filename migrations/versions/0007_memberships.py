"""memberships: plans and their prices, passes, organisations, applications, memberships
(with plan changes, pauses, concessions and their history), the allowance ledger and the
settlement of each booking

Revision ID: 0007_memberships
Revises: 0006_money_bigint
Create Date: 2026-11-30 09:24:56.630799

Two memberships of one member in one hub never overlap: PostgreSQL enforces it with an
exclusion constraint over the daterange of their local dates (btree_gist, installed by
0002_bookings, lets the ids take part); SQLite with triggers that refuse such a row, as it
does for overlapping bookings. An open-ended membership (no ``ends_on``) reaches to infinity.
"""
from alembic import op
import sqlalchemy as sa

import coworking.types

# revision identifiers, used by Alembic.
revision = '0007_memberships'
down_revision = '0006_money_bigint'
branch_labels = None
depends_on = None

SQLITE_MEMBERSHIP_OVERLAP_TRIGGER = """
CREATE TRIGGER memberships_no_overlap_{name}
BEFORE {event} ON memberships
BEGIN
    SELECT RAISE(ABORT, 'membership_overlap')
    WHERE EXISTS (
        SELECT 1 FROM memberships AS other
        WHERE other.member_id = NEW.member_id
          AND other.hub_id = NEW.hub_id
          AND other.id IS NOT NEW.id
          AND other.starts_on <= coalesce(NEW.ends_on, '9999-12-31')
          AND coalesce(other.ends_on, '9999-12-31') >= NEW.starts_on
    );
END
"""


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('billing_email', sa.String(length=254), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_organisations_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('hub_id', 'name', name='uq_organisations_hub_name')
    )
    op.create_table('pass_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('desk_days', sa.Integer(), nullable=False),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    sa.Column('price_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('desk_days > 0', name=op.f('ck_pass_products_desk_days_positive')),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_pass_products_price_not_negative')),
    sa.CheckConstraint('valid_days > 0', name=op.f('ck_pass_products_valid_days_positive')),
    sa.CheckConstraint('vat_rate_bp between 0 and 10000', name=op.f('ck_pass_products_vat_rate_range')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_pass_products_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_products')),
    sa.UniqueConstraint('hub_id', 'name', name='uq_pass_products_hub_name')
    )
    with op.batch_alter_table('pass_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_products_hub_id'), ['hub_id'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('desk_days_per_month', sa.Integer(), nullable=True),
    sa.Column('room_hours_per_month', sa.Integer(), nullable=True),
    sa.Column('covered_space_kinds', sa.JSON(), nullable=False),
    sa.Column('network_access', sa.Boolean(), nullable=False),
    sa.Column('carry_over_months', sa.Integer(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('notice_period_days', sa.Integer(), nullable=False),
    sa.Column('pauses_allowed', sa.Boolean(), nullable=False),
    sa.Column('max_pause_months', sa.Integer(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('carry_over_months between 0 and 12', name=op.f('ck_plans_carry_over_range')),
    sa.CheckConstraint('desk_days_per_month is null or desk_days_per_month >= 0', name=op.f('ck_plans_desk_days_not_negative')),
    sa.CheckConstraint('max_pause_months >= 0', name=op.f('ck_plans_max_pause_not_negative')),
    sa.CheckConstraint('notice_period_days >= 0', name=op.f('ck_plans_notice_not_negative')),
    sa.CheckConstraint('room_hours_per_month is null or room_hours_per_month >= 0', name=op.f('ck_plans_room_hours_not_negative')),
    sa.CheckConstraint('vat_rate_bp between 0 and 10000', name=op.f('ck_plans_vat_rate_range')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_plans_hub_id_hubs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('hub_id', 'name', name='uq_plans_hub_name')
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_hub_id'), ['hub_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('approved_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on is null or ends_on >= starts_on', name=op.f('ck_memberships_dates_ordered')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_memberships_approved_by_id_users')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_memberships_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_memberships_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_memberships_member_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_memberships_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index('ix_memberships_member_hub', ['member_id', 'hub_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE memberships ADD CONSTRAINT ex_memberships_no_overlap EXCLUDE USING gist "
            "(member_id WITH =, hub_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
        )
    else:
        for event in ("INSERT", "UPDATE"):
            op.execute(SQLITE_MEMBERSHIP_OVERLAP_TRIGGER.format(event=event, name=event.lower()))

    op.create_table('pass_purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('sold_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sold_by_id', sa.Integer(), nullable=False),
    sa.Column('desk_days', sa.Integer(), nullable=False),
    sa.Column('price_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.CheckConstraint('desk_days > 0', name=op.f('ck_pass_purchases_desk_days_positive')),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_pass_purchases_price_not_negative')),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_pass_purchases_valid_dates_ordered')),
    sa.CheckConstraint('vat_rate_bp between 0 and 10000', name=op.f('ck_pass_purchases_vat_rate_range')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_pass_purchases_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_pass_purchases_member_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_pass_purchases_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['pass_products.id'], name=op.f('fk_pass_purchases_product_id_pass_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sold_by_id'], ['users.id'], name=op.f('fk_pass_purchases_sold_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_purchases'))
    )
    with op.batch_alter_table('pass_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_pass_purchases_hub_sold', ['hub_id', 'sold_at'], unique=False)
        batch_op.create_index('ix_pass_purchases_member_hub', ['member_id', 'hub_id'], unique=False)

    op.create_table('plan_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('price_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_plan_prices_price_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plan_prices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_prices_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_prices')),
    sa.UniqueConstraint('plan_id', 'effective_from', name='uq_plan_prices_plan_effective_from')
    )
    op.create_table('concessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('percent_bp', sa.Integer(), nullable=True),
    sa.Column('fixed_price_minor', coworking.types.MinorUnits(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('funded_by_community_fund', sa.Boolean(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(percent_bp is null and fixed_price_minor is not null) or (percent_bp is not null and fixed_price_minor is null)', name=op.f('ck_concessions_percent_or_fixed')),
    sa.CheckConstraint('ends_on is null or ends_on >= starts_on', name=op.f('ck_concessions_dates_ordered')),
    sa.CheckConstraint('fixed_price_minor is null or fixed_price_minor >= 0', name=op.f('ck_concessions_fixed_not_negative')),
    sa.CheckConstraint('percent_bp is null or percent_bp between 0 and 10000', name=op.f('ck_concessions_percent_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_concessions_created_by_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_concessions_membership_id_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concessions'))
    )
    with op.batch_alter_table('concessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concessions_membership_id'), ['membership_id'], unique=False)

    op.create_table('membership_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', coworking.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_message', sa.Text(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status in ('pending', 'approved', 'declined')", name=op.f('ck_membership_applications_status_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_membership_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_membership_applications_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_membership_applications_member_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_membership_applications_membership_id_memberships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_membership_applications_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_applications'))
    )
    with op.batch_alter_table('membership_applications', schema=None) as batch_op:
        batch_op.create_index('ix_membership_applications_hub_status', ['hub_id', 'status'], unique=False)
        batch_op.create_index('ix_membership_applications_member', ['member_id'], unique=False)

    op.create_table('membership_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_membership_events_by_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_membership_events_membership_id_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_events'))
    )
    with op.batch_alter_table('membership_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_events_membership_id'), ['membership_id'], unique=False)

    op.create_table('membership_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_membership_pauses_dates_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_membership_pauses_created_by_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_membership_pauses_membership_id_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_pauses'))
    )
    with op.batch_alter_table('membership_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_pauses_membership_id'), ['membership_id'], unique=False)

    op.create_table('membership_plan_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_membership_plan_changes_created_by_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_membership_plan_changes_membership_id_memberships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_membership_plan_changes_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_plan_changes')),
    sa.UniqueConstraint('membership_id', 'effective_on', name='uq_membership_plan_changes_membership_effective_on')
    )
    op.create_table('allowance_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('pass_purchase_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('resource', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'CONSUMPTION' and quantity < 0) or (kind = 'REVERSAL' and quantity > 0) or (kind = 'EXPIRY' and quantity < 0) or (kind in ('GRANT', 'ADJUSTMENT') and quantity <> 0)", name=op.f('ck_allowance_entries_kind_and_sign')),
    sa.CheckConstraint("resource in ('desk_days', 'room_minutes')", name=op.f('ck_allowance_entries_resource_known')),
    sa.CheckConstraint('(membership_id is null) <> (pass_purchase_id is null)', name=op.f('ck_allowance_entries_one_pool')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_allowance_entries_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_allowance_entries_by_id_users')),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_allowance_entries_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_allowance_entries_membership_id_memberships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pass_purchase_id'], ['pass_purchases.id'], name=op.f('fk_allowance_entries_pass_purchase_id_pass_purchases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_entries'))
    )
    with op.batch_alter_table('allowance_entries', schema=None) as batch_op:
        batch_op.create_index('ix_allowance_entries_booking', ['booking_id'], unique=False)
        batch_op.create_index('ix_allowance_entries_membership_period', ['membership_id', 'period'], unique=False)
        batch_op.create_index('ix_allowance_entries_pass_purchase', ['pass_purchase_id'], unique=False)

    op.create_table('booking_charges',
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('resource', sa.String(length=12), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('covered_by_membership', sa.Integer(), nullable=False),
    sa.Column('covered_by_passes', sa.Integer(), nullable=False),
    sa.Column('price_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('billable_minor', coworking.types.MinorUnits(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('settled_at', coworking.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('billable_minor >= 0 and billable_minor <= price_minor', name=op.f('ck_booking_charges_billable_within_price')),
    sa.CheckConstraint('covered_by_membership >= 0 and covered_by_passes >= 0 and covered_by_membership + covered_by_passes <= quantity', name=op.f('ck_booking_charges_covered_within_quantity')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_charges_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hub_id'], ['hubs.id'], name=op.f('fk_booking_charges_hub_id_hubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_booking_charges_member_id_users')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_booking_charges_membership_id_memberships'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_booking_charges'))
    )
    with op.batch_alter_table('booking_charges', schema=None) as batch_op:
        batch_op.create_index('ix_booking_charges_hub_period', ['hub_id', 'period'], unique=False)



def downgrade():
    with op.batch_alter_table('booking_charges', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_charges_hub_period')

    op.drop_table('booking_charges')
    with op.batch_alter_table('allowance_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_allowance_entries_pass_purchase')
        batch_op.drop_index('ix_allowance_entries_membership_period')
        batch_op.drop_index('ix_allowance_entries_booking')

    op.drop_table('allowance_entries')
    op.drop_table('membership_plan_changes')
    with op.batch_alter_table('membership_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_pauses_membership_id'))

    op.drop_table('membership_pauses')
    with op.batch_alter_table('membership_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_events_membership_id'))

    op.drop_table('membership_events')
    with op.batch_alter_table('membership_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_applications_member')
        batch_op.drop_index('ix_membership_applications_hub_status')

    op.drop_table('membership_applications')
    with op.batch_alter_table('concessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concessions_membership_id'))

    op.drop_table('concessions')
    op.drop_table('plan_prices')
    with op.batch_alter_table('pass_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_pass_purchases_member_hub')
        batch_op.drop_index('ix_pass_purchases_hub_sold')

    op.drop_table('pass_purchases')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS memberships_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS memberships_no_overlap_update")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_member_hub')
        batch_op.drop_index(batch_op.f('ix_memberships_hub_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_hub_id'))

    op.drop_table('plans')
    with op.batch_alter_table('pass_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pass_products_hub_id'))

    op.drop_table('pass_products')
    op.drop_table('organisations')
