"""Rules for applications: the pipeline, its history, the bin and stale detection. Never commits.

Every write goes through here, so the history, the "applied on" date, the stale mark and the
events other domains listen to (`ApplicationCreated`, `StatusUpdated`) can't be forgotten.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobtracker.applications import spreadsheet
from jobtracker.applications.models import Application, Status, StatusChange
from jobtracker.applications.repository import ApplicationRepository, StatusChangeRepository
from jobtracker.applications.schemas import (
    STATUS_LABELS,
    ApplicationCreate,
    ApplicationCreated,
    ApplicationFilters,
    ApplicationPatch,
    ApplicationRead,
    ApplicationUpdate,
    ImportedRow,
    ImportReport,
    StatusChangeRead,
    StatusRead,
    StatusUpdated,
)
from jobtracker.files import service as files
from jobtracker.kit.clock import utcnow
from jobtracker.kit.events import raise_event, subscribe
from jobtracker.kit.pagination import Pagination
from jobtracker.kit.problems import InvalidInput, NotFound
from jobtracker.kit.salary import parse_salary
from jobtracker.kit.text import search_key
from jobtracker.listings.schemas_catalogue import ListingsRestored, ListingsTakenDown
from jobtracker.notifications.schemas import NotificationKind
from jobtracker.notifications.service import notify
from jobtracker.users.service import User

__all__ = ["Application", "Status"]

STALE_BATCH = 500


def list_statuses() -> list[StatusRead]:
    return [StatusRead(key=status, label=STATUS_LABELS[status]) for status in Status]


def create_application(
    session: Session, *, owner: User, data: ApplicationCreate, import_key: str | None = None
) -> Application:
    """A new application, its first history row, and `ApplicationCreated`."""
    values = _checked_values(session, owner, data.model_dump())
    values["search_text"] = search_key(f"{data.company} {data.position}")
    if data.status == Status.APPLIED and values["applied_on"] is None:
        values["applied_on"] = _today(owner)
    application = ApplicationRepository(session).add(
        Application(owner_id=owner.id, import_key=import_key, **values)
    )
    _record_change(session, application, None, application.status)
    raise_event(session, ApplicationCreated(application.id, owner.id, application.status))
    return application


def update_application(
    session: Session,
    *,
    owner: User,
    application_id: uuid.UUID,
    data: ApplicationUpdate | ApplicationPatch,
) -> Application:
    """Apply a PUT (every field) or a PATCH (the fields sent). A change of status is recorded
    and announced; any change clears the stale mark."""
    application = get_application(session, owner_id=owner.id, application_id=application_id)
    sent = data.model_dump(exclude_unset=isinstance(data, ApplicationPatch))
    for name in ("company", "position", "status"):
        if name in sent and sent[name] is None:
            raise InvalidInput(f"{name} cannot be empty", field=("body", name), rule="required")
    values = _checked_values(session, owner, sent)
    before = application.status
    moved_to_applied = values.get("status") == Status.APPLIED and before != Status.APPLIED
    if moved_to_applied and not values.get("applied_on") and not application.applied_on:
        values["applied_on"] = _today(owner)
    _save(session, application, values)
    if application.status != before:
        _record_change(session, application, before, application.status)
        event = StatusUpdated(application.id, owner.id, before, application.status)
        raise_event(session, event)
    return application


def get_application(
    session: Session, *, owner_id: uuid.UUID, application_id: uuid.UUID
) -> Application:
    """The owner's application; any other id (someone else's, deleted, unknown) is NotFound."""
    application = ApplicationRepository(session).get_owned(owner_id, application_id)
    if application is None:
        raise NotFound("No such application.")
    return application


def list_applications(
    session: Session, *, owner: User, filters: ApplicationFilters, page: Pagination
) -> tuple[list[Application], int]:
    repository = ApplicationRepository(session)
    statement = repository.search(
        owner.id,
        statuses=filters.statuses,
        query=filters.query,
        stale=filters.stale,
        deleted=filters.deleted,
        sort=filters.sort,
        descending=filters.descending,
    )
    return repository.page(statement, page)


def history(session: Session, *, owner: User, application_id: uuid.UUID) -> list[StatusChange]:
    application = _owned_even_deleted(session, owner.id, application_id)
    return list(session.scalars(StatusChangeRepository(session).history(application.id)))


def delete_application(session: Session, *, owner: User, application_id: uuid.UUID) -> None:
    """Into the bin: hidden from lists, restorable, still in the history and the export."""
    application = get_application(session, owner_id=owner.id, application_id=application_id)
    ApplicationRepository(session).update(application, {"deleted_at": utcnow()})


def restore_application(session: Session, *, owner: User, application_id: uuid.UUID) -> Application:
    application = ApplicationRepository(session).get_owned(owner.id, application_id, deleted=True)
    if application is None:
        raise NotFound("No such application in the bin.")
    return ApplicationRepository(session).update(application, {"deleted_at": None})


def owned_application_ids(
    session: Session, *, owner_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these ids are the owner's live applications (for links from other records)."""
    return ApplicationRepository(session).owned_ids(owner_id, ids) if ids else set()


