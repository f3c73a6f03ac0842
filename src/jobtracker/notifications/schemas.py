"""API shapes for notifications, preferences and the outbox; the kinds other domains notify of."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

from jobtracker.kit.schemas import Page, Schema


@dataclass(frozen=True)
class KindInfo:
    label: str
    email: bool = True
    in_app: bool = True


class NotificationKind(StrEnum):
    """What a notification is about; a user turns email and in-app on or off per kind."""

    INTERVIEW_REMINDER = "interview_reminder"
    APPLICATION_STALE = "application_stale"
    ALERT_MATCH = "alert_match"
    ANALYSIS_READY = "analysis_ready"
    SYSTEM = "system"

    @property
    def info(self) -> KindInfo:
        return KINDS[self]


KINDS = {
    NotificationKind.INTERVIEW_REMINDER: KindInfo("Interview reminders"),
    NotificationKind.APPLICATION_STALE: KindInfo("Applications with no news for a while"),
    NotificationKind.ALERT_MATCH: KindInfo("New listings matching an alert"),
    NotificationKind.ANALYSIS_READY: KindInfo("Resume analysis ready"),
    NotificationKind.SYSTEM: KindInfo("Account and service messages"),
}


class NotificationRead(Schema):
    id: uuid.UUID
    kind: NotificationKind
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Page[NotificationRead]):
    unread_count: int


class ReadAllResult(Schema):
    marked_read: int


class PreferenceRead(Schema):
    kind: NotificationKind
    label: str
    email: bool
    in_app: bool


class PreferenceUpdate(Schema):
    kind: NotificationKind
    email: bool
    in_app: bool


def _one_per_kind(preferences: list[PreferenceUpdate]) -> list[PreferenceUpdate]:
    kinds = [preference.kind for preference in preferences]
    if len(set(kinds)) != len(kinds):
        raise ValueError("each kind at most once")
    return preferences


PreferenceList = Annotated[list[PreferenceUpdate], AfterValidator(_one_per_kind)]


class OutboxMessage(Schema):
    file_name: str
    to: str
    subject: str
    date: datetime | None
