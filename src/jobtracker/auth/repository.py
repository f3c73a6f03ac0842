"""SQL for refresh tokens, browser sessions and failed logins."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult

from jobtracker.auth.models import LoginFailure, RefreshToken, WebSession
from jobtracker.kit.clock import utcnow
from jobtracker.kit.repository import Repository


class RefreshTokenRepository(Repository[RefreshToken]):
    model = RefreshToken

    def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        return self.one_or_none(self.select().where(RefreshToken.token_hash == token_hash))

    def claim_for_rotation(self, token: RefreshToken) -> bool:
        """Mark the token used, only if nobody did before: of two concurrent uses, one wins."""
        result = self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token.id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=utcnow())
        )
        return isinstance(result, CursorResult) and result.rowcount == 1

    def revoke_family(self, family_id: uuid.UUID) -> None:
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


class WebSessionRepository(Repository[WebSession]):
    model = WebSession

    def get_live(self, token_hash: str) -> WebSession | None:
        return self.one_or_none(
            self.select().where(
                WebSession.token_hash == token_hash, WebSession.expires_at > utcnow()
            )
        )

    def delete_by_hash(self, token_hash: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


class LoginFailureRepository(Repository[LoginFailure]):
    model = LoginFailure

    def recent(self, email_key: str, address: str, since: datetime) -> list[datetime]:
        """When this account failed to log in from this address since `since`, oldest first."""
        query = (
            select(LoginFailure.failed_at)
            .where(
                LoginFailure.email_key == email_key,
                LoginFailure.address == address,
                LoginFailure.failed_at > since,
            )
            .order_by(LoginFailure.failed_at)
        )
        return list(self.session.scalars(query))

    def clear(self, email_key: str, address: str) -> None:
        self.session.execute(
            delete(LoginFailure).where(
                LoginFailure.email_key == email_key, LoginFailure.address == address
            )
        )

    def clear_all(self, email_key: str) -> None:
        self.session.execute(delete(LoginFailure).where(LoginFailure.email_key == email_key))
