"""The one base for API shapes, and the page envelope every list returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

ItemT = TypeVar("ItemT")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid", str_strip_whitespace=True)


class Page(Schema, Generic[ItemT]):
    items: Sequence[ItemT]
    total: int
    limit: int
    offset: int
