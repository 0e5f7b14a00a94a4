"""The local cloud relies on private moto internals; these fail loudly if a moto upgrade moves them."""

import inspect

from moto.awslambda.models import LambdaFunction
from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard
from moto.stepfunctions.models import StateMachine

from infra.local import atomic, cognito, lambdas, memory


def test_lambda_invocation_hook_still_exists() -> None:
    hook = lambdas.MOTO_INVOKE
    assert hasattr(LambdaFunction, "_invoke_lambda")
    assert list(inspect.signature(hook).parameters) == ["self", "event"]


def test_dynamodb_writes_are_serialized_once_installed() -> None:
    atomic.install()
    for name in atomic.WRITES:
        assert getattr(getattr(DynamoDBBackend, name), "__hotline_serialized__", False), name


def test_transaction_rollback_hooks_still_exist() -> None:
    assert list(inspect.signature(DynamoDBBackend.get_keys_value).parameters) == ["self", "table", "keys"]
    assert "self.items.append(StreamRecord(" in inspect.getsource(StreamShard.add)


def test_memory_hooks_still_exist() -> None:
    assert "instances_tracked.append" in inspect.getsource(memory._moto_base_new)
    assert "self.shard_iterators" in inspect.getsource(memory._moto_streams_init)
    # stepfunctions.install shares this attribute instead of copying the backend into each execution
    assert "self.backend = backend" in inspect.getsource(StateMachine.__init__)


def test_token_signing_hooks_still_exist() -> None:
    assert list(inspect.signature(cognito._moto_create_jwt).parameters)[:4] == [
        "self",
        "client_id",
        "username",
        "token_use",
    ]
    assert isinstance(CognitoIdpJsonWebKeyResponse.json_web_key, bytes)
