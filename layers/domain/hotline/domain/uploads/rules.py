"""What may be uploaded: images and PDF, up to 10 MB each and 5 to a ticket, under keys the API makes."""

import re
import unicodedata
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from hotline.domain.base.clock import UtcDatetime

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
"""Uploaded files one ticket may refer to."""
MAX_NAME = 200
"""Characters of a file's name (the ticket's attachment keeps it as the name staff download it under)."""
POST_LIFETIME = timedelta(minutes=5)
"""The signed form works this long: enough to post 10 MB over a slow phone connection, too short to keep."""
LINK_LIFETIME = timedelta(minutes=5)
"""A staff member's link to a file works this long (a page reload makes new ones)."""
PREFIX = "uploads/"
KEY = re.compile(r"uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}")
"""`uploads/<yyyy>/<mm>/<dd>/<32 hex digits>`: made by the API, never from the client's file name."""


class FileType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    GIF = "image/gif"
    HEIC = "image/heic"
    PDF = "application/pdf"


SHOWN_INLINE = frozenset({FileType.JPEG, FileType.PNG, FileType.WEBP, FileType.GIF, FileType.PDF})
"""What a browser shows itself; HEIC (iPhone photos) is downloaded instead."""


def is_upload_key(ref: str) -> bool:
    return KEY.fullmatch(ref) is not None


def file_type(value: str | None) -> FileType | None:
    try:
        return FileType(value) if value is not None else None
    except ValueError:
        return None


def check_file_name(value: str) -> str:
    """The name without surrounding blanks; ValueError for what a name on a download must not hold."""
    name = value.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a file name has 1 to {MAX_NAME} characters")
    if name in (".", "..") or any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise ValueError("a file name has no path separators, control or invisible formatting characters")
    return name


FileName = Annotated[str, AfterValidator(check_file_name)]


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class UploadRequest(BaseModel):
    """A file the client is about to post."""

    model_config = ConfigDict(extra="forbid")

    filename: FileName = Field(
        min_length=1,
        max_length=MAX_NAME,
        description="The file's name as the person chose it (the attachment's `name` later); never part of the key.",
        examples=["噪音现场.jpg"],
    )
    content_type: Annotated[FileType, BeforeValidator(_lower)] = Field(
        description="The file's type; the signed form accepts this type only."
    )
    size: Annotated[int, Field(strict=True, gt=0, le=MAX_BYTES)] = Field(
        description=f"Bytes (at most {MAX_BYTES}, 10 MB); the signed form accepts up to this many."
    )


class Upload(BaseModel):
    """Where and how to post the file: a multipart/form-data POST to `url` with every entry of `fields`, then the
    file as `file` (the last part). Then name `key` as an attachment's `ref` on the ticket."""

    key: str = Field(examples=["uploads/2026/11/21/0f8fad5bd9cb469fa16570867728950e"])
    url: str = Field(description="Where to post the form.")
    fields: dict[str, str] = Field(description="The form's fields, signed: post them as they are.")
    expires_at: UtcDatetime = Field(description="The form is refused from then on: ask for a new one.")
