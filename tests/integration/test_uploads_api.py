"""Photos and files through the API, on moto's S3: the signed form, the browser's post, the ticket that refers to the
file, staff's short-lived link to it, and what is refused."""

import os
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import requests

from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.services import seed_units

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
AGENT = staff_claims("agent", username="agent1")


def _sign(api: Api, **given: Any) -> Any:
    return api.call(
        "POST", "/v1/uploads", {"filename": "现场照片.jpg", "content_type": "image/jpeg", "size": 4096, **given}
    )


def _post(upload: dict[str, Any], body: bytes, content_type: str = "image/jpeg") -> requests.Response:
    """What a browser does with the form: every field, then the file last."""
    return requests.post(upload["url"], data=upload["fields"], files={"file": ("现场照片.jpg", body, content_type)})


def _uploaded(api: Api, body: bytes = JPEG) -> str:
    upload = _sign(api, size=len(body)).body
    assert _post(upload, body).status_code == 204
    return str(upload["key"])


def test_a_photo_goes_to_storage_the_ticket_refers_to_it_and_staff_open_it_by_a_short_lived_link(api: Api) -> None:
    signed = _sign(api, size=len(JPEG))
    assert signed.status == 201 and signed.headers["Cache-Control"] == "no-store"
    upload = signed.body
    assert set(upload) == {"key", "url", "fields", "expires_at"}
    assert re.fullmatch(r"uploads/\d{4}/\d{2}/\d{2}/[0-9a-f]{32}", upload["key"])
    bucket = os.environ["UPLOADS_BUCKET"]
    assert upload["url"] == f"https://{bucket}.s3.amazonaws.com/"  # us-east-1's host for the bucket
    assert upload["fields"]["key"] == upload["key"] and upload["fields"]["Content-Type"] == "image/jpeg"
    assert upload["expires_at"].endswith("Z")

    assert _post(upload, JPEG).status_code == 204
    attachment = {"ref": upload["key"], "name": "现场照片.jpg", "content_type": "image/jpeg"}
    created = api.call("POST", "/v1/tickets", {**FORM, "attachments": [attachment]})
    assert created.status == 201, created.body
    number, code = created.body["number"], created.body["access_code"]

    read = api.call("GET", f"/v1/staff/tickets/{number}", claims=AGENT)
    (shown,) = read.body["attachments"]
    assert {k: shown[k] for k in attachment} == attachment
    link = urlsplit(shown["url"])
    query = parse_qs(link.query)
    assert link.path == f"/{upload['key']}" and query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"] == [
        "inline; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg"
    ]
    assert query["response-content-type"] == ["image/jpeg"]
    fetched = requests.get(shown["url"])
    assert fetched.status_code == 200 and fetched.content == JPEG

    tracked = api.call("GET", f"/v1/tickets/{number}", query=f"code={code}")
    assert tracked.body["attachments"] == ["现场照片.jpg"]  # the name only: no key, no link
    assert upload["key"] not in tracked.text


def test_a_staff_action_answers_with_fresh_links_too(api: Api) -> None:
    seed_units()
    key = _uploaded(api)
    number = api.call("POST", "/v1/tickets", {**FORM, "attachments": [{"ref": key}]}).body["number"]
    dispatcher = staff_claims("dispatcher", username="dispatcher1")

    acted = api.call(
        "POST", f"/v1/staff/tickets/{number}/dispatch", {"unit_id": "district-urban-management"}, claims=dispatcher
    )

    assert acted.status == 200, acted.body
    (shown,) = acted.body["attachments"]
    assert shown["content_type"] == "image/jpeg" and requests.get(shown["url"]).content == JPEG


def _refused(reply: Any) -> list[str]:
    assert reply.status == 422, reply.body
    return [f["field"] for f in reply.body["error"]["fields"]]


def test_only_images_and_pdf_of_10_mb_or_less_with_a_plain_name_are_signed(api: Api) -> None:
    assert _sign(api, content_type="application/pdf").status == 201
    assert _refused(_sign(api, content_type="text/html")) == ["content_type"]
    assert _refused(_sign(api, content_type="image/svg+xml")) == ["content_type"]
    assert _refused(_sign(api, size=10 * 1024 * 1024 + 1)) == ["size"]
    assert _refused(_sign(api, size=0)) == ["size"]
    assert _refused(_sign(api, filename="../../etc/passwd")) == ["filename"]
    assert _refused(_sign(api, filename="")) == ["filename"]


def test_a_ticket_refers_only_to_files_uploaded_through_the_api(api: Api) -> None:
    key = _uploaded(api)
    never_posted = _sign(api).body["key"]
    s3 = boto3.client("s3", region_name="us-east-1")
    smuggled = key.replace(key[-32:], "f" * 32)  # an upload key's shape, written around the API with another type
    s3.put_object(Bucket=os.environ["UPLOADS_BUCKET"], Key=smuggled, Body=b"<script>", ContentType="text/html")

    def submit(*refs: str) -> Any:
        return api.call("POST", "/v1/tickets", {**FORM, "attachments": [{"ref": ref} for ref in refs]})

    assert _refused(submit(key, "https://evil.example/x.jpg")) == ["attachments.1.ref"]
    assert _refused(submit("reports/2026/x.json")) == ["attachments.0.ref"]
    assert _refused(submit(never_posted)) == ["attachments.0.ref"]
    assert _refused(submit(smuggled)) == ["attachments.0.ref"]
    assert _refused(submit(*[key] * 6)) == ["attachments"]
    assert submit(key).status == 201


def test_staff_registering_a_letter_attach_uploaded_files_but_no_links(api: Api) -> None:
    key = _uploaded(api)
    letter = {**FORM, "channel": "letter"}

    linked = api.call(
        "POST", "/v1/staff/tickets", {**letter, "attachments": [{"ref": "https://x.example/a.pdf"}]}, claims=AGENT
    )
    scanned = api.call("POST", "/v1/staff/tickets", {**letter, "attachments": [{"ref": key}]}, claims=AGENT)

    assert _refused(linked) == ["attachments.0.ref"]
    assert scanned.status == 201
