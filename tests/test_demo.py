"""`jobtracker demo`: the sample data, created through the services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobtracker.config import Settings
from jobtracker.demo import DEMO_EMAIL, seed_demo
from jobtracker.kit.pagination import Pagination
from jobtracker.notifications import service as notifications
from jobtracker.users import service as users


class TestDemo:
    def test_demo_user_has_a_few_notifications_one_of_them_read(
        self, session: Session, settings: Settings
    ) -> None:
        assert seed_demo(session, settings=settings)
        demo = users.get_user_by_email(session, email=DEMO_EMAIL)
        assert demo is not None
        page = Pagination(limit=20, offset=0)
        items, _ = notifications.list_notifications(
            session, user_id=demo.id, unread=False, page=page
        )
        seeded = [item for item in items if item.kind != "application_stale"]
        assert len(seeded) == 3
        assert [item.read_at is None for item in seeded] == [True, True, False]
        assert seeded[-1].title == "Welcome to Jobtracker"

    def test_running_it_again_changes_nothing(self, session: Session, settings: Settings) -> None:
        assert seed_demo(session, settings=settings)
        assert not seed_demo(session, settings=settings)

    def test_demo_user_has_about_40_applications_over_6_months_in_every_status(
        self, session: Session, settings: Settings
    ) -> None:
        from datetime import timedelta

        from jobtracker.applications import service as applications
        from jobtracker.applications.schemas import ApplicationFilters
        from jobtracker.applications.service import Status
        from jobtracker.kit.clock import utcnow

        assert seed_demo(session, settings=settings)
        demo = users.get_user_by_email(session, email=DEMO_EMAIL)
        assert demo is not None
        rows, total = applications.list_applications(
            session, owner=demo, filters=ApplicationFilters(), page=Pagination(limit=100)
        )
        assert 35 <= total <= 45
        assert {row.status for row in rows} == set(Status)
        oldest = min(row.created_at for row in rows)
        assert utcnow() - oldest > timedelta(days=120)
        assert any(row.stale for row in rows)
        history = applications.history(session, owner=demo, application_id=rows[0].id)
        assert history[0].from_status is None

    def test_demo_contacts_include_a_jobtracker_user_linked_to_her_profile(
        self, session: Session, settings: Settings
    ) -> None:
        from jobtracker.contacts import service as contacts

        assert seed_demo(session, settings=settings)
        demo = users.get_user_by_email(session, email=DEMO_EMAIL)
        sofia = users.get_user_by_email(session, email="sofia.rossi@example.com")
        assert demo is not None and sofia is not None
        found, total = contacts.list_contacts(session, owner=demo, page=Pagination(limit=50))
        assert total >= 4
        linked = [contact for contact in found if contact.linked_user]
        assert [contact.linked_user.id for contact in linked if contact.linked_user] == [sofia.id]
        assert linked[0].application_ids

    def test_demo_has_interviews_in_the_coming_two_weeks(
        self, session: Session, settings: Settings
    ) -> None:
        from datetime import timedelta

        from jobtracker.interviews import service as interviews
        from jobtracker.interviews.schemas import InterviewFilters
        from jobtracker.kit.clock import utcnow

        assert seed_demo(session, settings=settings)
        demo = users.get_user_by_email(session, email=DEMO_EMAIL)
        assert demo is not None
        found, total = interviews.list_interviews(
            session, owner=demo, filters=InterviewFilters(upcoming=True), page=Pagination(limit=50)
        )
        assert total >= 3
        assert all(item.starts_at < utcnow() + timedelta(days=15) for item in found)
        assert all(item.application_id for item in found)

    def test_demo_has_a_resume_on_its_profile_sent_with_its_applications(
        self, session: Session, settings: Settings
    ) -> None:
        from jobtracker.files import service as files

        assert seed_demo(session, settings=settings)
        demo = users.get_user_by_email(session, email=DEMO_EMAIL)
        assert demo is not None
        [(resume_id, _)] = files.choices(session, owner_id=demo.id)
        resume = files.get_resume(session, owner_id=demo.id, resume_id=resume_id)
        assert resume.kind == "docx" and resume.visible_on_profile
        exported = files.export_rows(session, owner_id=demo.id)
        assert exported[0]["filename"].endswith(".docx")

    def test_demo_registers_sample_sources_served_by_the_app_and_imports_them(
        self, session: Session, settings: Settings
    ) -> None:
        from jobtracker.listings import admin
        from jobtracker.listings.schemas_admin import RunStatus

        assert seed_demo(session, settings=settings)
        sources, total = admin.list_sources(session, page=Pagination(limit=10))
        assert total == 2 and {source.kind for source in sources} == {"greenhouse", "rss"}
        base = settings.base_url.rstrip("/") + "/samples"
        assert all(base in str(source.config) for source in sources)
        runs, _ = admin.list_runs(session, source_id=None, statuses=(), page=Pagination())
        assert [run.status for run in runs] == [RunStatus.QUEUED, RunStatus.QUEUED]
        assert users.get_user_by_email(session, email="admin@example.com") is not None
