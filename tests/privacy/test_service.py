"""What the account's deletion relies on: the database removes a user's rows with the user."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from jobtracker.models import metadata
from tests.privacy.test_router import INDIRECT

# Tables that point at a user without holding that user's data would be listed here with
# "SET NULL" (a contact linked to someone else's profile); none does yet.
DELETE_RULES = {"CASCADE", "SET NULL"}


class TestDeleteAccount:
    def test_every_foreign_key_to_users_goes_with_the_user(self, session: Session) -> None:
        """Read from the migrated database, not the models: the migrations are what run. A
        table added later without ON DELETE CASCADE would block or outlive a deletion."""
        inspector = inspect(session.connection())
        pointing = {
            (table, tuple(key["constrained_columns"])): (key["options"].get("ondelete") or "")
            for table in inspector.get_table_names()
            for key in inspector.get_foreign_keys(table)
            if key["referred_table"] == "users"
        }
        assert pointing, "no table refers to users: the inspection found nothing"
        assert {rule.upper() for rule in pointing.values()} <= DELETE_RULES, pointing

    def test_every_table_of_user_data_is_checked_after_a_deletion(self) -> None:
        """tests/privacy/test_router.py counts rows per foreign key to users; a table that
        reaches a user only through a parent must be named there (INDIRECT)."""
        direct = {
            table.name
            for table in metadata.sorted_tables
            for key in table.foreign_keys
            if key.column.table.name == "users"
        }
        indirect = {
            table.name
            for table in metadata.sorted_tables
            for key in table.foreign_keys
            if key.column.table.name in direct and table.name not in direct
        }
        assert indirect == set(INDIRECT)
