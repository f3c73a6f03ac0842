"""Rules for interviews: times in the owner's time zone, reminders that follow the interview and
the owner's offsets, the calendar feed. Never commits.

Other domains use `create_interview`, `list_for_application` and `export_rows`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vDuration
from sqlalchemy import Select
from sqlalchemy.orm import Session

from jobtracker.applications import service as applications
from jobtracker.config import Settings
from jobtracker.interviews.models import Interview, InterviewReminder, InterviewType
from jobtracker.interviews.repository import InterviewRepository, ReminderRepository
from jobtracker.interviews.schemas import (
    InterviewCreate,
    InterviewExport,
    InterviewFilters,
    InterviewPatch,
    InterviewRead,
    InterviewUpdate,
)
from jobtracker.kit.clock import utcnow
from jobtracker.kit.events import subscribe
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput, NotFound
from jobtracker.notifications import service as notifications
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.users import service as users
from jobtracker.users.schemas import SettingsChanged
from jobtracker.users.service import User

CALENDAR_DAYS_BACK = 90
CALENDAR_NAME = "Jobtracker interviews"
CALENDAR_REFRESH = timedelta(hours=1)
# Columns that always hold a value: sending null for one is an error, not "clear it".
REQUIRED = ("company", "position", "starts_at", "duration_minutes", "type")
LENT = ("company", "position")  # by the linked application, when not given


def create_interview(session: Session, *, owner: User, data: InterviewCreate) -> InterviewRead:
    """A new interview of the owner, with a reminder at each of the owner's offsets that is
    still ahead. With `application_id` (the owner's), company and position default to its own."""
    values = _checked(session, owner, data.model_dump(), defaults=True)
    values["ends_at"] = _end(values["starts_at"], values["duration_minutes"])
    interview = InterviewRepository(session).add(Interview(owner_id=owner.id, **values))
    _sync_reminders(interview, owner.reminder_offsets_minutes, now=utcnow())
    session.flush()
    return _read(interview, owner.time_zone)


def get_interview(session: Session, *, owner: User, interview_id: uuid.UUID) -> InterviewRead:
    """One of the owner's interviews; any other id (another's, deleted, unknown) is NotFound."""
    return _read(_owned(session, owner, interview_id), owner.time_zone)


def update_interview(
    session: Session,
    *,
    owner: User,
    interview_id: uuid.UUID,
    data: InterviewUpdate | InterviewPatch,
) -> InterviewRead:
    """Apply a PUT (every field, defaulted as on create) or a PATCH (the fields sent). Moving
    the interview moves its unsent reminders; the ones already sent stay sent."""
    interview = _owned(session, owner, interview_id)
    patch = isinstance(data, InterviewPatch)
    values = _checked(session, owner, data.model_dump(exclude_unset=patch), defaults=not patch)
    values["ends_at"] = _end(
        values.get("starts_at", interview.starts_at),
        values.get("duration_minutes", interview.duration_minutes),
    )
    InterviewRepository(session).update(interview, values)
    _sync_reminders(interview, owner.reminder_offsets_minutes, now=utcnow())
    session.flush()
    return _read(interview, owner.time_zone)


def delete_interview(session: Session, *, owner: User, interview_id: uuid.UUID) -> None:
    """Delete the interview for good; its reminders go with it, sent or not."""
    InterviewRepository(session).delete(_owned(session, owner, interview_id))


def list_interviews(
    session: Session, *, owner: User, filters: InterviewFilters, page: Pagination
) -> tuple[list[InterviewRead], int]:
    """The owner's interviews by start. `from` and `to` are whole days in the owner's time zone;
    `upcoming` keeps the ones that have not ended yet."""
    repository = InterviewRepository(session)
    rows, total = repository.page(_search(repository, owner, filters), page)
    return [_read(row, owner.time_zone) for row in rows], total


def list_for_application(
    session: Session, *, owner: User, application_id: uuid.UUID
) -> list[InterviewRead]:
    """The owner's interviews linked to one application, by start (another's: none)."""
    repository = InterviewRepository(session)
    rows = repository.listed(repository.search(owner.id, application_id=application_id))
    return [_read(row, owner.time_zone) for row in rows]


def export_rows(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every interview of the owner with its reminders, as JSON-ready dicts (times in UTC)."""
    repository = InterviewRepository(session)
    rows = repository.listed(repository.search(owner_id))
    return [InterviewExport.model_validate(row).model_dump(mode="json") for row in rows]


def application_choices(session: Session, *, owner: User) -> list[tuple[uuid.UUID, str]]:
    """The owner's applications, for the form's picker."""
    return applications.choices(session, owner_id=owner.id)


def draft_for_application(
    session: Session, *, owner: User, application_id: uuid.UUID
) -> dict[str, Any]:
    """A new interview's form values from one of the owner's applications (else NotFound)."""
    application = applications.get_application(
        session, owner_id=owner.id, application_id=application_id
    )
    return {
        "application_id": str(application.id),
        "company": application.company,
        "position": application.position,
    }


def calendar_feed(session: Session, settings: Settings, *, token: str) -> bytes:
    """The iCalendar (RFC 5545) feed of the token's owner: interviews from 90 days back on,
    each with an alarm per reminder offset. An unknown or rotated token is NotFound."""
    owner = users.user_for_calendar_token(session, settings, token=token)
    if owner is None:
        raise NotFound("No such calendar; its address may have been renewed.")
    repository = InterviewRepository(session)
    since = utcnow() - timedelta(days=CALENDAR_DAYS_BACK)
    interviews = repository.listed(repository.search(owner.id, starts_from=since))
    calendar = Calendar.new(
        prodid="-//Jobtracker//Interviews//EN", name=CALENDAR_NAME, method="PUBLISH",
        uid=f"interviews-{owner.id}@jobtracker",
        subcomponents=[_event(settings, row, owner.reminder_offsets_minutes) for row in interviews],
    )  # fmt: skip
    # How often subscribers should fetch again: RFC 7986, and the older name Google reads.
    calendar.add("refresh-interval", CALENDAR_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(CALENDAR_REFRESH))
    ical: bytes = calendar.to_ical()
    return ical


def _event(settings: Settings, interview: Interview, offsets: Sequence[int]) -> Event:
    description = [f"Type: {_type_label(interview)}"]
    if interview.details:
        description.append(interview.details)
    event = Event.new(
        uid=f"{interview.id}@jobtracker", stamp=utcnow(), start=interview.starts_at,
        end=interview.ends_at, summary=f"Interview: {interview.position} at {interview.company}",
        location=interview.location or None, description="\n\n".join(description),
        url=f"{settings.base_url.rstrip('/')}/interviews/{interview.id}",
        last_modified=interview.updated_at,
    )  # fmt: skip
    for offset in offsets:
        alarm = Alarm.new(description=_reminder_title(interview, offset))
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -timedelta(minutes=offset))
        event.add_component(alarm)
    return event


def _type_label(interview: Interview) -> str:
    return InterviewType(interview.type).label


# Reminders


def send_due_reminders(session: Session, *, now: datetime, limit: int) -> int:
    """Claim up to `limit` reminders due at `now` and notify their owners (in-app and email, as
    each chose), in the caller's transaction: a reminder is marked sent exactly when its
    notification is written. Returns how many were claimed."""
    reminders = ReminderRepository(session).claim_due(now, limit)
    for reminder in reminders:
        _remind(session, reminder, now=now)
    return len(reminders)


def _remind(session: Session, reminder: InterviewReminder, *, now: datetime) -> None:
    interview = reminder.interview
    owner = users.get_active_user(session, user_id=interview.owner_id)
    # Claimed all the same: a reminder found late (the workers were down) is not worth sending
    # once the interview has begun.
    if owner is None or interview.starts_at <= now:
        return
    notifications.notify(
        session, user_id=owner.id, kind=NotificationKind.INTERVIEW_REMINDER,
        title=_reminder_title(interview, reminder.offset_minutes),
        body=_reminder_body(interview, owner.time_zone), link=f"/interviews/{interview.id}",
    )  # fmt: skip


def _reminder_title(interview: Interview, offset_minutes: int) -> str:
    """A title such as "Interview in 1 hour: Backend Engineer at Acme"."""
    return (
        f"Interview in {minutes_text(offset_minutes)}: {interview.position} at {interview.company}"
    )


def _reminder_body(interview: Interview, time_zone: str) -> str:
    local = interview.starts_at.astimezone(ZoneInfo(time_zone))
    lines = [
        f"{interview.position} at {interview.company}: {_type_label(interview).lower()} interview "
        f"on {local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({time_zone}), "
        f"{minutes_text(interview.duration_minutes)}."
    ]
    if interview.location:
        lines.append(f"Where: {interview.location}")
    if interview.details:
        lines.append(interview.details)
    return "\n\n".join(lines)


def minutes_text(minutes: int) -> str:
    """90 → "1 hour 30 minutes", 2880 → "2 days"; a day is said in hours up to 48 hours."""
    if minutes >= 2 * 24 * 60 and minutes % (24 * 60) == 0:
        return _count(minutes // (24 * 60), "day")
    hours, rest = divmod(minutes, 60)
    parts = [_count(hours, "hour")] if hours else []
    return " ".join([*parts, _count(rest, "minute")] if rest or not hours else parts)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _sync_reminders(interview: Interview, offsets: Sequence[int], *, now: datetime) -> None:
    """Unsent reminders follow the interview's start and the owner's offsets: added, moved or
    dropped. None is made, or moved, into the past; one sent already is never touched."""
    wanted = {offset: interview.starts_at - timedelta(minutes=offset) for offset in offsets}
    for reminder in list(interview.reminders):
        due = wanted.get(reminder.offset_minutes)
        if reminder.sent_at is not None or due == reminder.due_at:
            continue  # an unmoved one stays, even overdue: the sending task has yet to run
        if due is None or due <= now:
            interview.reminders.remove(reminder)
        else:
            reminder.due_at = due
    have = {reminder.offset_minutes for reminder in interview.reminders}
    for offset, due in wanted.items():
        if offset not in have and due > now:
            interview.reminders.append(InterviewReminder(offset_minutes=offset, due_at=due))


@subscribe(SettingsChanged)
def _follow_new_offsets(session: Session, event: SettingsChanged) -> None:
    """New reminder offsets apply to the owner's interviews that have not started yet."""
    owner = users.get_active_user(session, user_id=event.user_id)
    if owner is None:
        return
    now = utcnow()
    repository = InterviewRepository(session)
    for interview in repository.listed(repository.search(owner.id, starts_from=now)):
        _sync_reminders(interview, owner.reminder_offsets_minutes, now=now)
    session.flush()


# Input and output


def _checked(
    session: Session, owner: User, values: dict[str, Any], *, defaults: bool
) -> dict[str, Any]:
    """The values with their rules applied: the application is the owner's (and, when
    `defaults`, lends its company and position), required ones are there, times are UTC."""
    if values.get("application_id") is not None:
        application = _application(session, owner, values["application_id"])
        if defaults:
            for name in LENT:
                values[name] = values.get(name) or getattr(application, name)
    for name in REQUIRED:
        if name in values and values[name] is None:
            hint = " unless the interview is linked to an application" if name in LENT else ""
            raise InvalidInput(f"Required{hint}.", field=("body", name), rule="required")
    if "starts_at" in values:
        values["starts_at"] = _to_utc(values["starts_at"], owner.time_zone)
    return values


def _to_utc(moment: datetime, time_zone: str) -> datetime:
    """A time with an offset as is; a naive one read in `time_zone`. A wall-clock time that the
    zone skips (clocks going forward) is refused rather than silently shifted."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    zone = ZoneInfo(time_zone)
    local = moment.replace(tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise InvalidInput(
            f"{moment:%Y-%m-%d %H:%M} does not exist in {time_zone}: the clocks skip it.",
            field=("body", "starts_at"), rule="nonexistent_time",
        )  # fmt: skip
    return local.astimezone(UTC)


def _search(
    repository: InterviewRepository, owner: User, filters: InterviewFilters
) -> Select[Interview]:
    if filters.from_date and filters.to_date and filters.to_date < filters.from_date:
        raise InvalidInput("The last day is before the first.", field=("query", "to"), rule="range")
    zone = ZoneInfo(owner.time_zone)
    day_after = filters.to_date + timedelta(days=1) if filters.to_date else None
    return repository.search(
        owner.id,
        starts_from=_midnight(filters.from_date, zone),
        starts_before=_midnight(day_after, zone),
        types=filters.types,
        application_id=filters.application_id,
        ends_after=utcnow() if filters.upcoming else None,
    )


def _midnight(day: date | None, zone: ZoneInfo) -> datetime | None:
    return datetime.combine(day, time(), zone).astimezone(UTC) if day else None


def _end(starts_at: datetime, duration_minutes: int) -> datetime:
    return starts_at + timedelta(minutes=duration_minutes)


def _owned(session: Session, owner: User, interview_id: uuid.UUID) -> Interview:
    interview = InterviewRepository(session).get_owned(owner.id, interview_id)
    if interview is None:
        raise NotFound("No such interview.")
    return interview


def _application(
    session: Session, owner: User, application_id: uuid.UUID
) -> applications.Application:
    try:
        return applications.get_application(
            session, owner_id=owner.id, application_id=application_id
        )
    except NotFound:
        raise InvalidInput(
            "Not one of your applications.", field=("body", "application_id"), rule="unknown"
        ) from None


def _read(interview: Interview, time_zone: str) -> InterviewRead:
    stored = InterviewExport.model_validate(interview).model_dump()
    local = interview.starts_at.astimezone(ZoneInfo(time_zone))
    return InterviewRead(**stored, starts_at_local=local, time_zone=time_zone)
