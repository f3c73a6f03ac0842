"""The base of every repository: SQL lives in repositories, returned as composable Selects."""

from __future__ import annotations

import uuid
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jobtracker.db import Base
from jobtracker.kit.pagination import Pagination, paginate

ModelT = TypeVar("ModelT", bound=Base)


class Repository(Generic[ModelT]):
    model: type[ModelT]

    def __init__(self, session: Session) -> None:
        self.session = session

    def select(self) -> Select[ModelT]:
        return select(self.model)

    def get(self, id: uuid.UUID) -> ModelT | None:
        return self.session.get(self.model, id)

    def one_or_none(self, statement: Select[ModelT]) -> ModelT | None:
        return self.session.scalars(statement.limit(1)).first()

    def page(self, statement: Select[ModelT], page: Pagination) -> tuple[list[ModelT], int]:
        return paginate(self.session, statement, page)

    def add(self, row: ModelT) -> ModelT:
        """Add and flush, so constraint errors surface inside the service that caused them."""
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self, row: ModelT) -> None:
        self.session.delete(row)
        self.session.flush()

    def update(self, row: ModelT, values: dict[str, Any]) -> ModelT:
        for name, value in values.items():
            setattr(row, name, value)
        self.session.flush()
        return row
