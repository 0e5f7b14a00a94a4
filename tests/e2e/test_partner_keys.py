"""An admin onboards a partner over HTTP; the local gateway honours its key, rotations and revocation at once."""

import requests

from tests.e2e.conftest import Cloud
from tests.e2e.test_local_cloud import FORM, post

NEW_PARTNER = {
    "id": "e2e-city-app",
    "name": "城市服务App",
    "contact_email": "ops@city.example",
    "quota": {"requests_per_day": 1000, "rate_per_second": 5, "burst": 10},
}


def test_admin_creates_rotates_and_revokes_a_partner_key(cloud: Cloud, http: requests.Session) -> None:
    partners = f"{cloud.url}/v1/staff/partners"
    assert post(http, partners, NEW_PARTNER, cloud.staff("agent")).status_code == 403

    created = post(http, partners, NEW_PARTNER, cloud.staff("admin"))
    assert created.status_code == 201, created.text
    assert created.headers["Cache-Control"] == "no-store"
    first_key = {"x-api-key": created.json()["api_key"]}

    def submit(key: dict[str, str], ref: str) -> requests.Response:
        return post(http, f"{cloud.url}/v1/partner/tickets", {**FORM, "external_ref": ref}, key)

    assert submit(first_key, "E2E-1").status_code == 201
    assert submit(first_key, "E2E-1").status_code == 200  # the same reference: the original ticket

    listed = http.get(partners, headers=cloud.staff("admin"), timeout=30).json()["items"]
    mine = next(p for p in listed if p["id"] == "e2e-city-app")
    assert mine["active"] and mine["quota"]["burst"] == 10
    assert mine["usage"]["available"] is False  # moto does not count usage

    rotated = post(http, f"{partners}/e2e-city-app/keys/rotate", None, cloud.staff("admin"))
    assert rotated.status_code == 200, rotated.text
    second_key = {"x-api-key": rotated.json()["api_key"]}
    refused = submit(first_key, "E2E-2")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "invalid_api_key"
    synced = http.get(f"{cloud.url}/v1/partner/tickets", headers=second_key, timeout=30)
    assert synced.status_code == 200 and [t["external_ref"] for t in synced.json()["items"]] == ["E2E-1"]

    revoked = post(http, f"{partners}/e2e-city-app/revoke", None, cloud.staff("admin"))
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    for key in (first_key, second_key):
        refused = http.get(f"{cloud.url}/v1/partner/tickets", headers=key, timeout=30)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "invalid_api_key"
    # The demo partner is untouched.
    assert http.get(f"{cloud.url}/v1/partner/tickets", headers=cloud.partner, timeout=30).status_code == 200
