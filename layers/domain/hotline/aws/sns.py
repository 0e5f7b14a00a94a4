"""Notifications to units go out on one SNS topic; subscribers filter on the `recipient` and `kind` attributes.

Only the table stream's consumer sends them (functions/events), at least once: a retried write sends its
notifications again, each with the same `id` in its message."""

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from hotline.aws.clients import client
from hotline.domain.tickets.notification import Notification


class SnsNotifier:
    def __init__(self, topic_arn: str, region: str) -> None:
        self._topic_arn = topic_arn
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("sns", self._region)

    def send(self, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            self._client.publish(
                TopicArn=self._topic_arn,
                Subject=f"Hotline {notification.kind}: {notification.number}"[:100],
                Message=json.dumps(notification.model_dump(mode="json"), ensure_ascii=False),
                MessageAttributes={
                    "kind": {"DataType": "String", "StringValue": notification.kind},
                    "recipient": {"DataType": "String.Array", "StringValue": json.dumps(notification.recipients)},
                },
            )
