"""What the citizen tests share: a photo to upload and the survey link the outbox holds."""

import json
import re
import struct
import zlib
from pathlib import Path

from tests.e2e.conftest import Cloud


def png(path: Path) -> Path:
    """A real 8×8 PNG (a photo's stand-in), written without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([200, 40, 40]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    )
    return path


def survey_link(cloud: Cloud, number: str) -> str | None:
    """The survey link texted about the ticket (the outbox holds what would have been texted, one JSON a line)."""
    link = re.compile(rf"https?://\S+/survey/{re.escape(number)}\?code=[\w-]+")
    for line in Path(cloud.info["outbox"]).read_text(encoding="utf-8").splitlines():
        found = link.search(json.loads(line)["text"])
        if found:
            return found.group(0)
    return None
