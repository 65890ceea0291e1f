"""The outbox: mail is a row written in the same transaction as the change that causes it.

``queue_mail`` adds the row (the caller's commit makes it real, or its rollback drops it);
``send_pending`` — run by ``flask outbox send`` from cron or a systemd timer — delivers
through SMTP, retrying with exponential backoff and marking each message sent or failed.
"""
from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from coworking.extensions import db
from coworking.transactions import unit_of_work
from coworking.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
BACKOFF_BASE_SECONDS = 60


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body_text: Mapped[str] = mapped_column(sa.Text)
    # [{"filename": ..., "content_type": "text/calendar", "data": base64}], or instead of "data"
    # {"renderer": name, "params": {...}} for an attachment made when it is sent.
    attachments: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        sa.CheckConstraint("status in ('pending', 'sent', 'failed')", name="status_known"),
    )


def render_mail(template: str, **context) -> tuple[str, str]:
    """The subject and body of a mail template (``templates/mail/<area>/<name>.txt``, with a
    ``subject()`` and a ``body()`` macro) for this context."""
    module = current_app.jinja_env.get_template(template).make_module(context)
    return str(module.subject()), str(module.body())


# Attachments made when a message is sent, by name: see ``deferred_attachment``.
_RENDERERS: dict[str, Callable[..., bytes]] = {}


def register_attachment_renderer(name: str, render: Callable[..., bytes]) -> None:
    """Let deferred attachments named ``name`` be made by ``render(**params) -> bytes``."""
    _RENDERERS[name] = render


def deferred_attachment(filename: str, content_type: str, renderer: str, **params) -> dict:
    """An attachment made when the message is sent, not when it is queued: the outbox keeps a
    few bytes instead of the file (an issued invoice's PDF: the invoice is frozen, so the file
    is the same either way, and issuing thousands of invoices stores no PDF). ``params`` must
    be JSON."""
    return {"filename": filename, "content_type": content_type, "renderer": renderer, "params": params}


def _stored(attachment) -> dict:
    if isinstance(attachment, dict):
        return attachment
    name, kind, data = attachment
    return {"filename": name, "content_type": kind, "data": base64.b64encode(data).decode()}


def attachment_bytes(attachment: dict) -> bytes:
    if "renderer" in attachment:
        return _RENDERERS[attachment["renderer"]](**attachment.get("params", {}))
    return base64.b64decode(attachment["data"])


def queue_mail(
    to: str, subject: str, body: str, attachments: list[tuple[str, str, bytes] | dict] = ()
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction. Attachments: (name, type, bytes),
    or ``deferred_attachment(...)``s made when the message is sent."""
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body,
        attachments=[_stored(attachment) for attachment in attachments],
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    for attachment in message.attachments or []:
        maintype, subtype = attachment["content_type"].split("/", 1)
        email.add_attachment(
            attachment_bytes(attachment),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return email


def _due(now: datetime):
    return (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
    )


def due_messages(now: datetime) -> list[OutboxMessage]:
    """The messages waiting to be sent at ``now``."""
    return list(db.session.scalars(_due(now)))


def count_due(now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_due(now).subquery()))


def _claim_next_due(now: datetime, after_id: int) -> OutboxMessage | None:
    """Lock the next due message, skipping any another worker holds (PostgreSQL), so two
    overlapping ``outbox send`` runs never deliver one message twice."""
    query = _due(now).where(OutboxMessage.id > after_id).limit(1)
    return db.session.scalar(query.with_for_update(skip_locked=True))


def _deliver(message: OutboxMessage) -> None:
    config = current_app.config
    email = build_email(message, config["MAIL_FROM"])
    if not config.get("MAIL_SERVER"):
        log.info("Mail (no MAIL_SERVER set, not sent):\n%s", email.as_string())
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def record_failure(message: OutboxMessage, error: str, now: datetime, max_attempts: int) -> None:
    """Retry later with exponential backoff (1, 2, 4 ... minutes) until attempts run out."""
    message.attempts += 1
    message.last_error = error[:2000]
    if message.attempts >= max_attempts:
        message.status = FAILED
    else:
        delay = BACKOFF_BASE_SECONDS * 2 ** (message.attempts - 1)
        message.next_attempt_at = now + timedelta(seconds=delay)


def record_sent(message: OutboxMessage) -> None:
    message.attempts += 1
    message.status = SENT
    message.sent_at = utcnow()
    message.last_error = None


def send_pending(now: datetime | None = None, progress=None) -> tuple[int, int]:
    """Deliver every due message, committing after each so a crash never sends one twice.

    A message that cannot be sent, for whatever reason, is recorded and retried later; the
    others are still sent.

    :param progress: called with 1 after each message (a progress bar's ``update``).
    :returns: (sent, failed attempts)
    """
    now = now or utcnow()
    sent = failed = 0
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    last_id = 0
    while True:
        # One message at a time: its claim and its record commit together. write=False: SQLite's
        # write lock is taken only when the record is written, never held during the SMTP call.
        with unit_of_work(write=False):
            message = _claim_next_due(now, last_id)
            if message is None:
                break
            last_id = message.id
            try:
                _deliver(message)
            except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
                log.warning("Mail %s to %s not sent: %s", message.id, message.to_address, error)
                record_failure(message, f"{type(error).__name__}: {error}", now, max_attempts)
                failed += 1
            else:
                record_sent(message)
                sent += 1
        if progress is not None:
            progress(1)
    return sent, failed
