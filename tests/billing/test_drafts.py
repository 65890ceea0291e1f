"""Reviewing drafts: lines added, edited and removed with totals kept as the sums of the lines;
a removed item stays out of later runs; a deleted draft's items come back; an issued invoice
refuses every change (409) before the database would; only the hub's managers may change one."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.billing.drafts import add_line, delete_draft, edit_line, remove_line
from coworking.billing.errors import BillingError
from coworking.billing.models import Invoice, InvoiceLine, LineExclusion
from coworking.billing.runs import run_period
from coworking.extensions import db
from tests.billing.run_fixtures import *  # noqa: F403  (fixtures)
from tests.billing.run_fixtures import drafts_of, lines_of


@pytest.fixture
def draft(hub, member, plan, make_membership, month):
    make_membership(member, plan, month.first_day)
    run_period(hub, month, today=month.first_day)
    (draft,) = drafts_of(hub)
    return draft


def rerun(hub, month):
    return run_period(hub, month, today=month.first_day)


def test_a_line_added_by_hand_is_priced_and_counted_in_the_totals(draft, manager):
    line = add_line(draft, description="  Locker, November ", quantity=2, unit_price_minor=500, vat_rate_bp=2000, by=manager)
    db.session.commit()
    assert (line.description, line.amount_minor, line.vat_minor, line.source_key, line.position) == ("Locker, November", 1000, 200, None, 2)
    assert (draft.subtotal_minor, draft.vat_minor, draft.total_minor) == (31_000, 6_200, 37_200)


def test_a_line_edited_changes_the_totals(draft, manager):
    (line,) = draft.lines
    edit_line(line, by=manager, description="Hot desk, discounted", unit_price_minor=25_000)
    db.session.commit()
    db.session.expire_all()
    assert (line.description, line.amount_minor, line.vat_minor) == ("Hot desk, discounted", 25_000, 5_000)
    assert draft.total_minor == 30_000 and line.source_key is not None


def test_a_hub_without_vat_number_adds_lines_without_vat(draft, manager, hub):
    hub.vat_number = None
    add_line(draft, description="Printing", unit_price_minor=250, vat_rate_bp=2000, by=manager)
    db.session.commit()
    assert draft.lines[-1].vat_minor == 0 and draft.lines[-1].vat_rate_bp == 0


def test_a_removed_item_stays_out_of_later_runs(draft, manager, hub, month):
    (line,) = draft.lines
    key = line.source_key
    remove_line(line, by=manager)
    db.session.commit()
    assert draft.lines == [] and draft.total_minor == 0
    assert db.session.scalar(sa.select(LineExclusion.source_key)) == key
    assert rerun(hub, month).lines_added == 0 and lines_of(hub) == {}


def test_a_deleted_drafts_items_come_back_at_the_next_run(draft, manager, hub, month):
    key = draft.lines[0].source_key
    delete_draft(draft, by=manager)
    db.session.commit()
    assert drafts_of(hub) == [] and db.session.scalar(sa.select(sa.func.count(InvoiceLine.id))) == 0
    result = rerun(hub, month)
    assert (result.drafts_created, result.lines_added) == (1, 1) and set(lines_of(hub)) == {key}


@pytest.mark.parametrize("change, field", [
    (dict(description=" "), "description"),
    (dict(description="x" * 301), "description"),
    (dict(quantity=0), "quantity"),
    (dict(quantity=1.5), "quantity"),
    (dict(quantity=10_001), "quantity"),
    (dict(unit_price_minor=1_000_000_001), "unit_price_minor"),
    (dict(unit_price_minor="12"), "unit_price_minor"),
    (dict(vat_rate_bp=10_001), "vat_rate_bp"),
    (dict(vat_rate_bp=-1), "vat_rate_bp"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_changes(draft, manager, change, field):
    values = dict(description="Extra", quantity=1, unit_price_minor=100, vat_rate_bp=0) | change
    with pytest.raises(BillingError) as refused:
        add_line(draft, by=manager, **values)
    assert (refused.value.field, refused.value.status) == (field, 422)
    with pytest.raises(BillingError) as refused:
        edit_line(draft.lines[0], by=manager, **change)
    assert refused.value.field == field
    db.session.rollback()
    assert len(draft.lines) == 1 and draft.total_minor == 36_000 and draft.lines[0].amount_minor == 30_000


def issue_by_sql(draft):
    db.session.execute(sa.text("UPDATE invoices SET status = 'issued', number = 'T-1' WHERE id = :id"), {"id": draft.id})
    db.session.commit()


@pytest.mark.parametrize("change", ["add", "edit", "remove", "delete"])
def test_an_issued_invoice_refuses_every_change(draft, manager, change):
    line = draft.lines[0]
    issue_by_sql(draft)
    act = {
        "add": lambda: add_line(draft, description="More", unit_price_minor=100, by=manager),
        "edit": lambda: edit_line(line, unit_price_minor=1, by=manager),
        "remove": lambda: remove_line(line, by=manager),
        "delete": lambda: delete_draft(draft, by=manager),
    }[change]
    with pytest.raises(BillingError, match="credit note") as refused:
        act()
    assert refused.value.status == 409
    db.session.rollback()
    db.session.expire_all()
    invoice = db.session.get(Invoice, draft.id)
    assert invoice.status == "issued" and [(each.amount_minor, each.description) for each in invoice.lines] == [(30_000, line.description)]


def test_only_the_hubs_managers_change_a_draft(draft, member, make_user, make_hub, make_manager):
    other_manager = make_manager(make_hub("away", "Away"))
    for who in (member, other_manager):
        with pytest.raises(BillingError) as refused:
            add_line(draft, description="Sneaky", unit_price_minor=1, by=who)
        assert refused.value.status == 403
        with pytest.raises(BillingError):
            delete_draft(draft, by=who)
    db.session.rollback()
    assert len(drafts_of(draft.hub)) == 1
