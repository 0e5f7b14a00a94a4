"""Photos and files on the local cloud, as a browser on the site's pages sends them: the API signs a form, the
browser posts it cross-origin to the uploads bucket (moto's S3 answering by the bucket's CORS rules and checking the
form's policy, as S3 does), the ticket refers to the file, and staff open it through a short-lived link."""

from typing import Any

import requests

from tests.e2e.conftest import Cloud
from tests.support.forms import FORM

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16 + b"\xff\xd9"
NAME = "现场照片.jpg"


def _sign(cloud: Cloud, http: requests.Session, size: int = len(JPEG), **given: Any) -> dict[str, Any]:
    body = {"filename": NAME, "content_type": "image/jpeg", "size": size, **given}
    signed = http.post(f"{cloud.url}/v1/uploads", json=body, headers={"Origin": cloud.url}, timeout=30)
    assert signed.status_code == 201, signed.text
    upload: dict[str, Any] = signed.json()
    return upload


def _post(
    http: requests.Session, upload: dict[str, Any], origin: str, body: bytes = JPEG, **fields: str
) -> requests.Response:
    """A browser's multipart form post: every signed field, then the file last."""
    form = {**upload["fields"], **fields}
    return http.post(
        upload["url"], data=form, files={"file": (NAME, body, "image/jpeg")}, headers={"Origin": origin}, timeout=30
    )


def test_a_browser_uploads_a_photo_the_ticket_refers_to_it_and_staff_open_it(
    cloud: Cloud, http: requests.Session
) -> None:
    upload = _sign(cloud, http)
    assert not upload["url"].startswith(cloud.url)  # the bucket is another origin than the site: CORS decides

    preflight = http.options(
        upload["url"], headers={"Origin": cloud.url, "Access-Control-Request-Method": "POST"}, timeout=30
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == cloud.url
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    posted = _post(http, upload, cloud.url)
    assert posted.status_code == 204, posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == cloud.url  # the page may read the answer

    attachment = {"ref": upload["key"], "name": NAME, "content_type": "image/jpeg"}
    created = http.post(f"{cloud.url}/v1/tickets", json={**FORM, "attachments": [attachment]}, timeout=30)
    assert created.status_code == 201, created.text
    number = created.json()["number"]

    read = http.get(f"{cloud.url}/v1/staff/tickets/{number}", headers=cloud.staff("agent"), timeout=30)
    (shown,) = read.json()["attachments"]
    file = http.get(shown["url"], timeout=30)
    assert file.status_code == 200 and file.content == JPEG
    assert file.headers["Content-Type"] == "image/jpeg"
    assert file.headers["Content-Disposition"] == "inline; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg"


def test_the_bucket_answers_pages_of_other_origins_nothing_they_may_read(cloud: Cloud, http: requests.Session) -> None:
    upload = _sign(cloud, http)
    elsewhere = "https://evil.example"

    preflight = http.options(
        upload["url"], headers={"Origin": elsewhere, "Access-Control-Request-Method": "POST"}, timeout=30
    )
    posted = _post(http, upload, elsewhere)

    assert preflight.status_code == 403 and "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in posted.headers


def test_the_signed_form_takes_only_the_declared_type_size_and_key(cloud: Cloud, http: requests.Session) -> None:
    upload = _sign(cloud, http, size=100)

    bigger = _post(http, upload, cloud.url, body=JPEG[:101])
    retyped = _post(http, upload, cloud.url, body=b"<script>alert(1)</script>", **{"Content-Type": "text/html"})
    elsewhere = _post(http, upload, cloud.url, body=JPEG[:100], key="uploads/2026/01/01/" + "0" * 32)
    public = _post(http, upload, cloud.url, body=JPEG[:100], acl="public-read")

    assert (bigger.status_code, "EntityTooLarge") == (400, _code(bigger))
    assert [(r.status_code, _code(r)) for r in (retyped, elsewhere, public)] == [(403, "AccessDenied")] * 3
    never = http.post(f"{cloud.url}/v1/tickets", json={**FORM, "attachments": [{"ref": upload["key"]}]}, timeout=30)
    assert never.status_code == 422 and never.json()["error"]["fields"][0]["field"] == "attachments.0.ref"


def _code(answer: requests.Response) -> str:
    return answer.text.split("<Code>", 1)[1].split("</Code>", 1)[0]
