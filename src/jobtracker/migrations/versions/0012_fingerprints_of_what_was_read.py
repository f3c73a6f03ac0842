"""fingerprints of what was read: a posting's bytes per sighting, a fetch's per source; a
listing's last sighting is its sightings' business

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jobtracker.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("listing_sightings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_listing_sightings_fingerprint", ["fingerprint"], unique=False)
    with op.batch_alter_table("listing_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")


def downgrade() -> None:
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_seen_at",
                jobtracker.db.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("listing_sources", schema=None) as batch_op:
        batch_op.drop_column("document_hash")
    with op.batch_alter_table("listing_sightings", schema=None) as batch_op:
        batch_op.drop_index("ix_listing_sightings_fingerprint")
        batch_op.drop_column("fingerprint")
