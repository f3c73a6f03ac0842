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
        items, total = notifications.list_notifications(
            session, user_id=demo.id, unread=False, page=page
        )
        assert total == 3
        assert notifications.unread_count(session, user_id=demo.id) == 2
        assert items[-1].title == "Welcome to Jobtracker"

    def test_running_it_again_changes_nothing(self, session: Session, settings: Settings) -> None:
        assert seed_demo(session, settings=settings)
        assert not seed_demo(session, settings=settings)
