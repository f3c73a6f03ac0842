"""Background work for interviews: sending the reminders that fall due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dbos import DBOS

from jobtracker.interviews import service
from jobtracker.kit.clock import utcnow
from jobtracker.tasks import runtime
from jobtracker.tasks.registry import schedule

BATCH = 100


@schedule("interviews.send_reminders", cron="*/30 * * * * *")
def send_reminders(scheduled_at: datetime, context: Any) -> None:
    """Send every reminder that is due, a batch per step. Safe to overlap or run twice: each
    batch claims its reminders with a conditional UPDATE, so a reminder is sent once."""
    while DBOS.run_step({"name": "send_batch"}, send_reminder_batch) == BATCH:
        pass


def send_reminder_batch(now: datetime | None = None, limit: int = BATCH) -> int:
    """One transaction: claim up to `limit` reminders due at `now` and notify for each (the
    emails are enqueued in it too). Returns how many were claimed."""
    with runtime.session_scope() as session:
        return service.send_due_reminders(session, now=now or utcnow(), limit=limit)
