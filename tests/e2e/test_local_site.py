"""The web pages on the local cloud's one port, as CloudFront serves them in AWS: the citizen app at /, the console
at /console/, their files, /config.json and the console's sign-in."""

import http.client
import json
import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import Cloud

SIGN_IN = "AWSCognitoIdentityProviderService.InitiateAuth"


def get(http: requests.Session, cloud: Cloud, path: str) -> requests.Response:
    return http.get(f"{cloud.url}{path}", timeout=30)


def test_each_app_answers_every_page_path(cloud: Cloud, http: requests.Session) -> None:
    citizen, console = get(http, cloud, "/index.html").text, get(http, cloud, "/console/index.html").text
    assert citizen != console
    for path, app in [
        ("/", citizen),
        ("/track", citizen),
        ("/survey/2612-000001?code=x", citizen),
        ("/console/", console),
        ("/console/tickets/2612-000001", console),
    ]:
        page = get(http, cloud, path)
        assert page.status_code == 200, path
        assert page.text == app, path
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["Cache-Control"] == "no-cache"  # a new deployment reaches the browser at once
    moved = http.get(f"{cloud.url}/console", allow_redirects=False, timeout=30)
    assert moved.status_code == 301 and moved.headers["Location"] == "/console/"


def test_the_api_keeps_its_paths(cloud: Cloud, http: requests.Session) -> None:
    assert get(http, cloud, "/v1/catalog").json()["types"]
    missing = get(http, cloud, "/v1/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert "Content-Security-Policy" not in missing.headers  # the site's headers are the site's


def test_the_api_answers_the_sites_origin_only(cloud: Cloud, http: requests.Session) -> None:
    # As in AWS, where the site is on CloudFront's origin: here both share the local cloud's.
    asked = {"Origin": cloud.url, "Access-Control-Request-Method": "POST"}
    preflight = http.options(f"{cloud.url}/v1/staff/tickets", headers=asked, timeout=30)
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == cloud.url
    refused = http.get(f"{cloud.url}/v1/staff/tickets", headers={"Origin": cloud.url}, timeout=30)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == cloud.url
    other = http.get(f"{cloud.url}/v1/catalog", headers={"Origin": "https://evil.example"}, timeout=30)
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers


def test_files_have_their_type_and_hashed_ones_are_cached_for_good(cloud: Cloud, http: requests.Session) -> None:
    pages = get(http, cloud, "/").text + get(http, cloud, "/console/").text
    scripts = re.findall(r'src="(/assets/[^"]+\.js)"', pages)
    styles = re.findall(r'href="(/assets/[^"]+\.css)"', pages)
    assert scripts and styles
    for path, kind in [(scripts[0], "text/javascript; charset=utf-8"), (styles[0], "text/css; charset=utf-8")]:
        file = get(http, cloud, path)
        assert file.status_code == 200 and file.content
        assert file.headers["Content-Type"] == kind
        assert file.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        head = http.head(f"{cloud.url}{path}", timeout=30)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["Content-Length"]) == len(file.content)
    for missing in ("/assets/gone-0000.js", "/assets/gone", "/favicon-gone.png"):
        assert get(http, cloud, missing).status_code == 404, missing  # not an app's page in place of a file


def test_pages_carry_the_security_headers(cloud: Cloud, http: requests.Session) -> None:
    for path in ("/", "/console/", "/config.json"):
        headers = get(http, cloud, path).headers
        policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == policy["style-src"] == "'self'"  # no inline code, no eval
        assert policy["connect-src"] == f"'self' {cloud.info['moto_url']}"  # the API, sign-in and uploads
        assert policy["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/assets/../../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/assets/..%2f..%2fpyproject.toml",
        "/console/%2E%2E/%2E%2E/pyproject.toml",
        "/..%5c..%5cpyproject.toml",
        "/..",
    ],
)
def test_no_file_outside_the_build_is_served(cloud: Cloud, path: str) -> None:
    # http.client sends the path as given (requests would resolve the dots before sending).
    address = urlsplit(cloud.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request("GET", path)
        reply = connection.getresponse()
        body = reply.read()
    finally:
        connection.close()
    assert reply.status == 400, (path, reply.status)
    assert b"importlinter" not in body


def test_config_tells_the_pages_where_the_api_and_sign_in_are(cloud: Cloud, http: requests.Session) -> None:
    config = get(http, cloud, "/config.json")
    assert config.headers["Content-Type"] == "application/json"
    assert config.headers["Cache-Control"] == "no-cache"
    assert config.json() == {
        "api_url": "",
        "cognito": {
            "url": f"{cloud.url}/cognito-idp",
            "client_id": cloud.info["user_pool_client_id"],
            "region": "us-east-1",
        },
    }


def cognito(http: requests.Session, url: str, target: str, body: dict[str, object]) -> requests.Response:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    return http.post(url, data=json.dumps(body), headers=headers, timeout=30)


def test_staff_sign_in_on_the_site_gives_a_token_the_api_accepts(cloud: Cloud, http: requests.Session) -> None:
    config = get(http, cloud, "/config.json").json()["cognito"]
    dispatcher = cloud.info["staff"]["dispatcher"]

    def sign_in(password: str) -> requests.Response:
        parameters = {"USERNAME": dispatcher["username"], "PASSWORD": password}
        body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": config["client_id"], "AuthParameters": parameters}
        return cognito(http, config["url"], SIGN_IN, body)

    signed_in = sign_in(dispatcher["password"])
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["AuthenticationResult"]["IdToken"]
    queue = http.get(f"{cloud.url}/v1/staff/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert queue.status_code == 200, queue.text
    refused = sign_in("not-the-password-1A!")
    assert refused.status_code == 400 and refused.json()["__type"] == "NotAuthorizedException"


def test_the_sign_in_endpoint_serves_nothing_else_of_cognito(cloud: Cloud, http: requests.Session) -> None:
    body = {"UserPoolId": cloud.info["user_pool_id"]}
    listed = cognito(http, f"{cloud.url}/cognito-idp", "AWSCognitoIdentityProviderService.ListUsers", body)
    assert listed.status_code == 400
    assert cloud.info["staff"]["admin"]["username"] not in listed.text
