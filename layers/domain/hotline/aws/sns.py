"""Notifications to units go out on one SNS topic; subscribers filter on the `recipient` and `kind` attributes.
Texts to customers go out as SMS, published straight to the phone number.

Only the table stream's consumer sends them (functions/events), at least once: a retried write sends its
notifications again, each with the same `id` in its message, and its texts again."""

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from hotline.aws.clients import client
from hotline.domain.reports.record import ReportRecord
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.notification import Notification

TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
"""Delivered with the reliability SNS gives one-time codes and alerts (and priced so), not as marketing."""


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


class SnsTexter:
    """Publishes each text as an SMS. The number and the text are personal: never logged, here or by botocore (its
    own debug logging stays off in Lambda)."""

    def __init__(self, region: str) -> None:
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("sns", self._region)

    def send(self, messages: Sequence[CustomerMessage]) -> None:
        for message in messages:
            self._client.publish(PhoneNumber=message.to, Message=message.text, MessageAttributes=TRANSACTIONAL)


class SnsReportMail:
    """A short e-mail to the report topic's subscribers: the headline figures and where to read the report (the files
    themselves are fetched through the staff API, whose links are short-lived)."""

    def __init__(self, topic_arn: str, region: str) -> None:
        self._topic_arn = topic_arn
        self._region = region

    @cached_property
    def _client(self) -> Any:
        return client("sns", self._region)

    def published(self, record: ReportRecord) -> None:
        lines = [record.title, f"统计期间：{record.period.first.isoformat()} 至 {record.period.last.isoformat()}"]
        if record.headline:
            h = record.headline
            lines += [
                f"受理 {h.received} 件，答复 {h.replied} 件",
                f"按时办结率 {h.resolve_on_time.percent}，满意率 {h.satisfaction.percent}",
            ]
        lines.append(f"报表（JSON、CSV、XLSX、HTML）：GET /v1/staff/reports/{record.id}")
        self._client.publish(TopicArn=self._topic_arn, Subject=record.title[:100], Message="\n".join(lines))
