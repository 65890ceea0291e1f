"""The outbox: mail written in the caller's transaction, delivered by `flask outbox send`
through a real SMTP server, retried with backoff, never sent twice."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from coworking.accounts.models import User
from coworking.accounts.services import create_user
from coworking.extensions import db
from coworking.mail import FAILED, PENDING, SENT, OutboxMessage, queue_mail, record_failure, send_pending
from coworking.types import utcnow
from tests.conftest import PASSWORD
from tests.core.conftest import smtp_unreachable


def queue_and_commit(to: str = "ann@example.org", subject: str = "Hello", **kwargs) -> OutboxMessage:
    message = queue_mail(to, subject, kwargs.pop("body", "Hello Ann."), **kwargs)
    db.session.commit()
    return message


def send_outbox(runner):
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result


def stored_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_committed_message_arrives_with_its_subject_body_and_attachment(app, runner, smtp_server):
    app.config["MAIL_FROM"] = "Leeds Hub <hello@leeds.example>"
    calendar = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    queue_and_commit(
        "ann@example.org", "Your booking", body="See you on Monday.",
        attachments=[("booking.ics", "text/calendar", calendar)],
    )

    send_outbox(runner)

    [received] = smtp_server.messages
    assert received["To"] == "ann@example.org"
    assert received["From"] == "Leeds Hub <hello@leeds.example>"
    assert received["Subject"] == "Your booking"
    assert received.get_body(("plain",)).get_content().strip() == "See you on Monday."
    [attachment] = received.iter_attachments()
    assert attachment.get_filename() == "booking.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == calendar
    [message] = stored_messages()
    assert (message.status, message.attempts, message.last_error) == (SENT, 1, None)
    assert message.sent_at is not None


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(app, runner, smtp_server):
    create_user("ann@example.org", "Ann", PASSWORD)
    queue_mail("ann@example.org", "Welcome", "Welcome, Ann.")
    db.session.rollback()  # the change that caused the mail did not happen

    send_outbox(runner)

    assert smtp_server.messages == []
    assert stored_messages() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_with_the_server_down_the_message_waits_and_is_retried_later(app, runner, smtp_down):
    queue_and_commit()
    before = utcnow()

    result = send_outbox(runner)

    assert "Sent 0, failed 1." in result.stderr
    [message] = stored_messages()
    assert (message.status, message.attempts) == (PENDING, 1)
    assert "ConnectionRefusedError" in message.last_error
    assert before + timedelta(seconds=60) <= message.next_attempt_at <= utcnow() + timedelta(seconds=60)


def test_a_waiting_message_is_not_retried_before_its_time(app, runner, smtp_down):
    queue_and_commit()
    send_outbox(runner)

    result = send_outbox(runner)

    assert "Sent 0, failed 0." in result.stderr
    [message] = stored_messages()
    assert message.attempts == 1


@pytest.mark.parametrize(
    "attempts_before, delay_minutes", [(0, 1), (1, 2), (2, 4), (3, 8), (4, 16)]
)
def test_each_failure_doubles_the_wait(attempts_before, delay_minutes):
    now = utcnow()
    message = OutboxMessage(attempts=attempts_before, status=PENDING, next_attempt_at=now)

    record_failure(message, "SMTPServerDisconnected: gone", now, max_attempts=10)

    assert message.status == PENDING
    assert message.next_attempt_at == now + timedelta(minutes=delay_minutes)


def test_after_the_last_allowed_attempt_the_message_is_marked_failed(app, smtp_down):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    queue_and_commit()
    now = utcnow()

    for expected_attempts in (1, 2, 3):
        assert send_pending(now=now) == (0, 1)
        [message] = stored_messages()
        assert message.attempts == expected_attempts
        now = message.next_attempt_at

    assert message.status == FAILED
    assert send_pending(now=now + timedelta(days=30)) == (0, 0)
    assert stored_messages()[0].attempts == 3


def test_a_message_that_failed_once_is_sent_by_a_later_run(app, smtp_server):
    queue_and_commit(subject="Second time lucky")
    with smtp_unreachable(app):
        send_pending()
    retry_at = stored_messages()[0].next_attempt_at

    assert send_pending(now=retry_at) == (1, 0)

    assert [m["Subject"] for m in smtp_server.messages] == ["Second time lucky"]
    [message] = stored_messages()
    assert (message.status, message.attempts, message.last_error) == (SENT, 2, None)


def test_a_sent_message_is_not_sent_twice(app, runner, smtp_server):
    queue_and_commit()
    send_outbox(runner)

    result = send_outbox(runner)

    assert "Sent 0, failed 0." in result.stderr
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    "bad_message",
    [
        {"to": "refused@example.org"},  # the SMTP server refuses the recipient
        {"attachments": [("notes.txt", "not-a-mime-type", b"x")]},  # cannot even be built
    ],
    ids=["recipient refused", "broken attachment"],
)
def test_one_message_failing_does_not_stop_the_others(app, runner, smtp_server, bad_message):
    queue_and_commit(subject="Bad", **bad_message)
    queue_and_commit("bob@example.org", "Good")

    result = send_outbox(runner)

    assert "Sent 1, failed 1." in result.stderr
    assert [m["Subject"] for m in smtp_server.messages] == ["Good"]
    bad, good = stored_messages()
    assert (bad.status, bad.attempts) == (PENDING, 1)
    assert bad.last_error
    assert good.status == SENT


def test_without_a_mail_server_messages_are_logged_and_marked_sent(app, runner, caplog, monkeypatch):
    # Alembic's fileConfig (run by the session's migrations) disables loggers that existed.
    monkeypatch.setattr(logging.getLogger("coworking.mail"), "disabled", False)
    app.config["MAIL_SERVER"] = None
    caplog.set_level(logging.INFO, logger="coworking.mail")
    queue_and_commit("ann@example.org", "Reset your password", body="Use this link: /reset/abc")

    send_outbox(runner)

    logged = caplog.text
    assert "To: ann@example.org" in logged
    assert "Subject: Reset your password" in logged
    assert "/reset/abc" in logged
    [message] = stored_messages()
    assert message.status == SENT


def test_outbox_send_reports_progress_on_stderr_and_nothing_on_stdout(app, runner, smtp_server):
    for number in range(3):
        queue_and_commit(f"member{number}@example.org")

    result = send_outbox(runner)

    assert result.stdout == ""
    assert "Sending mail" in result.stderr
    assert "3/3" in result.stderr
    assert "Sent 3, failed 0." in result.stderr
    assert len(smtp_server.messages) == 3
