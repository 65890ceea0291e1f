"""Background jobs: work a page asks for (an invoice run) or that falls due (the outbox,
reminders, a hub's monthly run), done by `flask jobs run` (once, from cron or a timer) or
`flask jobs work` (a loop). Any number of servers may run them at once: a job is claimed by one
conditional UPDATE, so only one worker ever runs it.

Areas register what a kind of job does (``register_handler``) and what falls due
(``register_schedule``); this module imports no area.
"""
from __future__ import annotations

import enum
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from coworking.errors import DomainError
from coworking.extensions import db
from coworking.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

# A running job whose worker has not reported for this long is taken to have died: another
# worker may claim it again (the handlers are idempotent: a run repeated adds nothing twice).
STALE_AFTER = timedelta(minutes=15)


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One piece of background work and its progress, shown on the page that started it."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    hub_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hubs.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # At most one job per key (e.g. "invoice-run:3:2026-11") is queued or running at a time.
    unique_key: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[str] = mapped_column(sa.String(10), default=JobStatus.QUEUED.value)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str] = mapped_column(sa.String(120), default="")

    __table_args__ = (
        sa.Index(
            "uq_jobs_active_unique_key", "unique_key", unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"),
            postgresql_where=sa.text("status IN ('queued', 'running') AND unique_key IS NOT NULL"),
        ),
        sa.Index("ix_jobs_status_created", "status", "created_at"),
    )


Progress = Callable[[int, int], None]
Handler = Callable[["Job", Progress], "str | None"]
Schedule = Callable[[datetime], None]

_handlers: dict[str, Handler] = {}
_schedules: list[Schedule] = []


def register_handler(kind: str, handler: Handler) -> None:
    """What a job of ``kind`` does: ``handler(job, progress)`` returns a short summary or None;
    it commits its own work and calls ``progress(done, total)`` between its transactions."""
    _handlers[kind] = handler


def register_schedule(schedule: Schedule) -> None:
    """Something ``jobs run`` checks each time: ``schedule(now)`` enqueues or does what is due
    (it must be cheap when nothing is, and safe when two servers call it at once)."""
    if schedule not in _schedules:
        _schedules.append(schedule)


def enqueue(kind: str, *, hub_id: int | None = None, payload: dict | None = None, unique_key: str | None = None,
            by=None) -> Job:
    """Queue a job in the caller's transaction. With a ``unique_key``, a job of that key already
    queued or running is returned instead of a second one (a page's button pressed twice)."""
    if unique_key is not None:
        active = active_job(unique_key)
        if active is not None:
            return active
    job = Job(kind=kind, hub_id=hub_id, payload=payload or {}, unique_key=unique_key,
              created_by_id=getattr(by, "id", None), status=JobStatus.QUEUED.value, created_at=utcnow())
    try:
        with db.session.begin_nested():  # another server may queue the same key at this moment
            db.session.add(job)
    except IntegrityError:
        active = active_job(unique_key)
        if active is None:
            raise
        return active
    return job


def active_job(unique_key: str) -> Job | None:
    """The job of this key that is queued or running, if any."""
    return db.session.scalar(sa.select(Job).where(
        Job.unique_key == unique_key, Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value])))


def latest_job(unique_key: str) -> Job | None:
    """The most recent job of this key, whatever its state (a page's progress)."""
    return db.session.scalar(sa.select(Job).where(Job.unique_key == unique_key).order_by(Job.id.desc()).limit(1))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claimable(now: datetime):
    return sa.or_(Job.status == JobStatus.QUEUED.value,
                  sa.and_(Job.status == JobStatus.RUNNING.value, Job.heartbeat_at < now - STALE_AFTER))


