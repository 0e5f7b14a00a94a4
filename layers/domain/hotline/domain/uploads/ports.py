"""The uploads' port: the bucket the files are posted to. Adapters implement it; unit tests use a fake."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class PostForm:
    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredFile:
    content_type: str
    size: int


class FileStore(Protocol):
    def post_form(self, key: str, content_type: str, max_bytes: int, lifetime: timedelta) -> PostForm:
        """A signed form a browser posts one file with, straight to the store, which refuses another key, another
        content type, an empty file or one of more than `max_bytes`, and any post once `lifetime` is over."""
        ...

    def stat(self, key: str) -> StoredFile | None:
        """The file posted under `key` (None when nothing was)."""
        ...

    def link(self, key: str, name: str | None, content_type: str, inline: bool, lifetime: timedelta) -> str:
        """A link that serves the file for `lifetime` as `content_type`, shown by the browser (`inline`) or saved
        under `name`."""
        ...
