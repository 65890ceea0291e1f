"""The monthly run: a hub's billable items for a period turned into draft invoices, one per
billed party (member or organisation) and period, a line per item.

A run is safe to repeat and to race. Each line carries its item's ``source_key``, unique per hub
in the database; a run adds only the items whose key is on no line of the hub and not excluded
(a manager removed it from a draft). Runs of one hub are serialised batch by batch (SQLite: the
write lock of each batch's transaction; PostgreSQL: a transaction-scoped advisory lock per hub),
so two runs at once check and add in turn and give the same lines as one run; the unique key
is the database's last word should anything else race.

Members are read in batches (``billable_items_in_batches``), each batch its own transaction
committed before the next, so a run of thousands of members holds one batch in memory and its
progress is real; a run stopped half way is finished by running it again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.models import DocumentKind, DocumentStatus, Invoice, InvoiceLine, LineExclusion
from coworking.billing.parties import MEMBER, ORGANISATION, party_key
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.billable import BillableItem, billable_items_in_batches, count_billed_members
from coworking.memberships.errors import MembershipError
from coworking.memberships.models import Organisation
from coworking.memberships.periods import Period, parse_period
from coworking.money import vat_on
from coworking.timezones import local_today
from coworking.transactions import unit_of_work

# pg_advisory_xact_lock(RUN_LOCK_CLASS, hub_id): one run's batch at a time per hub.
RUN_LOCK_CLASS = 10_010
MEMBERS_PER_BATCH = 200

# The first part of a source key says what the line bills, for the ledger.
INCOME_KINDS = {"membership": "membership", "concession": "concession", "booking": "booking", "pass": "pass"}

Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """What one run did: drafts it made, lines it added, items it left out (already billed or
    excluded), and the members it read."""

    period: str
    drafts_created: int = 0
    lines_added: int = 0
    items_skipped: int = 0
    members: int = 0
    parties: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return (f"{self.period}: {self.lines_added} new line(s) on {len(self.parties)} draft(s) "
                f"({self.drafts_created} new); {self.items_skipped} item(s) already billed or excluded.")


def billing_period(hub: Hub, period: Period | str, *, today: date | None = None) -> Period:
    """The period a run bills: 'YYYY-MM', not after the current month in the hub's zone."""
    if not isinstance(period, Period):
        try:
            period = parse_period(period)
        except MembershipError as error:
            raise BillingError(error.message, "period") from error
    today = today or local_today(hub.timezone)
    if period > Period.of(today):
        raise BillingError(f"{period.label()} has not started yet: a run bills a month that has begun.", "period")
    return period


def run_period(hub: Hub, period: Period | str, *, by=None, progress: Progress | None = None,
               today: date | None = None, members_per_batch: int = MEMBERS_PER_BATCH) -> RunResult:
    """Bill the hub's period: new billable items become lines on the parties' drafts. Commits
    after each batch of members (call it outside a unit of work).

    :param by: the user who started the run (the drafts' creator), or None (a scheduled run).
    :param progress: called with (members done, members in all) after each batch is committed.
    """
    period = billing_period(hub, period, today=today)
    hub_id, by_id = hub.id, getattr(by, "id", None)
    result = RunResult(period.key)
    total = count_billed_members(hub, period)
    db.session.rollback()  # the counting read's transaction, so the first batch locks afresh
    batches = billable_items_in_batches(hub, period, members_per_batch)
    while True:
        with unit_of_work():
            _lock_runs_of(hub_id)
            batch = next(batches, None)
            if batch is None:
                break
            _bill_batch(db.session.get(Hub, hub_id), period, batch, by_id, result)
        result.members = min(total, result.members + members_per_batch)
        if progress is not None:
            progress(result.members, total)
    result.members = total
    return result


