"""Email channels: the outbox folder (embedded default) or an SMTP relay, chosen by settings."""

from __future__ import annotations

from jobtracker.config import Settings
from jobtracker.notifications.channels.base import EmailChannel
from jobtracker.notifications.channels.outbox import OutboxChannel
from jobtracker.notifications.channels.smtp import SmtpChannel


def email_channel(settings: Settings) -> EmailChannel:
    """SMTP when JOBTRACKER_SMTP_URL is set, else the outbox."""
    if settings.smtp_url is not None:
        return SmtpChannel(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
    return OutboxChannel(settings.outbox_dir)
