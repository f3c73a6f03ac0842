"""The demo's catalogue: two sample sources served by the app itself (a Greenhouse board and a
Jobicy-style RSS feed, shipped in `listings/samples/`), imported at once, and an administrator
to watch the import runs in the operations pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobtracker.auth import service as auth
from jobtracker.auth.schemas import RegisterRequest
from jobtracker.config import Settings
from jobtracker.listings import admin
from jobtracker.listings.schemas_admin import SourceCreate, Trigger
from jobtracker.users.service import Role

ADMIN_EMAIL = "admin@example.com"


def seed_catalogue(session: Session, *, settings: Settings, password: str) -> None:
    """The sample sources, an import of each (run by the worker of `jobtracker serve`), and
    the operations administrator."""
    data = RegisterRequest(email=ADMIN_EMAIL, password=password, full_name="Operations Admin")
    auth.register(session, settings=settings, data=data, by_operator=True, role=Role.ADMIN)
    base = settings.base_url.rstrip("/") + "/samples"
    sources = (
        SourceCreate(kind="greenhouse", name="Northwind Robotics (sample board)",
                     config={"board": "northwind", "base_url": f"{base}/greenhouse"},
                     every_minutes=60),
        SourceCreate(kind="rss", name="Remote jobs feed (sample)",
                     config={"url": f"{base}/jobicy.rss"}, every_minutes=60),
    )  # fmt: skip
    for data_source in sources:
        source = admin.create_source(session, data=data_source)
        admin.start_import(session, source_id=source.id, trigger=Trigger.MANUAL)
