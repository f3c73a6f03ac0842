"""Dead letters (failed tasks: inspect, requeue, delete), queue figures and the worker probe.

Dead letters are DBOS's own records of failed workflows (status ERROR), read through its client:
the inputs, error and times are kept there; a requeue is a DBOS fork from the first step, whose
record points back (`forked_from`), so "requeued, and how it ended" needs no table of ours.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobtracker.kit.clock import utcnow
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import NotFound
from jobtracker.tasks import runtime
from jobtracker.tasks.enqueue import enqueue
from jobtracker.tasks.errors import TaskFailed
from jobtracker.tasks.queues import QUEUES, Priority
from jobtracker.tasks.repository import (
    DEAD_STATUSES,
    ExecutorRepository,
    ProbeRepository,
    QueueCounts,
    WorkflowFigures,
)
from jobtracker.tasks.schemas import (
    DeadLetter,
    ExecutorRead,
    ProbeRead,
    QueueFigures,
    QueuesOverview,
    Requeue,
)
from jobtracker.tasks.tasks import probe


def list_dead_letters(
    *,
    page: Pagination,
    task: str | None = None,
    queue: str | None = None,
    since: datetime | None = None,
) -> tuple[list[DeadLetter], int]:
    """Failed tasks, newest first, with what became of their requeues."""
    client = runtime.current().client
    found = client.list_workflows(
        status=DEAD_STATUSES, name=task, queue_name=queue,
        start_time=since.isoformat() if since else None,
        limit=page.limit, offset=page.offset, sort_desc=True,
    )  # fmt: skip
    total = len(
        client.list_workflows(
            status=DEAD_STATUSES, name=task, queue_name=queue,
            start_time=since.isoformat() if since else None, load_input=False, load_output=False,
        )
    )  # fmt: skip
    requeues = _requeues_of([workflow.workflow_id for workflow in found])
    return [_dead_letter(w, requeues.get(w.workflow_id, [])) for w in found], total


def get_dead_letter(*, task_id: str) -> DeadLetter:
    workflow = _dead_workflow(task_id)
    return _dead_letter(workflow, _requeues_of([task_id]).get(task_id, []))


def requeue(*, task_ids: list[str]) -> list[Requeue]:
    """Run each dead letter again from its start with the same inputs; all ids must be known."""
    workflows = [_dead_workflow(task_id) for task_id in dict.fromkeys(task_ids)]
    client = runtime.current().client
    started = []
    for workflow in workflows:
        handle = client.fork_workflow(workflow.workflow_id, 1, queue_name=workflow.queue_name)
        started.append(Requeue(task_id=handle.workflow_id, requeued_at=utcnow(), status="ENQUEUED"))
    return started


def delete_dead_letter(*, task_id: str) -> None:
    _dead_workflow(task_id)
    runtime.current().client.delete_workflows([task_id])


def queues_overview(session: Session) -> QueuesOverview:
    counts = _figures(session).per_queue(list(QUEUES))
    cutoff = utcnow() - timedelta(seconds=runtime.current().settings.executor_stale_seconds)
    executors = ExecutorRepository(session).live(since=cutoff)
    return QueuesOverview(
        queues=[_queue_figures(count) for count in counts],
        executors=[ExecutorRead.model_validate(executor) for executor in executors],
    )


def queues_snapshot() -> dict[str, Any]:
    """The overview as an event, read on a lock-free connection of its own (for streams)."""
    engine = runtime.current().engine
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        Session(bind=connection) as session,
    ):
        return {"type": "queues", **queues_overview(session).model_dump(mode="json")}


def _queue_figures(counts: QueueCounts) -> QueueFigures:
    spec = QUEUES.get(counts.queue)
    return QueueFigures(description=spec.description if spec else "", **asdict(counts))


def start_probe(session: Session, *, seconds: float) -> ProbeRead:
    """Enqueue a probe task (in this transaction) that any worker will run."""
    probe_id = uuid.uuid4().hex
    ProbeRepository(session).create(probe_id)
    task_id = enqueue(session, probe, probe_id, seconds, priority=Priority.USER)
    return get_probe(session, probe_id=probe_id).model_copy(update={"task_id": task_id})


def get_probe(session: Session, *, probe_id: str) -> ProbeRead:
    run = ProbeRepository(session).get(probe_id)
    if run is None:
        raise NotFound("No such probe.")
    return ProbeRead.model_validate(run)


def _figures(session: Session) -> WorkflowFigures:
    settings = runtime.current().settings
    return WorkflowFigures(session, None if settings.is_sqlite else settings.tasks_schema)


def _dead_workflow(task_id: str) -> Any:
    found = runtime.current().client.list_workflows(workflow_ids=[task_id])
    if not found or found[0].status not in DEAD_STATUSES:
        raise NotFound(f"No dead letter with id {task_id}.")
    return found[0]


def _requeues_of(task_ids: list[str]) -> dict[str, list[Requeue]]:
    if not task_ids:
        return {}
    forks = runtime.current().client.list_workflows(
        forked_from=task_ids, load_input=False, load_output=False
    )
    grouped: dict[str, list[Requeue]] = {}
    for fork in forks:
        entry = Requeue(task_id=fork.workflow_id, requeued_at=_time(fork.created_at),
                        status=fork.status)  # fmt: skip
        grouped.setdefault(str(fork.forked_from), []).append(entry)
    return grouped


def _dead_letter(workflow: Any, requeues: list[Requeue]) -> DeadLetter:
    error = workflow.error
    return DeadLetter(
        id=workflow.workflow_id,
        task=workflow.name,
        queue=workflow.queue_name,
        inputs=list((workflow.input or {}).get("args", ())),
        error=_error_text(workflow),
        attempts=error.attempts if isinstance(error, TaskFailed) else 1,
        created_at=_time(workflow.created_at),
        failed_at=_time(workflow.updated_at),
        requeues=requeues,
    )


def _error_text(workflow: Any) -> str:
    if workflow.error is not None:
        return str(workflow.error)
    if workflow.status == "CANCELLED":
        limit = (workflow.workflow_timeout_ms or 0) / 1000
        return f"Stopped at its time limit ({limit:g} s)."
    return str(workflow.status)


def _time(epoch_ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC) if epoch_ms else None
