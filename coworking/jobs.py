"""Background jobs: work a page asks for (an invoice run) or that falls due (the outbox,
reminders, a hub's monthly run), done by `flask jobs run` (once, from cron or a timer) or
`flask jobs work` (a loop). Any number of servers may run them at once: a job is claimed by one
conditional UPDATE, so only one worker ever runs it.

Areas register what a kind of job does (``register_handler``) and what falls due
(``register_schedule``); this module imports no area.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coworking.extensions import db
from coworking.types import UTCDateTime, utcnow


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
