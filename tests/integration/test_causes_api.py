"""The cause catalogue (原因分类) as data: staff read it, admins replace it, and a reply's cause must be in it — by code
or by its Chinese name, stored as the code."""

from typing import Any

import pytest

from tests.integration.conftest import Api, Reply, staff_claims
from tests.support.forms import FORM
from tests.support.services import seed_units

URBAN = "district-urban-management"
DISPATCHER = staff_claims("dispatcher")
UNIT = staff_claims("unit", unit=URBAN)
ADMIN = staff_claims("admin")


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    return dict(reply.body)


@pytest.fixture
def accepted(api: Api) -> str:
    """A ticket its unit has accepted, ready for the reply."""
    seed_units()
    number = str(api.call("POST", "/v1/tickets", FORM).body["number"])
    ok(api.call("POST", f"/v1/staff/tickets/{number}/dispatch", {"unit_id": URBAN}, claims=DISPATCHER))
    ok(api.call("POST", f"/v1/staff/tickets/{number}/accept", {}, claims=UNIT))
    return number


def reply(api: Api, number: str, cause: str) -> Reply:
    return api.call("POST", f"/v1/staff/tickets/{number}/reply", {"result": "已处理", "cause_code": cause}, claims=UNIT)


def test_staff_read_the_seeded_catalogue_with_chinese_names(api: Api) -> None:
    catalogue = ok(api.call("GET", "/v1/staff/config/causes", claims=UNIT))

    construction = next(cause for cause in catalogue["causes"] if cause["code"] == "construction")
    assert construction["name_zh"] == "施工原因"
    assert [c["code"] for c in construction["children"]] == ["construction.permit", "construction.site"]


def test_a_reply_names_its_cause_by_code_or_chinese_name(api: Api, accepted: str) -> None:
    replied = ok(reply(api, accepted, "工地管理不善"))

    assert replied["handling"]["cause_code"] == "construction.site"
    assert replied["timeline"][-2]["data"]["cause_code"] == "construction.site"


@pytest.mark.parametrize("cause", ["noise", "夜间施工", "x" * 64])
def test_a_cause_not_in_the_catalogue_is_422_naming_the_field(api: Api, accepted: str, cause: str) -> None:
    refused = reply(api, accepted, cause)

    assert refused.status == 422, refused.body
    assert [f["field"] for f in refused.body["error"]["fields"]] == ["cause_code"]
    assert ok(api.call("GET", f"/v1/staff/tickets/{accepted}", claims=UNIT))["status"] == "in_progress"


def test_admins_replace_the_catalogue_and_replies_follow_it(api: Api, accepted: str) -> None:
    catalogue = {"causes": [{"code": "weather", "name": "Weather", "name_zh": "天气原因"}]}

    assert api.call("PUT", "/v1/staff/config/causes", catalogue, claims=UNIT).status == 403
    assert ok(api.call("PUT", "/v1/staff/config/causes", catalogue, claims=ADMIN))["causes"][0]["code"] == "weather"
    assert reply(api, accepted, "construction.permit").status == 422
    assert ok(reply(api, accepted, "天气原因"))["handling"]["cause_code"] == "weather"


def test_a_catalogue_with_a_code_twice_is_refused(api: Api) -> None:
    twice = {"causes": [{"code": "a", "name": "A", "name_zh": "甲"}, {"code": "a", "name": "B", "name_zh": "乙"}]}

    refused = api.call("PUT", "/v1/staff/config/causes", twice, claims=ADMIN)

    assert refused.status == 422 and "code must be unique" in str(refused.body)
