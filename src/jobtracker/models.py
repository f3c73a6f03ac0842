"""Every table, imported once so that Alembic and tests see the whole schema."""

from __future__ import annotations

from jobtracker.applications import models as applications_models
from jobtracker.auth import models as auth_models
from jobtracker.contacts import models as contacts_models
from jobtracker.db import Base
from jobtracker.files import models as files_models
from jobtracker.interviews import models as interviews_models
from jobtracker.listings import models as listings_models
from jobtracker.notifications import models as notifications_models
from jobtracker.tasks import models as tasks_models
from jobtracker.users import models as users_models

__all__ = [
    "applications_models",
    "auth_models",
    "contacts_models",
    "files_models",
    "interviews_models",
    "listings_models",
    "metadata",
    "notifications_models",
    "tasks_models",
    "users_models",
]

metadata = Base.metadata
