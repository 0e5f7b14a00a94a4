"""The knowledge base through the real API handler on moto: editors write, agents search in Chinese, the public
reads the FAQ without login, direct answers cite articles in force and their citations are counted from the table
stream; the knowledge function keeps the index's image in S3 that new containers start from."""

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hotline.aws.s3 import INDEX_KEY

from functions.knowledge.handler import handler as keep
from tests.integration.clock_harness import ClockHarness, clock_harness
from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.lambda_context import LambdaContext
from tests.support.services import reset_caches, seed_units

EDITOR = staff_claims("knowledge", username="knowledge1")
AGENT = staff_claims("agent", username="agent1")
UNIT = staff_claims("unit", unit="district-urban-management", username="unit1")
URBAN = "district-urban-management"

WASTE = {
    "title": "生活垃圾分类投放指南",
    "body": "居民应将生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，分别投放到对应的收集容器。"
    "厨余垃圾请在每天早上七点到九点投放。",
    "category": "urban.sanitation",
    "keywords": ["垃圾分类", "投放时间"],
    "public": True,
}
NOISE = {
    "title": "夜间施工噪音的处理口径",
    "body": "晚上十点后仍在施工的，先核实是否办理夜间施工许可，再转城管部门处理。",
    "category": "urban.noise",
    "keywords": ["噪音", "夜间施工"],
    "public": False,
    "owner_unit": URBAN,
}


@pytest.fixture
def kb(api: Api) -> Api:
    seed_units()
    return api


def write(api: Api, body: dict[str, Any], claims: dict[str, Any] = EDITOR) -> dict[str, Any]:
    reply = api.call("POST", "/v1/staff/knowledge", body, claims=claims)
    assert reply.status == 201, reply.body
    assert reply.headers["Location"] == f"/v1/staff/knowledge/{reply.body['id']}"
    return dict(reply.body)


def search(api: Api, q: str, claims: dict[str, Any] | None = AGENT, path: str = "/v1/staff/knowledge") -> list[Any]:
    reply = api.call("GET", path, query=f"q={q}", claims=claims)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def test_an_article_an_editor_writes_is_found_by_agents_in_either_script(kb: Api) -> None:
    waste = write(kb, WASTE)
    write(kb, NOISE)

    assert (waste["version"], waste["citations"], waste["retired_at"]) == (1, 0, None)
    for query in ("垃圾分類怎麼投放", "垃圾分类，投放时间", "垃圾分内投放"):  # traditional, punctuation, a typo
        items = search(kb, query)
        assert items[0]["id"] == waste["id"], query
        assert items[0]["title"] == "生活垃圾分类投放指南"
        assert items[0]["score"] > 0
        assert "<mark>" in items[0]["snippet"]
    assert [item["id"] for item in search(kb, "夜间施工", claims=UNIT)] != []


