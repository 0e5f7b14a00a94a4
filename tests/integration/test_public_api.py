"""Citizens submit and track tickets through the public routes."""

import re

from tests.integration.conftest import Api
from tests.support.forms import FORM


def test_citizen_submits_in_chinese_and_tracks_with_the_access_code(api: Api) -> None:
    created = api.call("POST", "/v1/tickets", FORM)

    assert created.status == 201
    assert re.fullmatch(r"\d{4}-\d{6}", created.body["number"])
    assert re.fullmatch(r"\d{8}", created.body["access_code"])
    assert created.body["status"] == "received"
    assert created.body["received_at"].endswith("Z")

    number, code = created.body["number"], created.body["access_code"]
    tracked = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}")
    assert tracked.status == 200
    assert tracked.body["subject"] == "夜间施工噪音"
    assert [e["type"] for e in tracked.body["timeline"]] == ["ticket.created"]
    assert "contact" not in tracked.body


def test_wrong_code_answers_exactly_like_an_unknown_number(api: Api) -> None:
    number = api.call("POST", "/v1/tickets", FORM).body["number"]
    wrong = api.call("GET", f"/v1/tickets/{number}", query="code=00000000")
    unknown = api.call("GET", "/v1/tickets/2611-999999", query="code=00000000")
    assert wrong.status == unknown.status == 404
    assert wrong.body == unknown.body


def test_catalog_lists_types_categories_priorities_and_channels(api: Api) -> None:
    reply = api.call("GET", "/v1/catalog")
    assert reply.status == 200
    assert {t["code"] for t in reply.body["types"]} == {
        "suggestion",
        "request",
        "help",
        "complaint",
        "consultation",
        "praise",
    }
    assert "urban" in {c["code"] for c in reply.body["categories"]}
    assert "web" in reply.body["channels"]
