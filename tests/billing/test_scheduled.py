"""Billing's background work: a run started from a page is done by the next ``jobs run`` with
its progress on the job; each hub's monthly run is queued once, on its run day in its own zone;
``invoices run`` bills from the command line with a progress bar."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from coworking.billing.errors import BillingError
from coworking.billing.jobs import enqueue_daily_work, enqueue_scheduled_runs, start_run
from coworking.billing.models import BillingSettings
from coworking.extensions import db
from coworking.jobs import Job
from coworking.memberships.periods import Period
from tests.billing.run_fixtures import *  # noqa: F403  (fixtures)
from tests.billing.run_fixtures import drafts_of, lines_of


@pytest.fixture
def members(hub, plan, make_user, make_membership, month):
    return [make_membership(make_user(email=f"m{n}@example.org"), plan, month.first_day) for n in range(3)]


def test_a_run_started_from_a_page_is_done_by_the_next_jobs_run(hub, manager, month, members, runner):
    job = start_run(hub, month, by=manager, today=month.first_day)
    again = start_run(hub, month, by=manager, today=month.first_day)
    db.session.commit()
    assert again.id == job.id and job.status == "queued"
    assert drafts_of(hub) == []
    # The job runs "today", when the month (two months ahead in the fixtures) has not begun:
    # it is refused and recorded as failed, with the reason.
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == "failed" and "has not started yet" in failed.message


def test_a_run_of_a_month_begun_is_done_in_the_background_with_its_progress(hub, manager, plan, make_user, make_membership, today, runner):
    this_month = Period.of(today)
    for n in range(3):
        make_membership(make_user(email=f"now{n}@example.org"), plan, this_month.first_day)
    job = start_run(hub, this_month, by=manager)
    db.session.commit()
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert (done.status, done.progress_done, done.progress_total) == ("done", 3, 3)
    assert "3 new line(s) on 3 draft(s)" in done.message
    assert len(drafts_of(hub)) == 3 and all(d.created_by_id == manager.id for d in drafts_of(hub))


def test_starting_a_run_of_a_future_month_is_refused_before_anything_is_queued(hub, manager, month):
    with pytest.raises(BillingError, match="has not started yet"):
        start_run(hub, month, by=manager, today=month.plus(-1).first_day)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def at_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def zones(make_hub):
    """Two hubs whose run day is the 1st: one in Auckland (ahead of UTC), one in Los Angeles."""
    auckland = make_hub("auckland", "Auckland Hub", timezone="Pacific/Auckland")
    angeles = make_hub("angeles", "Angeles Hub", timezone="America/Los_Angeles")
    for hub in (auckland, angeles):
        db.session.add(BillingSettings(hub_id=hub.id, run_day=1))
    db.session.commit()
    return auckland, angeles


def scheduled() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(job.hub_id, job.payload["period"])
            for job in db.session.scalars(sa.select(Job).where(Job.kind == "invoice-run").order_by(Job.id))]


def test_the_monthly_run_is_queued_on_the_run_day_in_the_hubs_own_zone(zones):
    auckland, angeles = zones
    # 30 November, 12:00 UTC: already 1 December 01:00 in Auckland, still 30 November in LA.
    assert enqueue_scheduled_runs(at_utc("2026-11-30T12:00:00")) == 1
    assert scheduled() == [(auckland.id, "2026-11")]
    # Eight hours later it is 1 December in Los Angeles too.
    assert enqueue_scheduled_runs(at_utc("2026-12-01T08:30:00")) == 1
    assert scheduled() == [(auckland.id, "2026-11"), (angeles.id, "2026-11")]


def test_the_monthly_run_is_queued_once_a_month_even_after_it_is_done(zones):
    auckland, _ = zones
    enqueue_scheduled_runs(at_utc("2026-11-30T12:00:00"))
    db.session.execute(sa.update(Job).values(status="done"))
    db.session.commit()
    assert enqueue_scheduled_runs(at_utc("2026-12-03T12:00:00")) == 1  # only LA's, caught up
    assert enqueue_scheduled_runs(at_utc("2026-12-20T12:00:00")) == 0
    assert enqueue_scheduled_runs(at_utc("2027-01-01T00:00:00")) == 1  # Auckland's January run
    assert scheduled()[-1] == (auckland.id, "2026-12")


def test_a_hub_without_a_run_day_is_never_run_on_its_own(zones):
    db.session.execute(sa.update(BillingSettings).values(run_day=None))
    db.session.commit()
    assert enqueue_scheduled_runs(at_utc("2026-12-02T12:00:00")) == 0


def test_the_scheduled_run_bills_the_month_just_ended(hub, plan, make_user, make_membership, today, runner):
    last_month = Period.of(today).plus(-1)
    make_membership(make_user(email="early@example.org"), plan, last_month.last_day)
    db.session.add(BillingSettings(hub_id=hub.id, run_day=1))
    db.session.commit()
    assert enqueue_scheduled_runs(at_utc(f"{today:%Y-%m}-01T09:00:00")) == 1
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    (draft,) = drafts_of(hub)
    assert draft.period == last_month.key and draft.created_by_id is None
    assert enqueue_scheduled_runs(at_utc(f"{today:%Y-%m}-02T09:00:00")) == 0
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    assert len(drafts_of(hub)) == 1 and len(scheduled()) == 1


def test_invoices_run_bills_from_the_command_line_with_a_progress_bar(hub, plan, make_user, make_membership, today, runner):
    this_month = Period.of(today)
    make_membership(make_user(email="cli@example.org"), plan, this_month.first_day)
    result = runner.invoke(args=["invoices", "run", "--hub", hub.slug, "--period", this_month.key])
    assert result.exit_code == 0, result.output
    assert "Billing" in result.output and "1 new line(s) on 1 draft(s) (1 new)" in result.output
    assert len(lines_of(hub)) == 1
    again = runner.invoke(args=["invoices", "run", "--hub", hub.slug, "--period", this_month.key])
    assert "0 new line(s)" in again.output and len(lines_of(hub)) == 1


@pytest.mark.parametrize("args, message", [
    (["--hub", "nowhere", "--period", "2026-01"], "no hub with slug"),
    (["--hub", "here", "--period", "2026-13"], "is not a month"),
    (["--hub", "here", "--period", "2099-01"], "has not started yet"),
])
def test_invoices_run_refuses_bad_input_and_changes_nothing(hub, runner, args, message):
    result = runner.invoke(args=["invoices", "run", *args])
    assert result.exit_code == 2 and message in result.output
    assert drafts_of(hub) == []


def test_issue_all_in_the_background_numbers_every_draft_of_the_run(hub, manager, plan, make_user, make_membership, today, runner):
    from coworking.billing.jobs import start_issue

    this_month = Period.of(today)
    for n in range(3):
        make_membership(make_user(email=f"issue{n}@example.org"), plan, this_month.first_day)
    run_period_now = runner.invoke(args=["invoices", "run", "--hub", hub.slug, "--period", this_month.key])
    assert run_period_now.exit_code == 0
    job = start_issue(hub, this_month, by=manager)
    db.session.commit()
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert (done.status, done.message, done.progress_done, done.progress_total) == ("done", "3 invoice(s) issued.", 3, 3)
    numbers = sorted(d.number for d in drafts_of(hub))
    assert numbers == [f"{hub.invoice_prefix}-{today.year}-0000{n}" for n in (1, 2, 3)]


def test_a_hub_that_issues_automatically_gets_its_scheduled_run_issued(hub, plan, make_user, make_membership, today, runner):
    last_month = Period.of(today).plus(-1)
    make_membership(make_user(email="auto@example.org"), plan, last_month.last_day)
    db.session.add(BillingSettings(hub_id=hub.id, run_day=1, issue_automatically=True))
    db.session.commit()
    enqueue_scheduled_runs(at_utc(f"{today:%Y-%m}-01T09:00:00"))
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    (invoice,) = drafts_of(hub)
    assert invoice.status == "issued" and invoice.period == last_month.key and invoice.number is not None


def daily_jobs() -> list[tuple[str, int, str]]:
    db.session.expire_all()
    return [(job.kind, job.hub_id, job.payload["date"]) for job in db.session.scalars(
        sa.select(Job).where(Job.kind != "invoice-run").order_by(Job.id))]


def test_reminders_and_expiry_are_queued_once_a_day_per_hub_reminders_from_nine_local(zones):
    auckland, angeles = zones
    # 20:30 UTC on 1 December: 09:30 on the 2nd in Auckland, 12:30 on the 1st in Los Angeles.
    enqueue_daily_work(at_utc("2026-12-01T20:30:00"))
    assert sorted(daily_jobs()) == sorted([
        ("allowance-expiry", auckland.id, "2026-12-02"), ("invoice-reminders", auckland.id, "2026-12-02"),
        ("allowance-expiry", angeles.id, "2026-12-01"), ("invoice-reminders", angeles.id, "2026-12-01")])
    assert enqueue_daily_work(at_utc("2026-12-01T22:00:00")) == 0
    # 10:00 UTC on the 2nd: 02:00 in Los Angeles, a new day but before nine: only the expiry.
    assert enqueue_daily_work(at_utc("2026-12-02T10:00:00")) == 1
    assert daily_jobs()[-1] == ("allowance-expiry", angeles.id, "2026-12-02")


def test_the_days_reminders_go_out_through_jobs_run(hub, runner, today):
    from datetime import timedelta

    from coworking.billing.models import Invoice
    from coworking.mail import OutboxMessage

    db.session.add(Invoice(hub_id=hub.id, kind="invoice", status="issued", party_key="member:1", billed_name="Mary",
                           billed_email="mary@example.org", currency="GBP", number="T-1", total_minor=5000,
                           issued_on=today - timedelta(days=30), due_on=today - timedelta(days=8)))
    db.session.commit()
    enqueue_daily_work(at_utc(f"{today}T10:00:00"))  # London: 10:00 in winter, 11:00 in summer
    assert runner.invoke(args=["jobs", "run"]).exit_code == 0
    db.session.expire_all()
    assert [m.subject for m in db.session.scalars(sa.select(OutboxMessage))] == ["Reminder: invoice T-1 from Here Hub is overdue"]
    assert {job.status for job in db.session.scalars(sa.select(Job))} == {"done"}