def test_editors_are_the_knowledge_role_supervisors_and_admins(kb: Api) -> None:
    for role in ("knowledge", "supervisor", "admin"):
        write(kb, WASTE, claims=staff_claims(role))
    for role in ("agent", "dispatcher", "unit"):
        refused = kb.call("POST", "/v1/staff/knowledge", WASTE, claims=staff_claims(role))
        assert (refused.status, refused.body["error"]["code"]) == (403, "forbidden"), role
    assert kb.call("GET", "/v1/staff/knowledge", query="q=垃圾").status == 401
    assert kb.call("GET", "/v1/staff/knowledge", query="q=垃圾", claims=staff_claims()).status == 403


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "field"),
    [
        ("POST", "/v1/staff/knowledge", {k: v for k, v in WASTE.items() if k != "title"}, "", "title"),
        ("POST", "/v1/staff/knowledge", {**WASTE, "public": "maybe"}, "", "public"),
        ("POST", "/v1/staff/knowledge", {**WASTE, "category": "no.such"}, "", "category"),
        ("POST", "/v1/staff/knowledge", {**WASTE, "owner_unit": "nowhere"}, "", "owner_unit"),
        ("POST", "/v1/staff/knowledge", {**WASTE, "keywords": ["x" * 33]}, "", "keywords.0"),
        ("POST", "/v1/staff/knowledge", {**WASTE, "valid_until": "soon"}, "", "valid_until"),
        ("GET", "/v1/staff/knowledge", None, "", "q"),
        ("GET", "/v1/staff/knowledge", None, "q=垃圾&limit=0", "limit"),
        ("GET", "/v1/faq", None, "q=", "q"),
        ("GET", "/v1/staff/knowledge/" + "x" * 65, None, "", "article_id"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(
    kb: Api, method: str, path: str, body: Any, query: str, field: str
) -> None:
    reply = kb.call(method, path, body, query=query, claims=EDITOR)

    assert reply.status == 422, reply.body
    assert field in [problem["field"] for problem in reply.body["error"]["fields"]]


def test_revisions_keep_every_version_and_refuse_a_stale_one(kb: Api) -> None:
    article = write(kb, WASTE)
    path = f"/v1/staff/knowledge/{article['id']}"

    revised = kb.call("PUT", path, {**WASTE, "title": "垃圾分类新规", "version": 1}, claims=EDITOR)
    stale = kb.call("PUT", path, {**WASTE, "version": 1}, claims=EDITOR)

    assert (revised.status, revised.body["version"], revised.body["title"]) == (200, 2, "垃圾分类新规")
    assert (stale.status, stale.body["error"]["code"]) == (409, "version_mismatch")
    versions = kb.call("GET", f"{path}/versions", claims=AGENT).body
    assert [(v["version"], v["title"]) for v in versions["items"]] == [(2, "垃圾分类新规"), (1, WASTE["title"])]
    assert kb.call("GET", path, claims=AGENT).body["version"] == 2
    assert [item["title"] for item in search(kb, "垃圾分类")] == ["垃圾分类新规"]


def test_a_retired_article_is_out_of_search_but_still_readable(kb: Api) -> None:
    article = write(kb, WASTE)
    path = f"/v1/staff/knowledge/{article['id']}"
    assert search(kb, "垃圾分类") != []

    retired = kb.call("POST", f"{path}/retire", claims=EDITOR)

    assert (retired.status, retired.body["version"]) == (200, 2)
    assert retired.body["retired_at"] is not None
    assert search(kb, "垃圾分类") == []
    assert search(kb, "垃圾分类", claims=None, path="/v1/faq") == []
    assert kb.call("GET", path, claims=AGENT).body["retired_at"] == retired.body["retired_at"]
    again = kb.call("PUT", path, WASTE, claims=EDITOR)
    assert (again.status, again.body["error"]["code"]) == (409, "article_retired")
    assert kb.call("POST", "/v1/staff/knowledge/nope/retire", claims=EDITOR).status == 404


def test_the_faq_needs_no_login_and_shows_only_public_articles(kb: Api) -> None:
    public = write(kb, WASTE)
    internal = write(kb, {**NOISE, "title": "垃圾清运内部口径", "keywords": ["垃圾分类"]})

    found = search(kb, "垃圾分类", claims=None, path="/v1/faq")

    assert [item["id"] for item in found] == [public["id"]]
    assert set(found[0]) == {"id", "title", "snippet", "score", "category", "updated_at"}
    assert {item["id"] for item in search(kb, "垃圾分类")} == {public["id"], internal["id"]}
    answer = kb.call("GET", f"/v1/faq/{public['id']}")
    assert (answer.status, answer.body["body"]) == (200, WASTE["body"])
    assert kb.call("GET", f"/v1/faq/{internal['id']}").status == 404


def test_articles_past_review_are_listed_for_their_owners(kb: Api) -> None:
    overdue = write(kb, {**NOISE, "reviewed_at": "2025-01-10"})
    write(kb, {**WASTE, "reviewed_at": "2025-03-01", "owner_unit": "district-market-regulation"})
    write(kb, WASTE)  # reviewed today

    everyone = kb.call("GET", "/v1/staff/knowledge/review-due", claims=EDITOR).body["items"]
    owners = kb.call("GET", "/v1/staff/knowledge/review-due", query="unit=district-market-regulation", claims=UNIT)

    assert [item["owner_unit"] for item in everyone] == [URBAN, "district-market-regulation"]
    assert [item["id"] for item in owners.body["items"]] == [overdue["id"]]  # a unit sees its own
    assert everyone[0]["review_due"] == "2025-07-09"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[ClockHarness]:
    with clock_harness(monkeypatch, time_scale=60) as harness:
        yield harness


CALL = {**FORM, "channel": "phone"}
ANSWERED = {"resolution": "direct_answer", "answer": "已告知可向城管执法部门举报。"}


def test_direct_answers_citing_an_article_are_counted_once_each(clock: ClockHarness) -> None:
    article = write(clock.api, {**NOISE, "public": True})
    other = write(clock.api, WASTE)
    for articles in ([article["id"]], [article["id"], other["id"], article["id"]], []):
        reply = clock.api.call(
            "POST", "/v1/staff/tickets", {**CALL, "disposition": {**ANSWERED, "articles": articles}}, claims=AGENT
        )
        assert reply.status == 201, reply.body

    clock.consume_stream()
    clock.consume_stream()  # the stream hands every write on again (a retried batch)

    assert clock.api.call("GET", f"/v1/staff/knowledge/{article['id']}", claims=AGENT).body["citations"] == 2
    assert clock.api.call("GET", f"/v1/staff/knowledge/{other['id']}", claims=AGENT).body["citations"] == 1


def test_a_direct_answer_citing_an_unknown_or_retired_article_is_a_422_naming_it(kb: Api) -> None:
    article = write(kb, WASTE)
    retired = write(kb, NOISE)
    assert kb.call("POST", f"/v1/staff/knowledge/{retired['id']}/retire", claims=EDITOR).status == 200
    cited = [article["id"], "no-such-article", retired["id"]]

    reply = kb.call("POST", "/v1/staff/tickets", {**CALL, "disposition": {**ANSWERED, "articles": cited}}, claims=AGENT)

    assert (reply.status, reply.body["error"]["code"]) == (422, "invalid_input"), reply.body
    assert [problem["field"] for problem in reply.body["error"]["fields"]] == [
        "disposition.articles[1]",
        "disposition.articles[2]",
    ]
    listed = kb.call("GET", "/v1/staff/tickets", query="channel=phone", claims=AGENT).body["items"]
    assert listed == []  # nothing stored


def test_a_new_container_searches_from_the_image_the_knowledge_function_keeps(kb: Api) -> None:
    waste = write(kb, WASTE)
    assert keep_image() == {"stored_revision": 1}
    assert keep_image() == {"stored_revision": None}  # nothing changed since
    fund = write(kb, {**WASTE, "title": "住房公积金提取条件", "body": "购房、租房或退休时可以申请提取住房公积金。"})
    stored = boto3.client("s3", region_name="us-east-1").get_object(
        Bucket=os.environ["KNOWLEDGE_INDEX_BUCKET"], Key=INDEX_KEY
    )
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["Body"].read().startswith(b"SQLite format 3")

    reset_caches()  # a new container: it starts from the image, then reads the write made after it

    assert search(kb, "垃圾分類")[0]["id"] == waste["id"]
    assert search(kb, "公积金提取")[0]["id"] == fund["id"]
    assert keep_image() == {"stored_revision": 2}


def test_without_a_usable_image_a_new_container_indexes_every_article(kb: Api) -> None:
    waste = write(kb, WASTE)
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=os.environ["KNOWLEDGE_INDEX_BUCKET"], Key=INDEX_KEY, Body=b"an image another version left"
    )

    assert search(kb, "垃圾分类")[0]["id"] == waste["id"]
    assert keep_image() == {"stored_revision": 1}  # and the function replaces it


def keep_image() -> Any:
    """One run of the knowledge function, as its schedule runs it."""
    return keep({}, LambdaContext())
