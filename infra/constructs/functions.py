"""How every Hotline Lambda is built: arm64 Python with the shared layers, JSON logs kept three months."""

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.bundling import function_code
from infra.constructs.layers import ARCHITECTURE, RUNTIME, SharedLayers


def python_function(
    scope: Construct,
    id: str,
    *,
    package: str,
    layers: SharedLayers,
    environment: dict[str, str],
    memory_size: int = 512,
    timeout: Duration = Duration.seconds(10),
) -> lambda_.Function:
    """`functions/<package>/handler.py`'s `handler`, packaged as `functions.<package>`."""
    return lambda_.Function(
        scope,
        id,
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        handler=f"functions.{package}.handler.handler",
        code=function_code(package),
        layers=layers.all,
        memory_size=memory_size,
        timeout=timeout,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=logs.LogGroup(scope, f"{id}Logs", retention=logs.RetentionDays.THREE_MONTHS),
        environment={"POWERTOOLS_LOG_LEVEL": "INFO", **environment},
    )