def _lock_runs_of(hub_id: int) -> None:
    """PostgreSQL: wait for any other run's batch of this hub to commit (SQLite's unit of work
    already holds the database's write lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(RUN_LOCK_CLASS, hub_id)))


def _bill_batch(hub: Hub, period: Period, items: list[BillableItem], by_id: int | None, result: RunResult) -> None:
    taken = _keys_taken(hub.id, [item.source_key for item in items])
    new_items = [item for item in items if item.source_key not in taken]
    result.items_skipped += len(items) - len(new_items)
    if not new_items:
        return
    by_party: dict[str, list[BillableItem]] = {}
    for item in new_items:
        by_party.setdefault(_key_of(item), []).append(item)
    drafts = _drafts_for(hub, period, by_party, by_id, result)
    positions = _last_positions(draft.id for draft in drafts.values())
    charges_vat = bool(hub.vat_number)
    rows = []
    for key, party_items in by_party.items():
        draft = drafts[key]
        for offset, item in enumerate(party_items, start=positions.get(draft.id, 0) + 1):
            rows.append(_line_row(hub.id, draft.id, offset, item, charges_vat))
    db.session.execute(sa.insert(InvoiceLine), rows)
    result.lines_added += len(rows)
    result.parties.update(by_party)
    _total_drafts(drafts.values())


def _keys_taken(hub_id: int, keys: list[str]) -> set[str]:
    """The keys already on a line of the hub (any invoice, draft or issued) or excluded."""
    if not keys:
        return set()
    on_lines = sa.select(InvoiceLine.source_key).where(InvoiceLine.hub_id == hub_id, InvoiceLine.source_key.in_(keys))
    excluded = sa.select(LineExclusion.source_key).where(LineExclusion.hub_id == hub_id, LineExclusion.source_key.in_(keys))
    return set(db.session.scalars(sa.union(on_lines, excluded)))


def _key_of(item: BillableItem) -> str:
    return party_key(item.billed_party.kind, item.billed_party.id)


def _drafts_for(hub: Hub, period: Period, by_party: dict[str, list[BillableItem]], by_id: int | None,
                result: RunResult) -> dict[str, Invoice]:
    """Each party's draft of the period, locked (a manager editing it waits), made when missing."""
    drafts = {draft.party_key: draft for draft in db.session.scalars(
        sa.select(Invoice).where(Invoice.hub_id == hub.id, Invoice.period == period.key,
                                 Invoice.status == DocumentStatus.DRAFT.value, Invoice.party_key.in_(list(by_party)))
        .with_for_update())}
    missing = [key for key in by_party if key not in drafts]
    addresses = _organisation_addresses(by_party, missing)
    for key in missing:
        party = by_party[key][0].billed_party
        draft = Invoice(
            hub_id=hub.id, kind=DocumentKind.INVOICE.value, status=DocumentStatus.DRAFT.value, period=period.key,
            party_key=key, member_id=party.id if party.kind == MEMBER else None,
            organisation_id=party.id if party.kind == ORGANISATION else None,
            billed_name=party.name, billed_email=party.email or "", billed_address=addresses.get(key, ""),
            currency=hub.currency, created_by_id=by_id)
        db.session.add(draft)
        drafts[key] = draft
    db.session.flush()
    result.drafts_created += len(missing)
    return drafts


def _organisation_addresses(by_party: dict[str, list[BillableItem]], keys: list[str]) -> dict[str, str]:
    ids = [by_party[key][0].billed_party.id for key in keys if by_party[key][0].billed_party.kind == ORGANISATION]
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Organisation.id, Organisation.address).where(Organisation.id.in_(ids)))
    return {party_key(ORGANISATION, id_): address or "" for id_, address in rows}


def _last_positions(invoice_ids: Iterable[int]) -> dict[int, int]:
    ids = list(invoice_ids)
    rows = db.session.execute(sa.select(InvoiceLine.invoice_id, sa.func.max(InvoiceLine.position))
                              .where(InvoiceLine.invoice_id.in_(ids)).group_by(InvoiceLine.invoice_id))
    return {invoice_id: position or 0 for invoice_id, position in rows}


def _line_row(hub_id: int, invoice_id: int, position: int, item: BillableItem, charges_vat: bool) -> dict:
    """A line's values, priced as ``totals.price_line`` prices one: VAT per line, half up."""
    rate = item.vat_rate_bp if charges_vat else 0
    amount = item.quantity * item.unit_amount_minor
    return {
        "invoice_id": invoice_id, "hub_id": hub_id, "position": position, "description": item.description[:300],
        "quantity": item.quantity, "unit_price_minor": item.unit_amount_minor, "vat_rate_bp": rate,
        "amount_minor": amount, "vat_minor": vat_on(amount, rate), "source_key": item.source_key,
        "income_kind": INCOME_KINDS.get(item.source_key.split(":", 1)[0], "other"),
        "funded_by_community_fund": item.funded_by_community_fund,
    }


def _total_drafts(drafts: Iterable[Invoice]) -> None:
    """Each draft's totals as the sums of its lines, read back from the database."""
    by_id = {draft.id: draft for draft in drafts}
    sums = db.session.execute(
        sa.select(InvoiceLine.invoice_id, sa.func.coalesce(sa.func.sum(InvoiceLine.amount_minor), 0),
                  sa.func.coalesce(sa.func.sum(InvoiceLine.vat_minor), 0))
        .where(InvoiceLine.invoice_id.in_(list(by_id))).group_by(InvoiceLine.invoice_id))
    for invoice_id, subtotal, vat in sums:
        draft = by_id[invoice_id]
        draft.subtotal_minor, draft.vat_minor, draft.total_minor = int(subtotal), int(vat), int(subtotal) + int(vat)
    db.session.flush()
