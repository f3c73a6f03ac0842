"""The migrations build exactly the schema the models describe, in one linear history."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from jobtracker.migrations import alembic_config, include_name
from jobtracker.models import metadata


class TestMigrations:
    def test_models_and_migrations_agree(self, connection: Connection) -> None:
        opts = {"compare_type": True, "include_name": include_name}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, metadata) == []

    def test_history_is_linear(self, engine: Engine) -> None:
        scripts = ScriptDirectory.from_config(alembic_config(engine))
        assert len(scripts.get_heads()) == 1
        assert all(len(script.nextrev) <= 1 for script in scripts.walk_revisions())
