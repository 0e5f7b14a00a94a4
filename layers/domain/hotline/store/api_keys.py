"""Partner API keys and usage plans in API Gateway (one plan per partner, bound to the API's stage)."""

import secrets
from dataclasses import dataclass

import boto3


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    value: str
    usage_plan_id: str


@dataclass(frozen=True)
class Quota:
    requests_per_day: int = 10_000
    rate_per_second: float = 10
    burst: int = 20


class ApiGatewayKeys:
    def __init__(self, rest_api_id: str, stage: str, region: str) -> None:
        self._rest_api_id = rest_api_id
        self._stage = stage
        self._client = boto3.client("apigateway", region_name=region)

    def issue(self, partner_id: str, quota: Quota) -> IssuedKey:
        plan = self._client.create_usage_plan(
            name=f"partner-{partner_id}",
            apiStages=[{"apiId": self._rest_api_id, "stage": self._stage}],
            throttle={"rateLimit": quota.rate_per_second, "burstLimit": quota.burst},
            quota={"limit": quota.requests_per_day, "period": "DAY"},
        )
        value = secrets.token_urlsafe(30)
        key = self._client.create_api_key(name=f"partner-{partner_id}", enabled=True, value=value)
        self._client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        return IssuedKey(key_id=key["id"], value=value, usage_plan_id=plan["id"])
