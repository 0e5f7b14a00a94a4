"""Open311 over HTTP through the local gateway: a new partner's key as a form field, read back in XML; the public
map shows only public tickets, coarsened, and a partner its own in full."""

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


def test_the_public_map_hides_a_citizens_home_and_coarsens_what_it_shows(cloud: Cloud, http: requests.Session) -> None:
    home = {"address": "北京市朝阳区建国路88号3号楼2单元501室", "lat": 39.90872, "long": 116.46048}
    form = {"type": "complaint", "category": "urban.noise", "subject": "夜间施工", "description": "工地夜间施工"}
    private = post(http, f"{cloud.url}/v1/tickets", {**form, "location": home}).json()["number"]
    public = post(http, f"{cloud.url}/v1/tickets", {**form, "location": home, "public": True}).json()["number"]

    listing = http.get(f"{cloud.url}/open311/v2/requests.json", timeout=30)
    assert listing.status_code == 200 and private not in listing.text and "88号" not in listing.text
    (row,) = [r for r in listing.json() if r["service_request_id"] == public]
    assert (row["address"], row["lat"], row["long"]) == ("北京市朝阳区建国路", 39.909, 116.46)
    assert http.get(f"{cloud.url}/open311/v2/requests/{private}.json", timeout=30).status_code == 404

    key = cloud.info["partner_api_key"]
    fields = {"api_key": key, "service_code": "urban.noise", "address_string": home["address"], "description": "噪音"}
    number = http.post(f"{cloud.url}/open311/v2/requests.json", data=fields, timeout=30).json()[0]["service_request_id"]
    own = http.get(f"{cloud.url}/open311/v2/requests/{number}.json", params={"api_key": key}, timeout=30).json()[0]
    assert own["address"] == home["address"] and own["description"] == "噪音"
    anyone = http.get(f"{cloud.url}/open311/v2/requests/{number}.json", timeout=30).json()[0]
    assert anyone["address"] == "北京市朝阳区建国路" and "description" not in anyone
