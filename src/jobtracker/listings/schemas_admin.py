"""API shapes of the catalogue's operations: sources and import runs (admin only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from croniter import croniter  # type: ignore[import-untyped]
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from jobtracker.kit.schemas import Schema
from jobtracker.listings.models import RunStatus, Trigger

__all__ = ["ImportRunRead", "ImportStarted", "RunStatus", "SourceCreate", "SourcePatch",
           "SourceRead", "Trigger"]  # fmt: skip


def _valid_cron(expression: str) -> str:
    if not croniter.is_valid(expression):
        raise ValueError("not a cron expression (five fields: minute hour day month weekday)")
    return expression


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Kind = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Cron = Annotated[str, StringConstraints(max_length=100), AfterValidator(_valid_cron)]
EveryMinutes = Annotated[int, Field(ge=5, le=7 * 24 * 60)]


class SourceCreate(Schema):
    kind: Kind = Field(description="greenhouse, lever, ashby, rss, jobicy, remotive, ...")
    name: Name = Field(description="Unique; also the company of boards that name none")
    config: dict[str, Any] = Field(default={}, description="`url` or `board`, and `base_url`")
    every_minutes: EveryMinutes | None = Field(None, description="Import every N minutes")
    cron: Cron | None = Field(None, description="Or on a cron schedule, e.g. `0 */6 * * *`")
    enabled: bool = True
    priority: Annotated[int, Field(ge=0, le=9)] = Field(0, description="Higher runs first")

    @model_validator(mode="after")
    def _one_schedule(self) -> SourceCreate:
        if self.every_minutes is not None and self.cron is not None:
            raise ValueError("give every_minutes or cron, not both")
        return self


class SourcePatch(Schema):
    name: Name | None = None
    config: dict[str, Any] | None = None
    every_minutes: EveryMinutes | None = None
    cron: Cron | None = None
    enabled: bool | None = None
    priority: Annotated[int, Field(ge=0, le=9)] | None = None


class SourceRead(Schema):
    id: uuid.UUID
    kind: str
    name: str
    config: dict[str, Any]
    every_minutes: int | None
    cron: str | None
    enabled: bool
    priority: int
    last_run_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ImportRunRead(Schema):
    id: uuid.UUID
    source_id: uuid.UUID
    trigger: Trigger
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    complete: bool
    fetched: int
    new: int
    updated: int
    unchanged: int
    removed: int
    failed: int
    item_errors: list[dict[str, Any]] = Field(description="The first 100 items that failed")
    error: str | None


class ImportStarted(Schema):
    run_id: uuid.UUID
    status: RunStatus
