"""The API's answers are readable by the site's pages, which run on another origin in AWS (CloudFront's), and by no
other origin's pages: the function says so on every answer, errors included (API Gateway answers the preflights)."""

from tests.integration.conftest import Api, staff_claims

SITE = "https://12345.example.gov.cn"  # the origin of the SITE_URL the tests' environment gives (tests/conftest.py)


def test_the_sites_pages_may_read_answers_and_errors(api: Api) -> None:
    asked = {"Origin": SITE}
    answers = [
        api.call("GET", "/v1/catalog", headers=asked),
        api.call("POST", "/v1/tickets", {"type": "rumour"}, headers=asked),  # 422: the form shows what was wrong
        api.call("GET", "/v1/tickets/2612-000001", query="code=12345678", headers=asked),  # 404
        api.call("GET", "/v1/staff/tickets", headers=asked, claims=staff_claims("agent")),
        api.call("POST", "/v1/staff/tickets", {}, headers=asked, claims=staff_claims("unit")),  # 403
    ]
    assert [a.status for a in answers] == [200, 422, 404, 200, 403]
    for answer in answers:
        assert answer.headers["Access-Control-Allow-Origin"] == SITE
        assert "Authorization" in answer.headers["Access-Control-Allow-Headers"]


def test_other_origins_and_plain_calls_get_no_cors_headers(api: Api) -> None:
    for headers in ({"Origin": "https://evil.example"}, {"Origin": f"{SITE}.evil.example"}, {}):
        answer = api.call("GET", "/v1/catalog", headers=headers)
        assert answer.status == 200
        assert not [name for name in answer.headers if name.lower().startswith("access-control-")], headers
