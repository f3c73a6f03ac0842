"""A real SMTP server on 127.0.0.1 that tests can stop and start, and helpers for notifications."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from jobtracker.config import SmtpServer, parse_smtp_url
from jobtracker.users import service as users

REJECTED = "rejected@example.com"
BUSY = "busy@example.com"


class Mailbox:
    """The server's handler: keeps what it accepts; refuses REJECTED for good, BUSY for now."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == REJECTED:
            return "550 5.1.1 user unknown"
        if address == BUSY:
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


class SmtpTestServer:
    """aiosmtpd on a fixed free port, so that it can stop (an outage) and start again."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def server(self) -> SmtpServer:
        return parse_smtp_url(self.url)

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


def make_user(session: Session, email: str | None = None) -> users.User:
    """An account that only needs to exist (no password to log in with)."""
    email = email or f"reader-{uuid.uuid4().hex[:8]}@example.com"
    return users.create_user(session, email=email, full_name="Nora Reader", password_hash="-")
