"""SQL for users and the follow list. The follow list is private: scoped to its owner here."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.exc import IntegrityError

from jobtracker.kit.repository import Repository
from jobtracker.kit.text import like_escape, words
from jobtracker.users.models import Favorite, User


class UserRepository(Repository[User]):
    model = User

    def get_active(self, user_id: uuid.UUID) -> User | None:
        return self.one_or_none(self.select().where(User.id == user_id, User.is_active))

    def get_by_email_key(self, email_key: str) -> User | None:
        return self.one_or_none(self.select().where(User.email_key == email_key))

    def search(self, query: str, *, exclude: uuid.UUID) -> Select[User]:
        """Active users but one, whose name has a word starting with each word of `query`."""
        statement = self.select().where(User.is_active, User.id != exclude)
        for word in words(query):
            statement = statement.where(
                User.search_name.like(f"% {like_escape(word)}%", escape="\\")
            )
        return statement.order_by(User.search_name, User.id)


class FavoriteRepository(Repository[Favorite]):
    model = Favorite

    def readable_by(self, owner_id: uuid.UUID) -> Select[Favorite]:
        return self.select().where(Favorite.user_id == owner_id)

    def followed_users(self, owner_id: uuid.UUID) -> Select[User]:
        followed = self.readable_by(owner_id).with_only_columns(Favorite.favorite_id)
        return (
            select(User)
            .where(User.id.in_(followed.scalar_subquery()), User.is_active)
            .order_by(User.search_name, User.id)
        )

    def follows_of(self, owner_id: uuid.UUID) -> Select[uuid.UUID, str, datetime]:
        """(id, name, since when) of each person the owner follows, for the owner's export."""
        return (
            self.readable_by(owner_id)
            .join(User, User.id == Favorite.favorite_id)
            .with_only_columns(User.id, User.full_name, Favorite.created_at)
            .order_by(Favorite.created_at, User.id)
        )

    def is_following(self, owner_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        query = self.readable_by(owner_id).where(Favorite.favorite_id == user_id)
        return bool(self.session.scalar(select(exists(query))))

    def followed_among(self, owner_id: uuid.UUID, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these users the owner follows, in one query (no N+1 on a page of people)."""
        query = self.readable_by(owner_id).where(Favorite.favorite_id.in_(user_ids))
        return set(self.session.scalars(query.with_only_columns(Favorite.favorite_id)))

    def follow(self, owner_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Idempotent: a concurrent duplicate loses to the unique constraint, harmlessly."""
        if self.is_following(owner_id, user_id):
            return
        try:
            with self.session.begin_nested():
                self.add(Favorite(user_id=owner_id, favorite_id=user_id))
        except IntegrityError:
            pass

    def unfollow(self, owner_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.session.execute(
            delete(Favorite).where(Favorite.user_id == owner_id, Favorite.favorite_id == user_id)
        )