def claim_next(worker: str, now: datetime | None = None) -> Job | None:
    """Take the oldest queued job (or one whose worker died) for this worker, or None. The claim
    is one conditional UPDATE: of two servers after the same job, one changes the row and the
    other changes nothing and looks for the next."""
    now = now or utcnow()
    while True:
        candidate = db.session.scalar(
            sa.select(Job.id).where(_claimable(now)).order_by(Job.created_at, Job.id).limit(1))
        if candidate is None:
            db.session.rollback()
            return None
        claimed = db.session.execute(
            sa.update(Job).where(Job.id == candidate, _claimable(now))
            .values(status=JobStatus.RUNNING.value, worker=worker, started_at=now, heartbeat_at=now, message="")
            .execution_options(synchronize_session=False))
        db.session.commit()
        if claimed.rowcount == 1:
            return db.session.get(Job, candidate)


def report_progress(job_id: int, done: int, total: int) -> None:
    """Record a job's progress on a connection of its own, committed at once: the page that
    started it polls the row while the job goes on."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(Job).where(Job.id == job_id).values(
            progress_done=done, progress_total=total, heartbeat_at=utcnow()))


def run_job(job: Job) -> str:
    """Run a claimed job with its handler and record how it ended: done, or failed with why."""
    job_id, handler = job.id, _handlers.get(job.kind)
    try:
        if handler is None:
            raise DomainError(f"No handler for jobs of kind {job.kind!r}.")
        message = handler(job, lambda done, total: report_progress(job_id, done, total)) or ""
        status = JobStatus.DONE.value
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the job
        db.session.rollback()
        if not isinstance(error, DomainError):
            log.exception("Job %s (%s) failed", job_id, job.kind)
        message = error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
        status = JobStatus.FAILED.value
    db.session.rollback()
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(
        status=status, message=message[:2000], finished_at=utcnow(), heartbeat_at=utcnow()))
    db.session.commit()
    return status


def run_schedules(now: datetime) -> None:
    """Let each registered schedule enqueue (or do) what is due; one failing stops no other."""
    for schedule in list(_schedules):
        try:
            schedule(now)
        except Exception:  # noqa: BLE001 - logged; the next schedule still runs
            db.session.rollback()
            log.exception("Schedule %s failed", getattr(schedule, "__name__", schedule))


@dataclass
class RunSummary:
    jobs_done: int = 0
    jobs_failed: int = 0
    mail_sent: int = 0
    mail_failed: int = 0

    def __str__(self) -> str:
        return (f"Jobs done {self.jobs_done}, failed {self.jobs_failed}; "
                f"mail sent {self.mail_sent}, failed {self.mail_failed}.")


def run_due(now: datetime | None = None, *, worker: str | None = None, schedules: bool = True,
            on_job: Callable[[Job], None] | None = None) -> RunSummary:
    """Everything due, once: the schedules (monthly runs, reminders...), every queued job, then
    the outbox, so mail those jobs queued goes out in the same pass."""
    from coworking.mail import send_pending

    now = now or utcnow()
    worker = worker or worker_name()
    summary = RunSummary()
    if schedules:
        run_schedules(now)
    while (job := claim_next(worker)) is not None:
        if on_job is not None:
            on_job(job)
        if run_job(job) == JobStatus.DONE.value:
            summary.jobs_done += 1
        else:
            summary.jobs_failed += 1
    summary.mail_sent, summary.mail_failed = send_pending()
    return summary


def work(*, interval: float = 5.0, schedule_every: float = 60.0, should_stop: Callable[[], bool] = lambda: False,
         sleep: Callable[[float], None] = time.sleep) -> None:
    """Run what is due again and again (``jobs work``), the schedules at most every
    ``schedule_every`` seconds, sleeping ``interval`` seconds when there was nothing to do."""
    last_schedules = float("-inf")
    while not should_stop():
        started = time.monotonic()
        with_schedules = started - last_schedules >= schedule_every
        if with_schedules:
            last_schedules = started
        summary = run_due(schedules=with_schedules)
        db.session.remove()
        if not (summary.jobs_done or summary.jobs_failed or summary.mail_sent) and not should_stop():
            sleep(interval)
