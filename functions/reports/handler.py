"""Generates reports from the report queue (infra/constructs/reports.py): the schedules' firings (`{"kind",
"scheduled_time"}`: daily at 08:00, weekly on Monday, monthly and annually, in the centre's zone) and on-demand
requests (`{"report_id"}`, from the API). Each message is one report; generating is idempotent (one report per kind
and period, a ready one left alone), so SQS's redelivery and Scheduler's retries are safe."""

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.domain.base.errors import NotFound
from hotline.domain.reports.policy import ReportKind
from hotline.services import reports_services

logger = Logger(service="hotline-reports")
processor = BatchProcessor(event_type=EventType.SQS)


def generate(record: SQSRecord) -> None:
    message: dict[str, Any] = json.loads(record.body)
    publisher = reports_services().publisher
    if "report_id" in message:
        try:
            report = publisher.generate(str(message["report_id"]))
        except NotFound:
            logger.warning("no such report", extra={"report_id": message["report_id"]})  # nothing to retry
            return
    else:
        fired = datetime.fromisoformat(str(message["scheduled_time"]).replace("Z", "+00:00"))
        report = publisher.scheduled(ReportKind(message["kind"]), fired)
    logger.info("report ready", extra={"report_id": report.id, "status": report.status.value})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    reports_services()  # an incomplete environment fails the invocation (SettingsError), not each message
    return process_partial_response(event=event, record_handler=generate, processor=processor, context=context)
