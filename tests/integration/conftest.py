"""Integration tier: the real API handler and store against moto's DynamoDB, driven by proxy events."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from hotline.domain.partners.partner import Partner
from hotline.services import api_services

from infra.local.lambdas import containers
from infra.local.proxy_event import proxy_event
from tests.conftest import create_api_resources, create_hash_key
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches

API_HANDLER = "functions.api.handler.handler"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any
    text: str = ""
    """The body as sent, before parsing."""


@dataclass
class Api:
    """Calls the handler as API Gateway would, after the gateway's own key and token checks."""

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        query: str = "",
        headers: dict[str, str] | None = None,
        api_key_id: str | None = None,
        claims: dict[str, Any] | None = None,
    ) -> Reply:
        payload = (
            raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else b"")
        )
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        event = proxy_event(
            method=method,
            path=path,
            resource="/{proxy+}",
            headers=sent_headers,
            query=query,
            body=payload,
            api_key_id=api_key_id,
            api_key="secret" if api_key_id else None,
            claims=claims,
        )
        with containers.container(API_HANDLER) as handler:  # concurrent calls each get their own, as in Lambda
            result = handler(event, LambdaContext())
        text = result.get("body") or ""
        headers = {k: ", ".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        headers.update(result.get("headers") or {})
        return Reply(result["statusCode"], headers, json.loads(text) if text.startswith(("{", "[")) else text, text)


def staff_claims(*roles: str, unit: str | None = None, username: str | None = None) -> dict[str, Any]:
    name = username or f"{'-'.join(roles) or 'nobody'}-user"
    claims: dict[str, Any] = {"sub": str(uuid4()), "cognito:username": name, "cognito:groups": ",".join(roles)}
    if unit:
        claims["custom:unit_id"] = unit
    return claims


@pytest.fixture
def api(table_name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("TABLE_NAME", table_name)
    monkeypatch.setenv("PEPPER_SECRET_ARN", create_hash_key())
    for name, value in create_api_resources().items():
        monkeypatch.setenv(name, value)
    reset_caches()
    yield Api()
    reset_caches()


@pytest.fixture
def partners(api: Api) -> dict[str, str]:
    """Two partners with their API key ids."""
    keys = {"city-app": "key-city-app", "crm": "key-crm"}
    for partner_id, key_id in keys.items():
        api_services().partners.save(Partner(id=partner_id, name=partner_id, api_key_id=key_id))
    return keys
