"""Lists of a hub's plans, memberships and applications, and of a member's memberships, filtered
and paged in SQL, for the manager's pages, their CSV export and the API alike."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.models import (
    Application,
    ApplicationStatus,
    Concession,
    Membership,
    MembershipPause,
    MembershipPlanChange,
    PassPurchase,
    Plan,
)
from coworking.paging import Page, page_of_query


class MembershipState(str, enum.Enum):
    """Where a membership stands on a given day (derived from its dates, never stored)."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class MembershipFilters:
    plan_id: int | None = None  # the plan in force on the day the list is for (see plan_in_force)
    state: MembershipState | None = None
    with_concession: bool | None = None
    organisation_id: int | None = None
    member_id: int | None = None


def _state_condition(state: MembershipState, today: date):
    paused_today = sa.exists().where(
        MembershipPause.membership_id == Membership.id, MembershipPause.starts_on <= today, MembershipPause.ends_on >= today
    )
    started = Membership.starts_on <= today
    not_ended = sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today)
    return {
        MembershipState.UPCOMING: Membership.starts_on > today,
        MembershipState.ENDED: Membership.ends_on < today,
        MembershipState.PAUSED: sa.and_(started, not_ended, paused_today),
        MembershipState.ACTIVE: sa.and_(started, not_ended, ~paused_today),
    }[state]


def _concession_condition(today: date):
    return sa.exists().where(
        Concession.membership_id == Membership.id,
        sa.or_(Concession.ends_on.is_(None), Concession.ends_on >= today),
    )


def reference_day(membership: Membership, today: date) -> date:
    """The day a list describes a membership on: today, or its first day if it has not begun,
    or its last if it has ended."""
    if membership.starts_on > today:
        return membership.starts_on
    if membership.ends_on is not None and membership.ends_on < today:
        return membership.ends_on
    return today


def plan_in_force(today: date):
    """SQL for the plan of each membership on its reference day: the latest plan change by then,
    else the plan it started on (so a member who moved from Hot desk to Resident is listed under
    Resident, and one whose move is still to come under Hot desk)."""
    day = sa.case(
        (Membership.starts_on > today, Membership.starts_on),
        (Membership.ends_on < today, Membership.ends_on),
        else_=sa.literal(today, sa.Date),
    )
    latest_change = (
        sa.select(MembershipPlanChange.plan_id)
        .where(MembershipPlanChange.membership_id == Membership.id, MembershipPlanChange.effective_on <= day)
        .order_by(MembershipPlanChange.effective_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(latest_change, Membership.plan_id)


def memberships_query(hub: Hub, filters: MembershipFilters, today: date) -> sa.Select:
    """The hub's memberships matching ``filters``, newest start first, then by member name."""
    query = sa.select(Membership).join(User, User.id == Membership.member_id).where(Membership.hub_id == hub.id)
    if filters.plan_id is not None:
        query = query.where(plan_in_force(today) == filters.plan_id)
    if filters.organisation_id is not None:
        query = query.where(Membership.organisation_id == filters.organisation_id)
    if filters.member_id is not None:
        query = query.where(Membership.member_id == filters.member_id)
    if filters.state is not None:
        query = query.where(_state_condition(filters.state, today))
    if filters.with_concession is not None:
        condition = _concession_condition(today)
        query = query.where(condition if filters.with_concession else ~condition)
    return query.order_by(Membership.starts_on.desc(), User.name, Membership.id)


def _loaded(query: sa.Select) -> sa.Select:
    return query.options(
        selectinload(Membership.member),
        selectinload(Membership.plan).selectinload(Plan.prices),
        selectinload(Membership.organisation),
        selectinload(Membership.pauses),
        selectinload(Membership.concessions),
        selectinload(Membership.plan_changes).selectinload(MembershipPlanChange.plan).selectinload(Plan.prices),
    )


def hub_memberships(hub: Hub, filters: MembershipFilters, today: date, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of the hub's memberships, with their member, plan, organisation, pauses and concessions."""
    return page_of_query(_loaded(memberships_query(hub, filters, today)), page, per_page)


def all_hub_memberships(hub: Hub, filters: MembershipFilters, today: date):
    """Every matching membership, streamed in batches (the CSV export)."""
    return db.session.scalars(_loaded(memberships_query(hub, filters, today)).execution_options(yield_per=500))


def state_of(membership: Membership, today: date) -> MembershipState:
    """The state ``memberships_query`` filters by, for one loaded membership."""
    if membership.starts_on > today:
        return MembershipState.UPCOMING
    if membership.ends_on is not None and membership.ends_on < today:
        return MembershipState.ENDED
    if any(pause.starts_on <= today <= pause.ends_on for pause in membership.pauses):
        return MembershipState.PAUSED
    return MembershipState.ACTIVE


def hub_applications(hub: Hub, *, status: ApplicationStatus | None = ApplicationStatus.PENDING, page: int = 1,
                     per_page: int = 50) -> Page:
    """A page of the hub's applications (pending ones by default), oldest first."""
    query = sa.select(Application).where(Application.hub_id == hub.id)
    if status is not None:
        query = query.where(Application.status == status.value)
    query = query.options(selectinload(Application.member), selectinload(Application.plan)).order_by(
        Application.created_at, Application.id
    )
    return page_of_query(query, page, per_page)


def hub_pass_sales(hub: Hub, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of the passes sold at the hub, latest sale first, with the member and the pass."""
    query = (
        sa.select(PassPurchase).where(PassPurchase.hub_id == hub.id)
        .options(selectinload(PassPurchase.member), selectinload(PassPurchase.sold_by), selectinload(PassPurchase.product),
                 selectinload(PassPurchase.organisation))
        .order_by(PassPurchase.sold_at.desc(), PassPurchase.id.desc())
    )
    return page_of_query(query, page, per_page)


def _member_query(member: User) -> sa.Select:
    return (
        _loaded(sa.select(Membership).where(Membership.member_id == member.id))
        .options(selectinload(Membership.hub))
        .order_by(Membership.starts_on.desc(), Membership.id.desc())
    )


def member_memberships(member: User) -> list[Membership]:
    """A member's memberships at every hub, newest first."""
    return list(db.session.scalars(_member_query(member)))


def member_memberships_page(member: User, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of ``member_memberships``."""
    return page_of_query(_member_query(member), page, per_page)


# --- plans ----------------------------------------------------------------------------------

def plans_query(hub: Hub, *, include_private: bool = False, include_archived: bool = False) -> sa.Select:
    """The hub's plans by name: public ones still offered, unless told to include the others."""
    query = sa.select(Plan).where(Plan.hub_id == hub.id)
    if not include_private:
        query = query.where(Plan.public.is_(True))
    if not include_archived:
        query = query.where(Plan.archived_at.is_(None))
    return query.order_by(Plan.name, Plan.id)


def hub_plans(hub: Hub, *, include_private: bool = False, include_archived: bool = False, page: int = 1,
              per_page: int = 50) -> Page:
    """A page of ``plans_query``, with each plan's prices."""
    query = plans_query(hub, include_private=include_private, include_archived=include_archived)
    return page_of_query(query.options(selectinload(Plan.prices)), page, per_page)