def for_listing(session: Session, *, owner: User, listing_id: uuid.UUID) -> Application | None:
    """The owner's live application saved from this catalogue listing, if any."""
    return ApplicationRepository(session).by_listing(owner.id, listing_id)


def close_postings(
    session: Session, *, listing_ids: Sequence[uuid.UUID], closed_at: datetime
) -> int:
    """Show "posting closed" on every application saved from these listings."""
    return _chunked(session, listing_ids, closed_at)


@subscribe(ListingsTakenDown)
def _on_listings_taken_down(session: Session, event: ListingsTakenDown) -> None:
    close_postings(session, listing_ids=event.listing_ids, closed_at=utcnow())


@subscribe(ListingsRestored)
def _on_listings_restored(session: Session, event: ListingsRestored) -> None:
    _chunked(session, event.listing_ids, None)


def _chunked(session: Session, ids: Sequence[uuid.UUID], closed_at: datetime | None) -> int:
    repository = ApplicationRepository(session)  # an import may take down thousands at once
    return sum(
        repository.set_posting_closed(ids[start : start + 500], closed_at)
        for start in range(0, len(ids), 500)
    )


def choices(session: Session, *, owner_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The owner's live applications as (id, "position · company"), for pickers on other pages."""
    return [
        (application.id, f"{application.position} · {application.company}")
        for application in ApplicationRepository(session).choices(owner_id)
    ]


def mark_stale(session: Session, *, now: datetime) -> int:
    """Mark applied applications with no change for their owner's days as stale, and tell the
    owner once per application. Returns how many were marked; safe to run twice."""
    repository = ApplicationRepository(session)
    marked = 0
    for days in repository.stale_day_settings():
        cutoff = now - timedelta(days=days)
        for application in repository.going_stale(days, cutoff, limit=STALE_BATCH):
            if repository.mark_stale(application.id, application.updated_at, now):
                _tell_stale(session, application, days)
                marked += 1
    return marked


def _tell_stale(session: Session, application: Application, days: int) -> None:
    notify(
        session,
        user_id=application.owner_id,
        kind=NotificationKind.APPLICATION_STALE,
        title=f"No news from {application.company} for {days} days",
        body=f"You applied for {application.position} and nothing has changed since. "
        "Time to follow up, or to move it on.",
        link=f"/applications/{application.id}",
    )


def _owned_even_deleted(
    session: Session, owner_id: uuid.UUID, application_id: uuid.UUID
) -> Application:
    repository = ApplicationRepository(session)
    application = repository.get_owned(owner_id, application_id) or repository.get_owned(
        owner_id, application_id, deleted=True
    )
    if application is None:
        raise NotFound("No such application.")
    return application


def _checked_values(session: Session, owner: User, values: dict[str, Any]) -> dict[str, Any]:
    """Derived columns (search text, parsed salary) and the checks that need the database."""
    if "salary" in values:
        values["salary_parsed"] = parse_salary(values["salary"])
    if values.get("resume_id") is not None:
        _check_resume(session, owner, values["resume_id"])
    return values


def _check_resume(session: Session, owner: User, resume_id: uuid.UUID) -> None:
    """The resume sent must be one of the owner's."""
    try:
        files.get_resume(session, owner_id=owner.id, resume_id=resume_id)
    except NotFound as error:
        message = "Not one of your resumes."
        raise InvalidInput(message, field=("body", "resume_id"), rule="owned") from error


def _save(session: Session, application: Application, values: dict[str, Any]) -> None:
    company = values.get("company", application.company)
    position = values.get("position", application.position)
    values["search_text"] = search_key(f"{company} {position}")
    values["updated_at"] = utcnow()
    values["stale_since"] = None  # any change is news
    ApplicationRepository(session).update(application, values)


def _record_change(
    session: Session, application: Application, before: Status | None, after: Status
) -> None:
    StatusChangeRepository(session).add(
        StatusChange(application_id=application.id, from_status=before, to_status=after)
    )


def _today(owner: User) -> date:
    return datetime.now(ZoneInfo(owner.time_zone)).date()


def export_rows(session: Session, *, owner_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every application of the owner, the bin included, each with its history (JSON-able)."""
    repository = ApplicationRepository(session)
    applications = list(session.scalars(repository.everything_of(owner_id)))
    changes = StatusChangeRepository(session).for_applications([a.id for a in applications])
    rows = []
    for application in applications:
        row = ApplicationRead.model_validate(application).model_dump(mode="json")
        row["history"] = [
            StatusChangeRead.model_validate(change).model_dump(mode="json")
            for change in changes
            if change.application_id == application.id
        ]
        rows.append(row)
    return rows


def import_csv(session: Session, *, owner: User, data: bytes) -> ImportReport:
    """Create an application per row of a spreadsheet; report each row. A row seen before (in
    this file or an earlier import) is skipped, so importing the same file twice adds nothing."""
    try:
        columns, ignored, rows = spreadsheet.read_rows(data)
        results = _import_rows(session, owner, rows)
    except spreadsheet.UnreadableFile as error:
        raise InvalidInput(str(error), field=("body", "file"), rule="csv") from error
    created = sum(1 for row in results if row.outcome == "created")
    return ImportReport(
        created=created, skipped=len(results) - created, columns=columns,
        ignored_columns=ignored, rows=results,
    )  # fmt: skip


def _import_rows(
    session: Session, owner: User, rows: Iterator[spreadsheet.Row]
) -> list[ImportedRow]:
    seen: dict[str, int] = {}
    results = []
    for row in rows:
        if row.key in seen:
            results.append(_skipped(row, f"Same as line {seen[row.key]}."))
            continue
        seen[row.key] = row.line
        results.append(_import_row(session, owner, row))
    return results


def _import_row(session: Session, owner: User, row: spreadsheet.Row) -> ImportedRow:
    if ApplicationRepository(session).by_import_key(owner.id, row.key):
        return _skipped(row, "Already imported.")
    try:
        data = ApplicationCreate.model_validate(_row_fields(row))
    except ValidationError as error:
        problem = error.errors()[0]
        return _skipped(row, f"{problem['loc'][0]}: {problem['msg']}.")
    try:
        with session.begin_nested():  # a concurrent import of the same row loses here, cleanly
            application = create_application(session, owner=owner, data=data, import_key=row.key)
    except IntegrityError:
        return _skipped(row, "Already imported.")
    return ImportedRow(line=row.line, outcome="created", application_id=application.id,
                       warnings=row.warnings)  # fmt: skip


def _row_fields(row: spreadsheet.Row) -> dict[str, Any]:
    """A row's cells as application fields; what can't be read is left out with a warning."""
    fields: dict[str, Any] = {name: value for name, value in row.values.items() if value}
    if "applied_on" in fields:
        fields["applied_on"] = spreadsheet.parse_date(fields["applied_on"])
        if fields["applied_on"] is None:
            row.warnings.append(f"Date “{row.values['applied_on']}” not understood; left empty.")
    text = fields.pop("status", "")
    status = spreadsheet.nearest_status(text)
    if text and status is None:
        row.warnings.append(f"Status “{text}” not recognised; set to Saved.")
    default = Status.APPLIED if fields.get("applied_on") else Status.SAVED
    fields["status"] = status or default
    if "job_url" in fields and not fields["job_url"].startswith(("http://", "https://")):
        row.warnings.append("The link is not an http(s) address; left out.")
        del fields["job_url"]
    return fields


def _skipped(row: spreadsheet.Row, reason: str) -> ImportedRow:
    return ImportedRow(line=row.line, outcome="skipped", reason=reason)


def export_csv(session: Session, *, owner: User) -> Iterator[str]:
    """The owner's live applications as CSV, oldest first, line by line. The rows are read
    now: the lines are written after the request's session has closed."""
    statement = ApplicationRepository(session).readable_by(owner.id)
    applications = session.scalars(statement.order_by(Application.created_at, Application.id))
    rows = [
        {name: getattr(application, name) for name in spreadsheet.EXPORT_COLUMNS}
        for application in applications
    ]
    return spreadsheet.write_csv(rows)


def create_with_past(
    session: Session,
    *,
    owner: User,
    data: ApplicationCreate,
    moves: Sequence[tuple[Status, datetime]],
) -> Application:
    """An application whose past is known (the demo, or a tool migrating a history): created
    in the first status at the first time, then moved through the others at theirs. Past moves
    raise no events: nothing is happening now."""
    (first, created_at), (last, updated_at) = moves[0], moves[-1]
    application = create_application(
        session, owner=owner, data=data.model_copy(update={"status": first})
    )
    changes = StatusChangeRepository(session)
    for change in session.scalars(changes.history(application.id)):
        changes.update(change, {"changed_at": created_at})
    for (before, _), (after, when) in pairwise(moves):
        changes.add(StatusChange(application_id=application.id, from_status=before,
                                 to_status=after, changed_at=when))  # fmt: skip
    values = {"status": last, "created_at": created_at, "updated_at": updated_at}
    return ApplicationRepository(session).update(application, values)
