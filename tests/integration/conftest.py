"""Integration tier: the real API handler and store against moto's DynamoDB, driven by proxy events."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from hotline.domain.partners.partner import Partner
from hotline.services import services
from hotline.settings import settings

from functions.api.idempotency import once
from infra.local.proxy_event import proxy_event
from tests.conftest import create_hash_key


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


class LambdaContext:
    function_name = "hotline-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hotline-api"
    aws_request_id = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


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
        from functions.api.handler import handler

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
        result = handler(event, LambdaContext())
        text = result.get("body") or ""
        headers = {k: ", ".join(v) for k, v in (result.get("multiValueHeaders") or {}).items()}
        headers.update(result.get("headers") or {})
        return Reply(result["statusCode"], headers, json.loads(text) if text.startswith(("{", "[")) else text)


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
    for cache in (settings, services, once):
        cache.cache_clear()
    yield Api()
    for cache in (settings, services, once):
        cache.cache_clear()


@pytest.fixture
def partners(api: Api) -> dict[str, str]:
    """Two partners with their API key ids."""
    keys = {"city-app": "key-city-app", "crm": "key-crm"}
    for partner_id, key_id in keys.items():
        services().partners.save(Partner(id=partner_id, name=partner_id, api_key_id=key_id))
    return keys


FORM = {
    "type": "complaint",
    "category": "urban.noise",
    "subject": "夜间施工噪音",
    "description": "小区旁边的工地每天晚上十一点以后还在施工，噪音很大，影响休息。",
    "location": {"address": "北京市朝阳区建国路88号", "lat": 39.9087, "long": 116.4605, "region": "chaoyang"},
    "contact": {"name": "张三", "phone": "13800138000"},
    "demands": "请相关部门制止夜间施工。",
}
