"""The ticket clock's task: one wake-up of a ticket (Step Functions invokes this between waits)."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from hotline.aws.step_functions import execution_state
from hotline.services import clock_services
from pydantic import BaseModel, Field

logger = Logger(service="hotline-clock")


class WakeUp(BaseModel):
    number: str = Field(pattern=r"^\d{4}-\d{6}$")
    generation: int = Field(ge=1)


@logger.inject_lambda_context
@event_parser(model=WakeUp)
def handler(event: WakeUp, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(ticket=event.number, generation=event.generation)
    services = clock_services()
    services.config.new_request()
    wake = services.wake_up.wake(event.number, event.generation)
    logger.info("woke", extra={"done": wake.done, "wake_at": wake.wake_at.isoformat() if wake.wake_at else None})
    return execution_state(services.clock, event.number, event.generation, wake.wake_at)
