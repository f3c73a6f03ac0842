"""SMTP: each message through the relay of JOBTRACKER_SMTP_URL (scale-out)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from jobtracker.config import SmtpServer
from jobtracker.notifications.channels.base import EmailChannel
from jobtracker.tasks.errors import PermanentError, TransientError


class SmtpChannel(EmailChannel):
    """One connection per message: notifications are few, and a fresh connection cannot be a
    stale one. TLS certificates are verified."""

    def __init__(self, server: SmtpServer, *, timeout: float) -> None:
        self.server = server
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.server.username:
                    client.login(self.server.username, self.server.password.get_secret_value())
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise _rejection(code, reason) from error
        except smtplib.SMTPResponseException as error:
            raise _rejection(error.smtp_code, error.smtp_error) from error

    def _connect(self) -> smtplib.SMTP:
        server, context = self.server, ssl.create_default_context()
        if server.security == "tls":
            return smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        if server.security == "starttls":
            try:
                client.starttls(context=context)
            except BaseException:
                client.close()
                raise
        return client


def _rejection(code: int, reason: bytes | str) -> Exception:
    """The server's reply as the error ("550 5.1.1 user unknown"): only a 5xx is final."""
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else reason
    message = f"{code} {' '.join(text.split())}"
    return PermanentError(message) if 500 <= code < 600 else TransientError(message)
