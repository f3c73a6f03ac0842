"""The engine's own tasks: the reaper, retention, and a probe to check that workers run work."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from dbos import DBOS

from jobtracker.kit.clock import utcnow
from jobtracker.tasks import runtime
from jobtracker.tasks.registry import schedule, task
from jobtracker.tasks.repository import ExecutorRepository, ProbeRepository

FINISHED = ["SUCCESS"]  # failed and timed-out tasks are dead letters, kept until deleted
RETENTION_BATCH = 500


@schedule("tasks.reaper", cron="*/10 * * * * *")
def reap_dead_executors(scheduled_at: datetime, context: Any) -> None:
    """Hand back the unfinished tasks of executors that stopped heartbeating."""
    stale = DBOS.run_step({"name": "find_stale"}, _stale_executors)
    for executor_id in stale:
        DBOS.run_step({"name": f"resume:{executor_id}"}, _hand_back, executor_id)


def _stale_executors() -> list[str]:
    cutoff = utcnow() - timedelta(seconds=runtime.current().settings.executor_stale_seconds)
    with runtime.session_scope() as session:
        return ExecutorRepository(session).stale(cutoff)


def _hand_back(executor_id: str) -> int:
    # DBOS's own recovery (as at start-up): each task goes back to its own queue with its time
    # limit, and only while its row still names the dead executor, so a task that a worker has
    # picked up again is never started twice. `resume_workflow` would move it to DBOS's internal
    # queue (no limits, any worker), drop its time limit, and re-enqueue it even while it runs.
    if executor_id not in _stale_executors():  # it restarted since the reaper looked
        return 0
    recovered = DBOS._recover_pending_workflows([executor_id])
    with runtime.session_scope() as session:
        ExecutorRepository(session).forget(executor_id)
    return len(recovered)


@schedule("tasks.retention", cron="0 17 3 * * *")
def delete_old_task_records(scheduled_at: datetime, context: Any) -> None:
    """Delete finished task records past the retention; failed ones (dead letters) stay."""
    while DBOS.run_step({"name": "delete_batch"}, _delete_finished_batch) == RETENTION_BATCH:
        pass


def _delete_finished_batch() -> int:
    settings = runtime.current().settings
    cutoff = utcnow() - timedelta(days=settings.task_retention_days)
    client = runtime.current().client
    old = client.list_workflows(
        status=FINISHED,
        end_time=cutoff.isoformat(),
        limit=RETENTION_BATCH,
        load_input=False,
        load_output=False,
    )
    if old:
        client.delete_workflows([workflow.workflow_id for workflow in old])
    return len(old)


@task("ops.probe", queue="interactive", kind="maintenance")
def probe(probe_id: str, seconds: float) -> str:
    """Record a start, work for `seconds`, record the end. Started may count twice if a worker
    dies mid-way; completed counts once, because the end is one checkpointed step."""
    DBOS.run_step({"name": "start"}, _probe_started, probe_id)
    DBOS.run_step({"name": "work"}, time.sleep, seconds)
    DBOS.run_step({"name": "complete"}, _probe_completed, probe_id)
    return probe_id


def _probe_started(probe_id: str) -> None:
    with runtime.session_scope() as session:
        ProbeRepository(session).started(probe_id, DBOS.executor_id or "?")


def _probe_completed(probe_id: str) -> None:
    with runtime.session_scope() as session:
        ProbeRepository(session).completed(probe_id)
