"""The hash key (pepper) from Secrets Manager: generated at deploy time by CDK, at start by the local cloud.

Read once per cold start, on first use, by the function that hashes (the API); never logged.
"""

from collections.abc import Callable

from hotline.aws.clients import client


def secret_key(secret_id: str, region: str) -> Callable[[], bytes]:
    """A reader of the secret's value as the key's bytes."""

    def read() -> bytes:
        answer = client("secretsmanager", region).get_secret_value(SecretId=secret_id)
        return str(answer["SecretString"]).encode()

    return read
