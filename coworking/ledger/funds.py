"""The community fund: surplus set aside into it, reinvestment paid out of it.

Setting aside moves surplus from the general fund into the community fund (no money leaves the
bank). A reinvestment is one entry of four postings: the spending (the reinvestment account of
its kind against the bank or cash) and the release of the same amount from the community fund
back to the general fund, so the fund's balance is always what was set aside less what was
reinvested."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.chart import REINVESTMENT_ROLE, ensure_chart
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import JournalEntry, Posting, Reinvestment
from coworking.ledger.posting import post_entry

PAID_FROM = ("bank", "cash")


def fund_balance(hub: Hub) -> int:
    """What the community fund holds (set aside less reinvested), in minor units."""
    fund = ensure_chart(hub)["community_fund"]
    return -(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Posting.amount_minor), 0))
                               .where(Posting.account_id == fund.id)) or 0)


def set_aside(hub: Hub, *, amount_minor: int, on: date, memo: str = "", by: User | None = None) -> JournalEntry:
    check_positive(amount_minor)
    return post_entry(hub, on=on, memo=memo or "Surplus set aside into the community fund",
                      source_kind="set_aside", by=by,
                      lines=[("general_fund", amount_minor), ("community_fund", -amount_minor)])


def reinvest(
    hub: Hub,
    *,
    kind: str,
    amount_minor: int,
    on: date,
    what: str,
    beneficiary: str = "",
    beneficiary_is_person: bool = False,
    consent_given: bool = False,
    published: bool = True,
    paid_from: str = "bank",
    allow_negative_fund: bool = False,
    by: User | None = None,
) -> JournalEntry:
    """Record money spent out of the community fund, and what it was for."""
    check_positive(amount_minor)
    if kind not in REINVESTMENT_ROLE:
        raise LedgerError("Choose building, community grants, bursaries or community projects.", field="kind")
    if not what.strip():
        raise LedgerError("Say what the money was for.", field="what")
    if paid_from not in PAID_FROM:
        raise LedgerError("Paid from the bank or cash.", field="paid_from")
    if beneficiary_is_person and beneficiary.strip() and not consent_given:
        raise LedgerError("Name a person only with their consent; leave the name empty otherwise.",
                          field="beneficiary")
    if not allow_negative_fund and amount_minor > fund_balance(hub):
        raise LedgerError("The community fund does not hold that much. Set surplus aside first, "
                          "or let the fund go below zero for this reinvestment.", field="amount")
    entry = post_entry(hub, on=on, memo=what, source_kind="reinvestment", by=by, lines=[
        (REINVESTMENT_ROLE[kind], amount_minor), (paid_from, -amount_minor),
        ("community_fund", amount_minor), ("general_fund", -amount_minor),
    ])
    db.session.add(Reinvestment(
        entry_id=entry.id, kind=kind, beneficiary=beneficiary.strip(),
        beneficiary_is_person=beneficiary_is_person, consent_given=consent_given,
        public_description=what.strip()[:300], published=published,
        fund_allowed_negative=allow_negative_fund and amount_minor > 0,
    ))
    db.session.flush()
    return entry


def check_positive(amount_minor: int) -> None:
    if amount_minor <= 0:
        raise LedgerError("The amount must be more than zero.", field="amount")
    if amount_minor > 10**12:
        raise LedgerError("That amount is too large.", field="amount")
