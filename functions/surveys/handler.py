"""The survey sweep, run by an EventBridge Scheduler schedule every 5 minutes (infra/constructs/surveys.py): every
ticket whose customer is due something by now gets it — held texts, a survey held by quiet hours, an unanswered
survey closed `no_response` (hotline/domain/surveys/sweep.py). The schedule's input is not read: what is due is on
the tickets, so a late, repeated or missed run does the same work."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.services import surveys_services

logger = Logger(service="hotline-surveys")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    services = surveys_services()
    changed = services.sweep.sweep(services.clock.now())
    # A run that found nothing to do (most of them) logs nothing at the default level.
    (logger.info if changed else logger.debug)("swept", extra={"changed": changed})
    return {"changed": changed}
