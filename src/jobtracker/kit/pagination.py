"""Offset pagination with a bounded limit, and the query that counts and slices a Select."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_LIMIT = 100
RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Pagination:
    limit: int = 20
    offset: int = 0


def _pagination(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 20,
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
) -> Pagination:
    return Pagination(limit=limit, offset=offset)


PaginationParams = Annotated[Pagination, Depends(_pagination)]


def paginate(session: Session, statement: Select[RowT], page: Pagination) -> tuple[list[RowT], int]:
    """The rows of one page and the total across all pages."""
    count: Any = select(func.count()).select_from(statement.order_by(None).subquery())
    total = session.scalar(count) or 0
    rows = session.scalars(statement.limit(page.limit).offset(page.offset)).all()
    return list(rows), total
