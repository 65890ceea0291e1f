"""Billing's background work, run by ``flask jobs run`` / ``jobs work`` (coworking/jobs.py):

- ``invoice-run``: a hub's run for a period, started from a page (``start_run``) or by the
  schedule; its progress is the members read so far;
- ``invoice-issue``: issuing every draft of a run (``start_issue``, the page's "issue all");
- the schedule: each hub's monthly run on its ``BillingSettings.run_day`` in the hub's zone
  (billing the month just ended, and issuing it when ``issue_automatically``); once a day per
  hub, an ``invoice-reminders`` job (the reminders due, from 09:00 local) and an
  ``allowance-expiry`` job (memberships' expiry of unused allowances).

``connect_jobs()`` registers all of it; create_app calls it.
"""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from coworking import jobs
from coworking.accounts.models import User
from coworking.billing.errors import BillingError
from coworking.billing.issuing import count_drafts, issue_drafts
from coworking.billing.models import BillingSettings
from coworking.billing.reminders import send_reminders
from coworking.billing.runs import billing_period, run_period
from coworking.extensions import db
from coworking.hubs.models import Hub
from coworking.memberships.allowances import expire_allowances
from coworking.memberships.periods import Period
from coworking.timezones import local_today, utc_to_local
from coworking.transactions import unit_of_work

RUN, ISSUE = "invoice-run", "invoice-issue"
REMINDERS, EXPIRY = "invoice-reminders", "allowance-expiry"
REMINDERS_FROM = time(9, 0)  # local time from which the day's reminders go out
EXPIRY_LOCK_CLASS = 10_011
# A run day missed (no `jobs run` all that day) is caught up on the days just after it; later
# than that the manager starts the run, so a run day set on the 30th bills nothing by surprise.
CATCH_UP_DAYS = 3


def run_key(hub_id: int, period: Period | str) -> str:
    return f"{RUN}:{hub_id}:{period}"


def issue_key(hub_id: int, period: Period | str) -> str:
    return f"{ISSUE}:{hub_id}:{period}"


def scheduled_run_key(hub_id: int, period: Period | str) -> str:
    return f"scheduled-{RUN}:{hub_id}:{period}"


def start_run(hub: Hub, period: Period | str, *, by: User | None, today: date | None = None) -> jobs.Job:
    """Queue the hub's run for the period (in the caller's transaction); a run of that period
    already queued or running is returned instead. A malformed or future period is refused."""
    period = billing_period(hub, period, today=today)
    return jobs.enqueue(RUN, hub_id=hub.id, payload={"period": period.key}, unique_key=run_key(hub.id, period), by=by)


def start_issue(hub: Hub, period: Period | str, *, by: User | None, today: date | None = None) -> jobs.Job:
    """Queue issuing every draft of the hub's run for the period."""
    period = billing_period(hub, period, today=today)
    return jobs.enqueue(ISSUE, hub_id=hub.id, payload={"period": period.key}, unique_key=issue_key(hub.id, period), by=by)


def _hub_and_by(job: jobs.Job) -> tuple[Hub, User | None]:
    hub = db.session.get(Hub, job.hub_id) if job.hub_id else None
    if hub is None:
        raise BillingError("The hub of this job no longer exists.", status=404)
    return hub, db.session.get(User, job.created_by_id) if job.created_by_id else None


def handle_run(job: jobs.Job, progress: jobs.Progress) -> str:
    hub, by = _hub_and_by(job)
    period = job.payload["period"]
    result = run_period(hub, period, by=by, progress=progress)
    if not job.payload.get("issue"):
        return result.summary()
    issued = _issue(hub, period, by, progress)
    return f"{result.summary()} {issued} invoice(s) issued."


def handle_issue(job: jobs.Job, progress: jobs.Progress) -> str:
    hub, by = _hub_and_by(job)
    return f"{_issue(hub, job.payload['period'], by, progress)} invoice(s) issued."


def _issue(hub: Hub, period: str, by: User | None, progress: jobs.Progress) -> int:
    total, done = count_drafts(hub, period), 0

    def step(looked_at: int) -> None:
        nonlocal done
        done += looked_at
        progress(min(done, total), total)

    progress(0, total)
    return issue_drafts(hub, period, by=by, today=local_today(hub.timezone), progress=step)


# --- the schedule ---------------------------------------------------------------------------

def enqueue_scheduled_runs(now: datetime) -> int:
    """Queue each hub's monthly run on its run day in the hub's zone (or within CATCH_UP_DAYS
    after it, if the jobs did not run that day): once per month, for the month just ended."""
    queued = 0
    rows = db.session.execute(
        sa.select(Hub, BillingSettings.run_day, BillingSettings.issue_automatically)
        .join(BillingSettings, BillingSettings.hub_id == Hub.id).where(BillingSettings.run_day.is_not(None))
    ).all()
    for hub, run_day, issue in rows:
        today = local_today(hub.timezone, now)
        period = Period.of(today).plus(-1)
        key = scheduled_run_key(hub.id, period)
        if not run_day <= today.day < run_day + CATCH_UP_DAYS or jobs.latest_job(key) is not None:
            continue
        with unit_of_work():
            jobs.enqueue(RUN, hub_id=hub.id, payload={"period": period.key, "issue": bool(issue), "scheduled": True},
                         unique_key=key)
        queued += 1
    db.session.rollback()
    return queued


def enqueue_daily_work(now: datetime) -> int:
    """Once a day per hub, on its local date: the expiry of unused allowances (from midnight)
    and the reminders due (from REMINDERS_FROM, so they do not arrive in the night)."""
    queued = 0
    for hub_id, zone in db.session.execute(sa.select(Hub.id, Hub.timezone).order_by(Hub.id)).all():
        local_now = utc_to_local(now, zone)
        due = [(EXPIRY, f"{EXPIRY}:{hub_id}:{local_now.date()}")]
        if local_now.time() >= REMINDERS_FROM:
            due.append((REMINDERS, f"{REMINDERS}:{hub_id}:{local_now.date()}"))
        for kind, key in due:
            if jobs.latest_job(key) is None:
                with unit_of_work():
                    jobs.enqueue(kind, hub_id=hub_id, payload={"date": local_now.date().isoformat()}, unique_key=key)
                queued += 1
    db.session.rollback()
    return queued


def handle_reminders(job: jobs.Job, progress: jobs.Progress) -> str:
    hub, _ = _hub_and_by(job)
    return f"{send_reminders(hub, date.fromisoformat(job.payload['date']))} reminder(s) queued."


def handle_expiry(job: jobs.Job, progress: jobs.Progress) -> str:
    hub, _ = _hub_and_by(job)
    with unit_of_work():
        # Two expiries of one hub at once would both expire the same balance: one at a time.
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(EXPIRY_LOCK_CLASS, hub.id)))
        expired = expire_allowances(hub, date.fromisoformat(job.payload["date"]))
    return f"{expired} allowance balance(s) expired."


def connect_jobs() -> None:
    """Register billing's job handlers and schedules with coworking.jobs."""
    jobs.register_handler(RUN, handle_run)
    jobs.register_handler(ISSUE, handle_issue)
    jobs.register_handler(REMINDERS, handle_reminders)
    jobs.register_handler(EXPIRY, handle_expiry)
    jobs.register_schedule(enqueue_scheduled_runs)
    jobs.register_schedule(enqueue_daily_work)
