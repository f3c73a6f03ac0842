"""Every table, imported once so that Alembic and tests see the whole schema."""

from __future__ import annotations

from jobtracker.auth import models as auth_models
from jobtracker.db import Base
from jobtracker.notifications import models as notifications_models
from jobtracker.tasks import models as tasks_models
from jobtracker.users import models as users_models

__all__ = ["auth_models", "metadata", "notifications_models", "tasks_models", "users_models"]

metadata = Base.metadata
