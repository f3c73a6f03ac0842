"""Background work for applications: marking the ones with no news as stale."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobtracker.applications import service
from jobtracker.kit.clock import utcnow
from jobtracker.tasks import runtime
from jobtracker.tasks.registry import schedule
from jobtracker.tasks.retry import attempt_step


@schedule("applications.mark_stale", cron="0 */10 * * * *")
def mark_stale(scheduled_at: datetime, context: Any) -> None:
    """Every ten minutes, in batches; each batch's marks and notifications commit together."""
    policy = runtime.policy("maintenance")  # a busy database is retried, with backoff
    while attempt_step(policy, "mark_batch", run_stale_check) == service.STALE_BATCH:
        pass


def run_stale_check(now: datetime | None = None) -> int:
    """One batch; returns how many applications it marked."""
    with runtime.session_scope() as session:
        return service.mark_stale(session, now=now or utcnow())
