"""Queue figures on /metrics, read from the database at each scrape (so any API process reports
the whole fleet, not only its own work)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from jobtracker.tasks import runtime
from jobtracker.tasks.queues import QUEUES
from jobtracker.tasks.repository import QueueCounts, WorkflowFigures

logger = logging.getLogger("jobtracker.tasks")

GAUGES = {
    "waiting": "Tasks waiting in the queue.",
    "running": "Tasks running now.",
    "failed_last_minute": "Tasks that failed in the last minute.",
    "completed_last_minute": "Tasks that completed in the last minute.",
    "oldest_waiting_seconds": "Age of the oldest waiting task.",
}


class QueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = _read_counts()
        for field, help_text in GAUGES.items():
            family = GaugeMetricFamily(f"jobtracker_queue_{field}", help_text, labels=["queue"])
            for count in counts:
                family.add_metric([count.queue], float(getattr(count, field)))
            yield family


def _read_counts() -> list[QueueCounts]:
    try:
        current = runtime.current()
        schema = None if current.settings.is_sqlite else current.settings.tasks_schema
        # Autocommit: a read that takes no lock, so a scrape never queues behind writers.
        with (
            current.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
            Session(bind=connection) as session,
        ):
            return WorkflowFigures(session, schema).per_queue(list(QUEUES))
    except Exception:  # a scrape must still answer with the HTTP figures
        logger.exception("could not read queue figures")
        return []


_registered = False


def register_queue_metrics() -> None:
    """Once per process, however many apps are created (tests create many)."""
    global _registered  # noqa: PLW0603
    if not _registered:
        REGISTRY.register(QueueCollector())
        _registered = True
