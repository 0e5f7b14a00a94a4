"""AWS clients for the adapters here, made on first use: boto3 is imported, and a service's model loaded, only when
an invocation calls that service (an API cold start that reads tickets makes none of them)."""

from typing import Any

from botocore.config import Config


def client(service: str, region: str, config: Config | None = None) -> Any:
    import boto3

    return boto3.client(service, region_name=region, config=config)  # type: ignore[call-overload]
