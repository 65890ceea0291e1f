"""What a hub sells, managed by its managers: plans and their prices over time, passes (and
selling one), and organisations that are billed for their people. Functions flush, never commit."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coworking.accounts.models import User
from coworking.accounts.services import check_email
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.hubs.models import Hub, SpaceKind
from coworking.memberships.errors import MembershipError
from coworking.memberships.history import require_manager
from coworking.memberships.ledger import MemberLedger, pass_pool
from coworking.memberships.models import (
    DESK_DAYS,
    EntryKind,
    Organisation,
    PassProduct,
    PassPurchase,
    Plan,
    PlanPrice,
)
from coworking.memberships.models.plans import FROM_THE_START, MAX_CARRY_OVER_MONTHS
from coworking.memberships.periods import Period
from coworking.memberships.queries import plans_query
from coworking.memberships.settlement import settle_member
from coworking.timezones import local_today
from coworking.types import utcnow

MAX_PRICE_MINOR = 10**12
MAX_NOTICE_DAYS = 366
MAX_PAUSE_MONTHS = 12
MAX_VALID_DAYS = 3 * 366
EDITABLE_PLAN_FIELDS = frozenset({
    "name", "description", "vat_rate_bp", "desk_days_per_month", "room_hours_per_month", "covered_space_kinds",
    "network_access", "carry_over_months", "public", "notice_period_days", "pauses_allowed", "max_pause_months",
})
SPACE_KINDS = frozenset(kind.value for kind in SpaceKind)


# --- checks ---------------------------------------------------------------------------------

def _whole_number(value, field: str, message: str, *, low: int = 0, high: int = MAX_PRICE_MINOR) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MembershipError(message, field)
    return value


def check_price(price_minor, field: str = "price_minor") -> int:
    return _whole_number(price_minor, field, "A price is an amount of 0 or more: it cannot be negative.")


def check_vat_rate(rate_bp, field: str = "vat_rate_bp") -> int:
    return _whole_number(rate_bp, field, "A VAT rate is between 0 and 100%.", high=10_000)


def check_allowance(value, field: str) -> int | None:
    """None is unlimited; otherwise a whole number of 0 or more."""
    if value is None:
        return None
    return _whole_number(value, field, "An allowance is a number of 0 or more, or unlimited.", high=10_000)


def _check_name(name: str, field: str = "name", limit: int = 120) -> str:
    name = (name or "").strip()
    if not name:
        raise MembershipError("Give it a name.", field)
    if len(name) > limit:
        raise MembershipError(f"Use at most {limit} characters.", field)
    return name


def _check_plan_terms(terms: dict) -> dict:
    checked = dict(terms)
    if "name" in terms:
        checked["name"] = _check_name(terms["name"])
    if "vat_rate_bp" in terms:
        check_vat_rate(terms["vat_rate_bp"])
    for field in ("desk_days_per_month", "room_hours_per_month"):
        if field in terms:
            check_allowance(terms[field], field)
    if "covered_space_kinds" in terms:
        kinds = list(dict.fromkeys(terms["covered_space_kinds"] or []))
        unknown = sorted(set(kinds) - SPACE_KINDS)
        if unknown:
            raise MembershipError(f"Unknown kind of space: {', '.join(unknown)}.", "covered_space_kinds")
        checked["covered_space_kinds"] = kinds
    if "carry_over_months" in terms:
        _whole_number(terms["carry_over_months"], "carry_over_months",
                      f"Unused allowance carries over for 0 to {MAX_CARRY_OVER_MONTHS} months.", high=MAX_CARRY_OVER_MONTHS)
    if "notice_period_days" in terms:
        _whole_number(terms["notice_period_days"], "notice_period_days",
                      f"A notice period is 0 to {MAX_NOTICE_DAYS} days.", high=MAX_NOTICE_DAYS)
    if "max_pause_months" in terms:
        _whole_number(terms["max_pause_months"], "max_pause_months",
                      f"A pause lasts at most {MAX_PAUSE_MONTHS} months.", high=MAX_PAUSE_MONTHS)
    return checked


def _refuse_taken_name(model, hub: Hub, name: str, existing=None) -> None:
    other = db.session.scalar(sa.select(model).where(model.hub_id == hub.id, model.name == name))
    if other is not None and other is not existing:
        raise MembershipError("Another one at this hub already has that name.", "name", status=409)


# --- plans ----------------------------------------------------------------------------------

def create_plan(hub: Hub, *, by: User, name: str, monthly_price_minor: int, vat_rate_bp: int = 0,
                desk_days_per_month: int | None = None, room_hours_per_month: int | None = None,
                covered_space_kinds=("desk", "room"), network_access: bool = False, carry_over_months: int = 0,
                public: bool = True, notice_period_days: int = 30, pauses_allowed: bool = False,
                max_pause_months: int = 0, description: str = "") -> Plan:
    """A new plan at the hub, its price in force from the start. ``None`` allowances are unlimited."""
    require_manager(by, hub, "create plans")
    terms = _check_plan_terms({
        "name": name, "description": (description or "").strip(), "vat_rate_bp": vat_rate_bp,
        "desk_days_per_month": desk_days_per_month, "room_hours_per_month": room_hours_per_month,
        "covered_space_kinds": list(covered_space_kinds), "network_access": bool(network_access),
        "carry_over_months": carry_over_months, "public": bool(public), "notice_period_days": notice_period_days,
        "pauses_allowed": bool(pauses_allowed), "max_pause_months": max_pause_months,
    })
    check_price(monthly_price_minor, "monthly_price_minor")
    _check_pauses(terms)
    _refuse_taken_name(Plan, hub, terms["name"])
    plan = Plan(hub=hub, currency=hub.currency, **terms)
    plan.prices.append(PlanPrice(effective_from=FROM_THE_START, price_minor=monthly_price_minor,
                                 currency=hub.currency, created_by_id=by.id))
    db.session.add(plan)
    db.session.flush()
    return plan


def _check_pauses(terms: dict) -> None:
    if terms.get("pauses_allowed") and terms.get("max_pause_months", 0) < 1:
        raise MembershipError("Say how many months a pause may last (1 or more).", "max_pause_months")


def update_plan(plan: Plan, *, by: User, **changes) -> Plan:
    """Change a plan's terms (not its price: see change_plan_price). Allowance changes apply to
    periods not yet granted; memberships keep the plan."""
    require_manager(by, plan.hub, "change plans")
    unknown = sorted(set(changes) - EDITABLE_PLAN_FIELDS)
    if unknown:
        raise MembershipError(f"These cannot be changed here: {', '.join(unknown)}.", unknown[0])
    terms = _check_plan_terms(changes)
    _check_pauses({"pauses_allowed": terms.get("pauses_allowed", plan.pauses_allowed),
                   "max_pause_months": terms.get("max_pause_months", plan.max_pause_months)})
    if "name" in terms:
        _refuse_taken_name(Plan, plan.hub, terms["name"], plan)
    for field, value in terms.items():
        setattr(plan, field, value.strip() if field == "description" else value)
    db.session.flush()
    return plan


def archive_plan(plan: Plan, *, by: User) -> Plan:
    """No new applications or changes to it; memberships on it keep it."""
    require_manager(by, plan.hub, "archive plans")
    if plan.is_archived:
        raise MembershipError("This plan is archived already.", status=409)
    plan.archived_at = utcnow()
    db.session.flush()
    return plan


def change_plan_price(plan: Plan, price_minor: int, effective_from: date, *, by: User, today: date | None = None) -> PlanPrice:
    """The plan costs ``price_minor`` a month from ``effective_from`` (today or later): periods
    before it keep the price they had."""
    require_manager(by, plan.hub, "change prices")
    check_price(price_minor)
    today = today or local_today(plan.hub.timezone)
    if effective_from < today:
        raise MembershipError("A new price applies from today or a later date: past periods keep their price.",
                              "effective_from")
    price = next((p for p in plan.prices if p.effective_from == effective_from), None)
    if price is None:
        price = PlanPrice(effective_from=effective_from, price_minor=price_minor, currency=plan.currency,
                          created_by_id=by.id)
        plan.prices.append(price)
    else:
        price.price_minor = price_minor
    db.session.flush()
    db.session.expire(plan, ["prices"])  # keep them in date order
    return price


def list_plans(hub: Hub, *, include_private: bool = False, include_archived: bool = False) -> list[Plan]:
    query = plans_query(hub, include_private=include_private, include_archived=include_archived)
    return list(db.session.scalars(query.options(selectinload(Plan.prices))))


# --- passes ---------------------------------------------------------------------------------

def create_pass_product(hub: Hub, *, by: User, name: str, desk_days: int, valid_days: int, price_minor: int,
                        vat_rate_bp: int = 0, public: bool = True) -> PassProduct:
    """A pass the hub sells: ``desk_days`` usable within ``valid_days`` of the sale."""
    require_manager(by, hub, "create passes")
    name = _check_name(name)
    _whole_number(desk_days, "desk_days", "A pass holds 1 desk day or more.", low=1, high=366)
    _whole_number(valid_days, "valid_days", f"A pass is valid for 1 to {MAX_VALID_DAYS} days.", low=1, high=MAX_VALID_DAYS)
    check_price(price_minor)
    check_vat_rate(vat_rate_bp)
    _refuse_taken_name(PassProduct, hub, name)
    product = PassProduct(hub_id=hub.id, name=name, desk_days=desk_days, valid_days=valid_days, price_minor=price_minor,
                          currency=hub.currency, vat_rate_bp=vat_rate_bp, public=bool(public))
    db.session.add(product)
    db.session.flush()
    return product


def archive_pass_product(product: PassProduct, *, by: User, hub: Hub) -> PassProduct:
    require_manager(by, hub, "archive passes")
    if product.is_archived:
        raise MembershipError("This pass is archived already.", status=409)
    product.archived_at = utcnow()
    db.session.flush()
    return product


def list_pass_products(hub: Hub, *, include_archived: bool = False) -> list[PassProduct]:
    query = sa.select(PassProduct).where(PassProduct.hub_id == hub.id)
    if not include_archived:
        query = query.where(PassProduct.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(PassProduct.name)))


def sell_pass(product: PassProduct, member: User, *, hub: Hub, sold_by: User, today: date | None = None,
              valid_from: date | None = None, organisation: Organisation | None = None) -> PassPurchase:
    """Record a sale at the product's price and VAT rate; its desk days are granted at once and
    cover the member's desk bookings (before pay-as-you-go) until it expires."""
    require_manager(by=sold_by, hub=hub, doing="sell passes")
    if product.hub_id != hub.id:
        raise MembershipError("That pass is not sold at this hub.", "product", status=404)
    if product.is_archived:
        raise MembershipError("This pass is no longer sold.", "product", status=409)
    if organisation is not None and organisation.hub_id != hub.id:
        raise MembershipError("That organisation is not one of this hub's.", "organisation")
    today = today or local_today(hub.timezone)
    valid_from = valid_from or today
    if valid_from < today:
        raise MembershipError("A pass is valid from the day it is sold or later.", "valid_from")
    purchase = PassPurchase(
        hub_id=hub.id, product=product, member_id=member.id, organisation_id=organisation.id if organisation else None,
        sold_at=utcnow(), sold_by_id=sold_by.id, desk_days=product.desk_days, price_minor=product.price_minor,
        currency=product.currency, vat_rate_bp=product.vat_rate_bp, valid_from=valid_from,
        valid_until=valid_from + timedelta(days=product.valid_days - 1),
    )
    db.session.add(purchase)
    db.session.flush()
    ledger = MemberLedger(hub, member.id, Period.of(today), today)
    ledger.add_entry(pass_pool(purchase.id), EntryKind.GRANT, purchase.desk_days, period=Period.of(today),
                     resource=DESK_DAYS, reason=f"{product.name} sold", by=sold_by)
    # Bookings already made in its validity may now be covered by it.
    settle_member(hub, member.id, Period.of(valid_from), today=today)
    return purchase


# --- organisations --------------------------------------------------------------------------

def save_organisation(hub: Hub, *, by: User, name: str, billing_email: str, address: str = "",
                      organisation: Organisation | None = None) -> Organisation:
    """Create an organisation at the hub, or change ``organisation``."""
    require_manager(by, hub, "manage organisations")
    name = _check_name(name, limit=160)
    try:
        billing_email = check_email((billing_email or "").strip())
    except DomainError as error:
        raise MembershipError(error.message, "billing_email") from error
    _refuse_taken_name(Organisation, hub, name, organisation)
    if organisation is None:
        organisation = Organisation(hub_id=hub.id)
        db.session.add(organisation)
    organisation.name, organisation.billing_email, organisation.address = name, billing_email, (address or "").strip()
    db.session.flush()
    return organisation


def list_organisations(hub: Hub) -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.hub_id == hub.id).order_by(Organisation.name)))
