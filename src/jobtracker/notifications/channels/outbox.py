"""The outbox: each message written as an `.eml` file in a folder (the embedded default)."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from jobtracker.notifications.channels.base import IDEMPOTENCY_HEADER, EmailChannel

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class OutboxEntry:
    file_name: str
    to: str
    subject: str
    date: datetime | None


class OutboxChannel(EmailChannel):
    """Writes each message atomically (a temporary file, then a rename) as
    `<date>-<idempotency key>.eml`: sending the same message again replaces its file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(message.as_bytes(policy=policy.SMTP))
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(self.folder / file_name(message))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def entries(self, *, offset: int, limit: int) -> tuple[list[OutboxEntry], int]:
        """Newest first (names start with the date); reads the headers of one page only."""
        names = sorted((path.name for path in self.folder.glob("*.eml")), reverse=True)
        return [self._entry(name) for name in names[offset : offset + limit]], len(names)

    def _entry(self, name: str) -> OutboxEntry:
        with (self.folder / name).open("rb") as handle:
            headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
        return OutboxEntry(name, str(headers["To"] or ""), str(headers["Subject"] or ""),
                           _date(headers["Date"]))  # fmt: skip


def file_name(message: EmailMessage) -> str:
    """The message's own date and key, never the time of writing, so a re-run keeps the name."""
    date = _date(message["Date"]) or datetime.fromtimestamp(0, UTC)
    key = _UNSAFE.sub("-", str(message[IDEMPOTENCY_HEADER] or message["Message-ID"] or ""))
    return f"{date.astimezone(UTC):%Y%m%dT%H%M%SZ}-{key.strip('-') or 'message'}.eml"


def _date(value: object) -> datetime | None:
    try:
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None
