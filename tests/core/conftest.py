"""A real SMTP server on a free local port, and a port where nobody listens."""
from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    """Points the app at a running SMTP server; yields its mailbox."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield mailbox
    finally:
        controller.stop()


@contextmanager
def smtp_unreachable(app):
    """Points the app at a port that is bound but not listening, so connecting is refused;
    puts the previous mail settings back afterwards."""
    previous = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=bound.getsockname()[1])
        try:
            yield
        finally:
            app.config.update(previous)


@pytest.fixture
def smtp_down(app):
    with smtp_unreachable(app):
        yield
