"""The default chart of accounts, made with each hub (on the ``hub_created`` event, and on
first use for hubs older than the ledger), and managers' own accounts.

Codes follow the usual small-charity layout: 1xxx assets, 2xxx liabilities, 3xxx funds,
4xxx income, 5xxx costs, 6xxx reinvestment out of the community fund."""
from __future__ import annotations

import re

import sqlalchemy as sa

from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.ledger.errors import LedgerError
from coworking.ledger.models import AccountType, LedgerAccount, ReinvestmentKind

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = (
    AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY, AccountType.INCOME, AccountType.EXPENSE)

# (code, name, type, role, reinvestment kind)
DEFAULT_CHART: tuple[tuple[str, str, AccountType, str, str | None], ...] = (
    ("1000", "Bank", ASSET, "bank", None),
    ("1010", "Cash", ASSET, "cash", None),
    ("1100", "Accounts receivable", ASSET, "receivable", None),
    ("2100", "VAT payable", LIABILITY, "vat", None),
    ("2200", "Member credit", LIABILITY, "member_credit", None),
    ("3000", "General fund (retained surplus)", EQUITY, "general_fund", None),
    ("3100", "Community fund", EQUITY, "community_fund", None),
    ("4000", "Income: memberships", INCOME, "income_membership", None),
    ("4010", "Income: bookings", INCOME, "income_booking", None),
    ("4020", "Income: passes", INCOME, "income_pass", None),
    ("4090", "Income: other (grants and donations)", INCOME, "income_other", None),
    ("5000", "Rent", EXPENSE, "expense_rent", None),
    ("5010", "Utilities", EXPENSE, "expense_utilities", None),
    ("5020", "Staff", EXPENSE, "expense_staff", None),
    ("5030", "Cleaning", EXPENSE, "expense_cleaning", None),
    ("5040", "Equipment", EXPENSE, "expense_equipment", None),
    ("5090", "Other costs", EXPENSE, "expense_other", None),
    ("6000", "Reinvestment: building", EXPENSE, "reinvest_building", ReinvestmentKind.BUILDING.value),
    ("6010", "Reinvestment: community grants", EXPENSE, "reinvest_community_grants", ReinvestmentKind.COMMUNITY_GRANTS.value),
    ("6020", "Reinvestment: bursaries", EXPENSE, "reinvest_bursaries", ReinvestmentKind.BURSARIES.value),
    ("6030", "Reinvestment: community projects", EXPENSE, "reinvest_community_projects", ReinvestmentKind.COMMUNITY_PROJECTS.value),
)
REINVESTMENT_ROLE = {kind: role for _, _, _, role, kind in DEFAULT_CHART if kind}
CODE_PATTERN = re.compile(r"^[0-9]{3,6}$")
ROLE_IDS_CACHE = "ledger_role_account_ids"


def ensure_chart(hub: Hub) -> dict[str, LedgerAccount]:
    """The hub's accounts by role, making the default chart first if the hub has none."""
    accounts = accounts_by_role(hub)
    if not accounts:
        # One executemany (every hub, so every test, makes a chart), then read back as objects.
        db.session.execute(sa.insert(LedgerAccount), [
            {"hub_id": hub.id, "code": code, "name": name, "type": type_.value, "role": role, "reinvestment_kind": kind}
            for code, name, type_, role, kind in DEFAULT_CHART])
        accounts = accounts_by_role(hub)
    return accounts


def role_account_ids(hub: Hub) -> dict[str, int]:
    """The ids of the hub's accounts by role, read once per transaction: a run's batch posts
    hundreds of entries (the cache goes with the transaction: ``integrity``)."""
    cache = db.session.info.setdefault(ROLE_IDS_CACHE, {})
    if hub.id not in cache:
        cache[hub.id] = {role: account.id for role, account in ensure_chart(hub).items()}
    return cache[hub.id]


def accounts_by_role(hub: Hub) -> dict[str, LedgerAccount]:
    rows = db.session.scalars(sa.select(LedgerAccount).where(
        LedgerAccount.hub_id == hub.id, LedgerAccount.role.is_not(None)))
    return {account.role: account for account in rows}


def hub_accounts(hub: Hub) -> list[LedgerAccount]:
    ensure_chart(hub)
    return list(db.session.scalars(
        sa.select(LedgerAccount).where(LedgerAccount.hub_id == hub.id).order_by(LedgerAccount.code)))


def add_account(hub: Hub, *, code: str, name: str, type_: str) -> LedgerAccount:
    """A manager's own account: a code of 3 to 6 digits, unique in the hub."""
    ensure_chart(hub)
    code, name = code.strip(), name.strip()
    if not CODE_PATTERN.match(code):
        raise LedgerError("An account code is 3 to 6 digits.", field="code")
    if not name:
        raise LedgerError("Give the account a name.", field="name")
    if type_ not in {t.value for t in AccountType}:
        raise LedgerError("Choose asset, liability, fund, income or expense.", field="type")
    taken = db.session.scalar(sa.select(LedgerAccount.id).where(
        LedgerAccount.hub_id == hub.id, LedgerAccount.code == code))
    if taken:
        raise LedgerError(f"Account {code} already exists in this hub.", field="code", status=409)
    account = LedgerAccount(hub_id=hub.id, code=code, name=name, type=type_)
    db.session.add(account)
    db.session.flush()
    return account


def make_chart_for_new_hub(hub: Hub, **_) -> None:
    ensure_chart(hub)
