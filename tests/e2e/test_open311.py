"""Open311 over HTTP through the local gateway: a new partner's key as a form field, read back in XML."""

import xml.etree.ElementTree as ET

import requests

from tests.e2e.conftest import Cloud
from tests.e2e.test_local_cloud import post


def test_a_partner_submits_form_encoded_and_anyone_reads_it_in_xml(cloud: Cloud, http: requests.Session) -> None:
    partner = {"id": "e2e-open311", "name": "Open311 client", "contact_email": "ops@open311.example"}
    created = post(http, f"{cloud.url}/v1/staff/partners", partner, cloud.staff("admin"))
    assert created.status_code == 201, created.text
    key = created.json()["api_key"]

    form = {"api_key": key, "service_code": "urban.noise", "lat": "39.9", "long": "116.4", "attribute[hours]": "23-02"}
    submitted = http.post(f"{cloud.url}/open311/v2/requests.json", data=form, timeout=30)
    assert submitted.status_code == 201, submitted.text
    number = submitted.json()[0]["service_request_id"]

    refused = http.post(f"{cloud.url}/open311/v2/requests.xml", data={**form, "api_key": "nope"}, timeout=30)
    assert refused.status_code == 403 and ET.fromstring(refused.text).findtext("error/code") == "403"

    read = http.get(f"{cloud.url}/open311/v2/requests/{number}.xml", timeout=30)
    assert read.status_code == 200 and read.headers["Content-Type"].startswith("text/xml")
    request = ET.fromstring(read.text).find("request")
    assert request is not None
    assert request.findtext("service_request_id") == number and request.findtext("status") == "open"
    assert request.findtext("service_code") == "urban.noise"

    services = ET.fromstring(http.get(f"{cloud.url}/open311/v2/services.xml", timeout=30).text)
    assert "urban.noise" in [s.findtext("service_code") for s in services.findall("service")]
