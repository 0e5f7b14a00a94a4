"""Partner API keys and usage plans in API Gateway (one plan per partner, bound to the API's stage).

Implements the PartnerKeys port. A key's value is generated here, handed back once in IssuedKey and
never logged or stored by us (API Gateway keeps it).

Every plan and key is created with the OWNER_TAG naming our REST API: the API function's role may manage
only plans and keys that carry it (infra/constructs/api.py), so it cannot touch anyone else's.
"""

import secrets
from datetime import date
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from hotline.aws.clients import client
from hotline.domain.partners.partner import DayUsage, IssuedKey, KeyUsage, Partner, Quota

__all__ = ["OWNER_TAG", "ApiGatewayKeys", "IssuedKey", "Quota"]

OWNER_TAG = "hotline-rest-api"
"""Tag on the plans and keys Hotline creates; its value is the id of the REST API they serve."""

GONE = {"NotFoundException"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class ApiGatewayKeys:
    def __init__(self, rest_api_id: str, stage: str, region: str) -> None:
        self._rest_api_id = rest_api_id
        self._stage = stage
        self._region = region
        self._tags = {OWNER_TAG: rest_api_id}

    @cached_property
    def _client(self) -> Any:
        # Made on first use: only the admin routes need API Gateway, so other cold starts skip the client.
        return client("apigateway", self._region)

    def issue(self, partner: Partner) -> IssuedKey:
        quota = partner.quota
        plan = self._client.create_usage_plan(
            name=f"partner-{partner.id}",
            description=f"Hotline partner {partner.id}",
            apiStages=[{"apiId": self._rest_api_id, "stage": self._stage}],
            throttle={"rateLimit": quota.rate_per_second, "burstLimit": quota.burst},
            quota={"limit": quota.requests_per_day, "period": "DAY"},
            tags=self._tags,
        )
        try:
            return self._new_key(partner, plan["id"])
        except Exception:
            self._client.delete_usage_plan(usagePlanId=plan["id"])
            raise

    def rotate(self, partner: Partner) -> IssuedKey:
        if partner.usage_plan_id is None:
            return self.issue(partner)
        return self._new_key(partner, partner.usage_plan_id)

    def revoke(self, key_id: str, usage_plan_id: str | None) -> None:
        """Disable first (the key stops even if a later step fails), then detach and delete."""
        steps: list[tuple[str, dict[str, Any]]] = [
            ("update_api_key", {"apiKey": key_id, "patchOperations": [_disable()]}),
        ]
        if usage_plan_id is not None and self._attached(usage_plan_id, key_id):
            steps.append(("delete_usage_plan_key", {"usagePlanId": usage_plan_id, "keyId": key_id}))
        steps.append(("delete_api_key", {"apiKey": key_id}))
        for operation, arguments in steps:
            try:
                getattr(self._client, operation)(**arguments)
            except ClientError as error:
                if _code(error) not in GONE:
                    raise

    def discard(self, issued: IssuedKey) -> None:
        self.revoke(issued.key_id, issued.usage_plan_id)
        try:
            self._client.delete_usage_plan(usagePlanId=issued.usage_plan_id)
        except ClientError as error:
            if _code(error) not in GONE:
                raise

    def usage(self, partner: Partner, first_day: date, last_day: date) -> KeyUsage:
        """Requests per UTC day summed over the plan's keys (API Gateway reports usage with some delay)."""
        if partner.usage_plan_id is None:
            return KeyUsage(available=False)
        items: dict[str, list[list[int]]] = {}
        arguments = {
            "usagePlanId": partner.usage_plan_id,
            "startDate": first_day.isoformat(),
            "endDate": last_day.isoformat(),
        }
        try:
            for page in self._client.get_paginator("get_usage").paginate(**arguments):
                for key_id, days in (page.get("items") or {}).items():
                    items.setdefault(key_id, []).extend(days)
        except ClientError as error:
            if _code(error) in GONE:  # the plan was deleted behind our back: nothing to report
                return KeyUsage(available=False)
            raise
        span = (last_day - first_day).days + 1
        used = [0] * span
        remaining: list[int | None] = [None] * span
        for days in items.values():
            for index, pair in enumerate(days[:span]):
                used[index] += int(pair[0])
                remaining[index] = int(pair[1]) if len(pair) > 1 else None
        return KeyUsage(
            available=True,
            days=[
                DayUsage(day=date.fromordinal(first_day.toordinal() + i), used=used[i], remaining=remaining[i])
                for i in range(span)
            ],
        )

    # -- helpers ----------------------------------------------------------------------------------

    def _new_key(self, partner: Partner, usage_plan_id: str) -> IssuedKey:
        value = secrets.token_urlsafe(30)
        key = self._client.create_api_key(
            name=f"partner-{partner.id}",
            description=f"Hotline partner {partner.id}",
            enabled=True,
            value=value,
            tags=self._tags,
        )
        try:
            self._client.create_usage_plan_key(usagePlanId=usage_plan_id, keyId=key["id"], keyType="API_KEY")
        except Exception:
            self._client.delete_api_key(apiKey=key["id"])
            raise
        return IssuedKey(key_id=key["id"], value=value, usage_plan_id=usage_plan_id)

    def _attached(self, usage_plan_id: str, key_id: str) -> bool:
        try:
            self._client.get_usage_plan_key(usagePlanId=usage_plan_id, keyId=key_id)
        except ClientError as error:
            if _code(error) in GONE:
                return False
            raise
        return True


def _disable() -> dict[str, str]:
    return {"op": "replace", "path": "/enabled", "value": "false"}
