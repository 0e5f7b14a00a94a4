"""Pagination shared by every listing: `limit` (default 50, max 200) and an opaque `next` token."""

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageRequest(BaseModel):
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    token: str | None = None


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None
