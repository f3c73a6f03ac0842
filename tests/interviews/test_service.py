"""Reminders (made, moved, dropped, sent once) and the service surface other domains use."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobtracker.interviews import service
from jobtracker.interviews.models import Interview, InterviewReminder
from jobtracker.interviews.schemas import InterviewCreate, InterviewType
from jobtracker.users.models import User
from tests.helpers import Account, Accounts
from tests.interviews.conftest import (
    in_minutes,
    iso,
    make_application,
    offsets_of,
    schedule,
    use_settings,
)

DAY = 24 * 60


@pytest.fixture
def me(accounts: Accounts) -> Account:
    return accounts.create("Ines Candidate")


def reload(client: TestClient, account: Account, interview: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/interviews/{interview['id']}", headers=account.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def move(
    client: TestClient, account: Account, interview: dict[str, Any], starts_at: datetime
) -> dict[str, Any]:
    response = client.patch(
        f"/api/interviews/{interview['id']}", json={"starts_at": iso(starts_at)},
        headers=account.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    moved: dict[str, Any] = response.json()
    return moved


def due_times(interview: dict[str, Any]) -> dict[int, datetime]:
    return {
        reminder["offset_minutes"]: datetime.fromisoformat(reminder["due_at"])
        for reminder in interview["reminders"]
    }


def start_of(interview: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(interview["starts_at"])


def send(session: Session, now: datetime, limit: int = 100) -> int:
    sent = service.send_due_reminders(session, now=now, limit=limit)
    session.flush()
    return sent


def titles(client: TestClient, account: Account) -> list[str]:
    page = client.get("/api/notifications", headers=account.headers).json()
    return [item["title"] for item in page["items"]]


class TestRemindersFollowTheInterview:
    def test_new_interview_gets_a_reminder_at_each_offset(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(3 * DAY)))
        start = start_of(interview)
        assert due_times(interview) == {
            60: start - timedelta(minutes=60),
            DAY: start - timedelta(days=1),
        }
        assert all(reminder["sent_at"] is None for reminder in interview["reminders"])

    def test_reminders_already_past_are_not_made(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(120)))
        assert offsets_of(interview) == [60]

    def test_past_interview_gets_no_reminders(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(-DAY)))
        assert interview["reminders"] == []

    def test_moving_the_interview_moves_its_reminders(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(3 * DAY)))
        later = start_of(interview) + timedelta(hours=5)
        moved = move(client, me, interview, later)
        assert due_times(moved) == {60: later - timedelta(hours=1), DAY: later - timedelta(days=1)}

    def test_moving_it_closer_drops_reminders_whose_time_has_passed(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(3 * DAY)))
        assert offsets_of(move(client, me, interview, in_minutes(90))) == [60]
        assert offsets_of(move(client, me, interview, in_minutes(30))) == []

    def test_moving_it_further_away_adds_the_reminders_now_ahead(
        self, client: TestClient, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(30)))
        assert offsets_of(move(client, me, interview, in_minutes(3 * DAY))) == [60, DAY]

    def test_editing_other_fields_keeps_an_overdue_reminder_for_the_task(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(90)))
        # As if an hour had passed: the reminder fell due seconds ago, the task has yet to run.
        row = session.get(Interview, uuid.UUID(interview["id"]))
        assert row is not None
        row.starts_at = in_minutes(59.9)
        row.ends_at = row.starts_at + timedelta(hours=1)
        row.reminders[0].due_at = row.starts_at - timedelta(hours=1)
        session.flush()
        response = client.patch(
            f"/api/interviews/{interview['id']}", json={"details": "Bring ID"},
            headers=me.headers,
        )  # fmt: skip
        assert offsets_of(response.json()) == [60]
        assert send(session, in_minutes(0)) == 1

    def test_a_sent_reminder_stays_sent_when_the_interview_moves(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(2 * DAY)))
        day_reminder = due_times(interview)[DAY]
        assert send(session, day_reminder + timedelta(minutes=1)) == 1
        later = start_of(interview) + timedelta(days=1)
        moved = move(client, me, interview, later)
        assert due_times(moved) == {DAY: day_reminder, 60: later - timedelta(hours=1)}
        [sent] = [r for r in moved["reminders"] if r["offset_minutes"] == DAY]
        assert sent["sent_at"] is not None

    def test_deleting_the_interview_deletes_its_reminders(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me)
        client.delete(f"/api/interviews/{interview['id']}", headers=me.headers)
        remaining = session.scalar(
            select(func.count())
            .select_from(InterviewReminder)
            .where(InterviewReminder.interview_id == uuid.UUID(interview["id"]))
        )
        assert remaining == 0
        assert send(session, in_minutes(4 * DAY)) == 0


class TestOffsetsChange:
    def test_new_offsets_rebuild_the_reminders_of_future_interviews(
        self, client: TestClient, me: Account
    ) -> None:
        future = schedule(client, me, starts_at=iso(in_minutes(3 * DAY)))
        past = schedule(client, me, starts_at=iso(in_minutes(-DAY)))
        use_settings(client, me, reminder_offsets_minutes=[120, 15])
        assert offsets_of(reload(client, me, future)) == [15, 120]
        assert due_times(reload(client, me, future))[15] == start_of(future) - timedelta(minutes=15)
        assert reload(client, me, past)["reminders"] == []

    def test_new_offsets_keep_sent_reminders_and_skip_past_times(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at=iso(in_minutes(DAY + 30)))
        assert send(session, in_minutes(31)) == 1  # the day-before reminder
        use_settings(client, me, reminder_offsets_minutes=[30, 2 * DAY])
        assert offsets_of(reload(client, me, interview)) == [30, DAY]

    def test_no_offsets_means_no_reminders(self, client: TestClient, me: Account) -> None:
        interview = schedule(client, me)
        use_settings(client, me, reminder_offsets_minutes=[])
        assert reload(client, me, interview)["reminders"] == []
        assert schedule(client, me)["reminders"] == []

    def test_another_user_s_reminders_do_not_change(
        self, client: TestClient, me: Account, accounts: Accounts
    ) -> None:
        other = accounts.create()
        theirs = schedule(client, other)
        use_settings(client, me, reminder_offsets_minutes=[5])
        assert offsets_of(reload(client, other, theirs)) == [60, DAY]


class TestSendingReminders:
    def test_due_reminder_tells_the_owner_with_the_local_time(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        use_settings(client, me, time_zone="Europe/Madrid")
        interview = schedule(
            client, me, starts_at="2030-03-04T10:00", type="on_site", location="Calle Mayor 1"
        )
        assert send(session, due_times(interview)[DAY]) == 1
        page = client.get("/api/notifications", headers=me.headers).json()
        [reminder] = page["items"]
        assert reminder["kind"] == "interview_reminder"
        assert reminder["title"] == "Interview in 24 hours: Backend Engineer at Acme"
        assert "Monday 4 March 2030 at 10:00 (Europe/Madrid)" in reminder["body"]
        assert "Where: Calle Mayor 1" in reminder["body"]
        assert reminder["link"] == f"/interviews/{interview['id']}"

    def test_each_offset_is_sent_in_its_turn(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at="2030-03-04T10:00:00Z")
        due = due_times(interview)
        assert send(session, due[DAY] - timedelta(seconds=1)) == 0
        assert send(session, due[DAY]) == 1
        assert send(session, due[60]) == 1
        assert titles(client, me) == [
            "Interview in 1 hour: Backend Engineer at Acme",
            "Interview in 24 hours: Backend Engineer at Acme",
        ]

    def test_running_the_batch_twice_sends_once(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at="2030-03-04T10:00:00Z")
        moment = due_times(interview)[60]
        assert send(session, moment) == 2
        assert send(session, moment) == 0
        assert send(session, moment + timedelta(minutes=30)) == 0
        assert len(titles(client, me)) == 2
        assert all(r["sent_at"] for r in reload(client, me, interview)["reminders"])

    def test_batches_are_bounded(self, client: TestClient, session: Session, me: Account) -> None:
        for company in ("A", "B", "C"):
            schedule(client, me, company=company, starts_at="2030-03-04T10:00:00Z")
        moment = datetime(2030, 3, 3, 10, tzinfo=UTC)
        assert [send(session, moment, limit=2) for _ in range(3)] == [2, 1, 0]
        assert len(titles(client, me)) == 3

    def test_a_reminder_found_after_the_start_is_not_sent(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        interview = schedule(client, me, starts_at="2030-03-04T10:00:00Z")
        assert send(session, start_of(interview) + timedelta(minutes=1)) == 2
        assert titles(client, me) == []


class TestPublicSurface:
    def test_create_interview_for_another_domain(self, session: Session, me: Account) -> None:
        owner = session.get(User, me.id)
        assert owner is not None
        application_id = make_application(session, me.id, "Umbrella", "Analyst")
        data = InterviewCreate(
            application_id=application_id, starts_at=in_minutes(3 * DAY), type=InterviewType.PHONE
        )
        interview = service.create_interview(session, owner=owner, data=data)
        assert (interview.company, interview.position) == ("Umbrella", "Analyst")
        assert [r.offset_minutes for r in interview.reminders] == [DAY, 60]

    def test_list_for_application_is_the_owner_s_only(
        self, client: TestClient, session: Session, me: Account, accounts: Accounts
    ) -> None:
        application_id = make_application(session, me.id)
        schedule(client, me, application_id=str(application_id), starts_at="2030-03-05T10:00Z")
        schedule(client, me, application_id=str(application_id), starts_at="2030-03-04T10:00Z")
        schedule(client, me)
        owner, stranger = session.get(User, me.id), session.get(User, accounts.create().id)
        assert owner is not None and stranger is not None
        mine = service.list_for_application(session, owner=owner, application_id=application_id)
        assert [i.starts_at.day for i in mine] == [4, 5]
        assert (
            service.list_for_application(session, owner=stranger, application_id=application_id)
            == []
        )

    def test_export_rows_are_json_ready(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        created = schedule(client, me, details="Whiteboard", starts_at="2030-03-04T10:00:00Z")
        [row] = service.export_rows(session, owner_id=me.id)
        assert row["id"] == created["id"]
        assert row["starts_at"] == "2030-03-04T10:00:00Z"
        assert row["details"] == "Whiteboard"
        assert row["type"] == "online"
        assert sorted(r["offset_minutes"] for r in row["reminders"]) == [60, DAY]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (45, "45 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"),
     (DAY, "24 hours"), (2 * DAY, "2 days"), (2 * DAY + 60, "49 hours")],
)  # fmt: skip
def test_reminder_offsets_read_as_people_say_them(minutes: int, text: str) -> None:
    assert service.minutes_text(minutes) == text
