"""The local cloud relies on private moto internals; these fail loudly if a moto upgrade moves them."""

import inspect

from moto.awslambda.models import LambdaFunction
from moto.dynamodb.models import DynamoDBBackend

from infra.local import atomic, lambdas


def test_lambda_invocation_hook_still_exists() -> None:
    hook = lambdas.MOTO_INVOKE
    assert hasattr(LambdaFunction, "_invoke_lambda")
    assert list(inspect.signature(hook).parameters) == ["self", "event"]


def test_dynamodb_writes_are_serialized_once_installed() -> None:
    atomic.install()
    for name in atomic.WRITES:
        assert getattr(getattr(DynamoDBBackend, name), "__hotline_serialized__", False), name
