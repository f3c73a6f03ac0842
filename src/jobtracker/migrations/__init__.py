"""Alembic, driven from code: `jobtracker migrate`, start-up checks and /readyz use these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).parent


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Only our tables: on SQLite, DBOS keeps its tables in the same file, and they are its own."""
    from jobtracker.models import metadata

    return type_ != "table" or name in metadata.tables


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # env.py runs on this engine's connection instead of reading a URL from a file.
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(engine: Engine) -> bool:
    return current_revision(engine) == head_revision(engine)
