"""The contract of an email channel, and the message every channel receives."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

# The delivery's idempotency key, "<notification id>:email", carried on the message itself.
IDEMPOTENCY_HEADER = "X-Jobtracker-Delivery"


class EmailChannel(ABC):
    """Sends email. One instance may send many messages; adapters live beside this file.

    Contract of `send(message: EmailMessage) -> None`:

    - `message` is complete (`build_message`): From, To, Subject, Date, Message-ID, the
      `X-Jobtracker-Delivery` idempotency key, and a text and an HTML part.
    - It returns once the message is accepted (by the relay, or safely on disk) and raises
      otherwise; it never swallows a failure. The task layer classifies what it raises
      (`tasks.errors.classify`): raise `PermanentError` with the server's reason ("550 5.1.1
      user unknown") when no retry can help, `TransientError` when a later attempt may succeed
      (SMTP 4xx); connection errors and timeouts may propagate as they are (transient).
    - Sending the same message again must not make a second copy where the channel can prevent
      it (the outbox overwrites its file). The task never sends a delivery already marked sent.
    - Every network call has a timeout.
    """

    @abstractmethod
    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise."""


@dataclass(frozen=True)
class Letter:
    """What to send, in plain values (a task checkpoints it between steps)."""

    to: str
    subject: str
    text: str
    html: str
    date: datetime
    idempotency_key: str


def build_message(letter: Letter, *, sender: str) -> EmailMessage:
    """A multipart text and HTML message; the same letter always makes the same Message-ID."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = letter.to
    # A line break in a header would be refused (or worse, start a new header).
    message["Subject"] = " ".join(letter.subject.split())
    message["Date"] = format_datetime(letter.date)
    message["Message-ID"] = f"<{letter.idempotency_key.replace(':', '.')}@{domain}>"
    message[IDEMPOTENCY_HEADER] = letter.idempotency_key
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    return message
