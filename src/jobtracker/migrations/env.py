"""Alembic environment: runs on the engine handed in by jobtracker.migrations.alembic_config."""

from __future__ import annotations

from alembic import context

from jobtracker.migrations import include_name
from jobtracker.models import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the plain `alembic` command line, during development
    from jobtracker.config import load_settings
    from jobtracker.db import create_db_engine

    engine = create_db_engine(load_settings())


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
