"""Starting and stopping DBOS in a process that runs tasks (`serve` and `worker`).

Processes that only enqueue (`api`) never launch DBOS: they use the client in `runtime`.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from dbos import DBOS
from sqlalchemy import Engine

from jobtracker.config import Settings
from jobtracker.tasks import runtime
from jobtracker.tasks.queues import QUEUES
from jobtracker.tasks.registry import SCHEDULES
from jobtracker.tasks.repository import ExecutorRepository

logger = logging.getLogger("jobtracker.tasks")
APP_NAME = "jobtracker"
HEARTBEAT_SECONDS = 5.0


def migrate_task_tables(settings: Settings) -> None:
    """Create or upgrade DBOS's tables beside ours (part of `jobtracker migrate`)."""
    DBOS.migrate(settings.tasks_database_url, schema=settings.tasks_schema)


def default_executor_id(slot: int | str = 0) -> str:
    """Stable across restarts of the same worker, so DBOS recovers its own unfinished tasks."""
    return f"{socket.gethostname()}-{slot}"


def freeze_the_program() -> None:
    """The program's own objects (modules, classes, functions: some 200,000) never become
    garbage; frozen, they are no longer walked by every full collection, which bulk work
    triggers every few thousand rows it allocates (an import run spent a tenth of its time so:
    benchmarks/README.md)."""
    gc.collect()
    gc.freeze()


@dataclass
class Worker:
    """This process's DBOS executor and its heartbeat."""

    executor_id: str
    queues: list[str]
    # Off in the test suite's in-process worker: a schedule firing in the middle of a test
    # would write where the test is looking; tests call the scheduled functions themselves.
    schedules: bool = True
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _beat_seconds: float = HEARTBEAT_SECONDS

    def start(self, settings: Settings, engine: Engine, threads: int | None = None) -> None:
        runtime.configure(settings, engine)
        # Several beats per stale period: a live worker must never look dead to the reaper,
        # which would hand its running tasks to another worker (run twice).
        self._beat_seconds = min(HEARTBEAT_SECONDS, settings.executor_stale_seconds / 3)
        # Alive before launching: launch recovers this executor's unfinished tasks, and a reaper
        # that still saw the previous life's old heartbeat would hand them back a second time.
        self._beat()
        config = {
            "name": APP_NAME,
            "system_database_url": settings.tasks_database_url,
            "dbos_system_schema": settings.tasks_schema,
            "executor_id": self.executor_id,
            "log_level": "WARNING",
            "scheduler_polling_interval_sec": 5.0,
            "notification_listener_polling_interval_sec": 0.1,
        }
        if threads:
            config["max_executor_threads"] = threads
        DBOS(config=config)  # type: ignore[arg-type]
        freeze_the_program()
        if set(self.queues) != set(QUEUES):
            DBOS.listen_queues(self.queues)
        DBOS.launch()
        self._register_queues(settings)
        if self.schedules:
            self._apply_schedules()
        self._thread = threading.Thread(
            target=self._heartbeats, name="jobtracker-heartbeat", daemon=True
        )
        self._thread.start()
        logger.info("worker %s started on queues %s", self.executor_id, ",".join(self.queues))

    def _apply_schedules(self) -> None:
        DBOS.apply_schedules(
            [
                {
                    "schedule_name": s.name,
                    "workflow_fn": s.workflow,
                    "schedule": s.cron,
                    "queue_name": s.queue,
                }
                for s in SCHEDULES.values()
            ]
        )

    def _register_queues(self, settings: Settings) -> None:
        for spec in QUEUES.values():
            per_worker = spec.worker_concurrency or settings.queue_concurrency
            if spec.global_concurrency:
                per_worker = min(per_worker, spec.global_concurrency)
            DBOS.register_queue(
                spec.name,
                worker_concurrency=per_worker,
                global_concurrency=spec.global_concurrency,
                polling_interval_sec=settings.task_polling_seconds,
                on_conflict="always_update",
            )

    def _heartbeats(self) -> None:
        while not self._stop.wait(self._beat_seconds):
            try:
                self._beat()
            except Exception:  # a database hiccup must not kill the heartbeat thread
                logger.exception("heartbeat failed")

    def _beat(self) -> None:
        with runtime.session_scope() as session:
            ExecutorRepository(session).heartbeat(
                self.executor_id,
                hostname=socket.gethostname(),
                pid=os.getpid(),
                queues=",".join(self.queues),
            )

    def stop(self, grace_seconds: int = 30) -> None:
        """Finish running tasks for up to `grace_seconds`; what is left is handed back at once."""
        self._stop.set()
        DBOS.destroy(workflow_completion_timeout_sec=grace_seconds)
        with runtime.session_scope() as session:
            ExecutorRepository(session).mark_gone(self.executor_id)
        logger.info("worker %s stopped", self.executor_id)
