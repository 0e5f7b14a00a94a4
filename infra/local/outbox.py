"""The local outbox: every SMS moto's SNS receives is also appended to `.hotline/outbox.jsonl` (DESIGN.md §8), one
JSON object a line, `{"to", "text", "at", "kind"}`, so a person can read the texts and follow their links.

The events function publishes texts exactly as in AWS (hotline/aws/sns.py: `Publish` with `PhoneNumber`); moto keeps
them in `SNSBackend.sms_messages` and sends them nowhere. `install` wraps moto's `SNSBackend.publish` in this process
(the server runs here), so a text is in the file by the time its publish returns; `at` is the local cloud's scaled
time, as the tickets' own timestamps are. tests/integration/test_survey_schedule.py runs it against moto's SNS.
"""

import json
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from hotline.domain.base.clock import to_iso_z
from moto.sns.models import SNSBackend

Publish = Callable[..., str]

MOTO_PUBLISH: Publish = SNSBackend.publish
"""moto's own method, kept so the canary test can check what it records."""

_lock = threading.Lock()


def recording(publish: Publish, outbox: Path, now: Callable[[], datetime]) -> Publish:
    """`publish` that also appends each SMS it accepts (a topic's messages are not texts) to `outbox`."""

    def publish_and_record(backend: SNSBackend, message: str, arn: str | None, *args: Any, **kwargs: Any) -> str:
        message_id = publish(backend, message, arn, *args, **kwargs)
        phone_number = kwargs.get("phone_number", args[0] if args else None)
        if phone_number:
            line = json.dumps(
                {"to": phone_number, "text": message, "at": to_iso_z(now()), "kind": "sms"}, ensure_ascii=False
            )
            with _lock, outbox.open("a", encoding="utf-8") as file:
                file.write(line + "\n")
        return message_id

    return publish_and_record


def install(outbox: Path, now: Callable[[], datetime]) -> None:
    """Start an empty outbox (the tickets of an earlier run are gone) and record every SMS into it."""
    outbox.parent.mkdir(parents=True, exist_ok=True)
    outbox.write_text("", encoding="utf-8")
    SNSBackend.publish = recording(MOTO_PUBLISH, outbox, now)  # type: ignore[method-assign]
