"""Durable retries inside a task: each attempt is a checkpointed step, each wait a durable sleep,
so a worker that dies during a backoff resumes the wait instead of starting over."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from dbos import DBOS

from jobtracker.config import TaskPolicy
from jobtracker.tasks.errors import TaskFailed, classify

P = ParamSpec("P")
R = TypeVar("R")


def backoff_delay(policy: TaskPolicy, attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter; a peer's Retry-After is a floor, capped by the max."""
    ceiling = min(
        policy.max_delay_seconds, policy.first_delay_seconds * policy.backoff ** (attempt - 1)
    )
    delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, policy.max_delay_seconds)


def attempt_step(
    policy: TaskPolicy, name: str, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run `fn` as a step until it succeeds, fails permanently, or runs out of attempts."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return DBOS.run_step({"name": f"{name}#{attempt}"}, fn, *args, **kwargs)
        except Exception as error:
            verdict = classify(error)
            if not verdict.transient or attempt == policy.attempts:
                raise TaskFailed(str(error), attempt, not verdict.transient) from error
            DBOS.sleep(backoff_delay(policy, attempt, verdict.retry_after))
    raise AssertionError("unreachable: the loop returns or raises")
