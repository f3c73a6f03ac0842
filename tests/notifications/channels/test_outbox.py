"""The outbox channel: one `.eml` file per message, written atomically, listed newest first."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

from jobtracker.config import Settings
from jobtracker.kit.clock import utcnow
from jobtracker.notifications.channels import email_channel
from jobtracker.notifications.channels.base import Letter, build_message
from jobtracker.notifications.channels.outbox import OutboxChannel

SENDER = "Jobtracker <jobtracker@example.com>"


def letter(subject: str = "Interview tomorrow", minutes_ago: int = 0) -> Letter:
    return Letter(
        to="nora@example.com", subject=subject, text="See you at 10.",
        html="<p>See you at 10.</p>", date=utcnow() - timedelta(minutes=minutes_ago),
        idempotency_key=f"{uuid.uuid4()}:email",
    )  # fmt: skip


class TestOutboxChannel:
    def test_each_message_is_one_eml_file_named_by_date_and_key(self, tmp_path: Path) -> None:
        sent = letter()
        OutboxChannel(tmp_path).send(build_message(sent, sender=SENDER))
        [path] = tmp_path.iterdir()
        assert path.name.endswith(f"-{sent.idempotency_key.replace(':', '-')}.eml")
        assert path.name.startswith(f"{sent.date:%Y%m%dT%H%M%S}Z-")
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert message["Subject"] == "Interview tomorrow"
        assert message.get_content_type() == "multipart/alternative"

    def test_sending_the_same_message_again_replaces_its_file(self, tmp_path: Path) -> None:
        sent = letter()
        channel = OutboxChannel(tmp_path)
        channel.send(build_message(sent, sender=SENDER))
        channel.send(build_message(sent, sender=SENDER))
        assert len(list(tmp_path.iterdir())) == 1

    def test_entries_are_newest_first_with_recipient_subject_and_date(self, tmp_path: Path) -> None:
        channel = OutboxChannel(tmp_path)
        for subject, minutes_ago in (("Older", 5), ("Newest", 0), ("Oldest", 10)):
            channel.send(build_message(letter(subject, minutes_ago), sender=SENDER))
        entries, total = channel.entries(offset=0, limit=2)
        assert total == 3
        assert [entry.subject for entry in entries] == ["Newest", "Older"]
        assert entries[0].to == "nora@example.com"
        assert entries[0].date is not None
        assert channel.entries(offset=2, limit=2)[0][0].subject == "Oldest"

    def test_missing_folder_lists_nothing(self, tmp_path: Path) -> None:
        assert OutboxChannel(tmp_path / "never-written").entries(offset=0, limit=20) == ([], 0)

    def test_outbox_is_the_channel_without_an_smtp_url(self, settings: Settings) -> None:
        channel = email_channel(settings)
        assert isinstance(channel, OutboxChannel)
        assert channel.folder == settings.outbox_dir
