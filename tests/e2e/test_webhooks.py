"""Webhooks through the local cloud: the deployed stream, bus rule, queues and pollers post to a loopback endpoint."""

import requests

from tests.e2e.conftest import Cloud
from tests.e2e.test_local_cloud import FORM, post
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import receiver


def test_a_partner_gets_signed_events_retries_and_redelivers(cloud: Cloud, http: requests.Session) -> None:
    partner = {"id": "e2e-webhooks", "name": "Webhook client", "contact_email": "ops@hooks.example"}
    created = post(http, f"{cloud.url}/v1/staff/partners", partner, cloud.staff("admin"))
    assert created.status_code == 201, created.text
    key = {"x-api-key": created.json()["api_key"]}
    hook = f"{cloud.url}/v1/partner/webhook"

    with receiver() as endpoint:
        endpoint.statuses = [500]  # the first attempt fails; the retry (1 min, sped up) succeeds
        registered = http.put(hook, json={"url": endpoint.url}, headers=key, timeout=30)
        assert registered.status_code == 200, registered.text
        secret = registered.json()["secret"]

        submitted = post(http, f"{cloud.url}/v1/partner/tickets", {**FORM, "external_ref": "HOOK-1"}, key)
        assert submitted.status_code == 201, submitted.text
        number = submitted.json()["number"]

        # The clock routes the ticket at once, so `ticket.created` is followed by `ticket.dispatched`.
        wait_for(
            "the retried ticket.created and ticket.dispatched",
            lambda: (endpoint.of_type("ticket.created")[1:] and endpoint.of_type("ticket.dispatched")) or None,
            30,
        )
        created_event = endpoint.of_type("ticket.created")[-1]
        assert created_event.signed_with(secret) and created_event.payload["ticket_number"] == number
        assert endpoint.of_type("ticket.dispatched")[0].payload["ticket"]["status"] == "dispatched"

        log = http.get(f"{hook}/deliveries", headers=key, timeout=30).json()["items"]
        first = next(d for d in log if d["type"] == "ticket.created")
        assert first["status"] == "delivered"
        assert [a["status_code"] for a in first["attempts"]] == [500, 200]

        count = len(endpoint.received)
        redelivered = http.post(f"{hook}/deliveries/{first['event_id']}/redeliver", headers=key, timeout=30)
        assert redelivered.status_code == 202, redelivered.text
        again = wait_for("the redelivery", lambda: endpoint.received[count:] or None, 30)
        assert again[0].payload["id"] == first["event_id"] and again[0].signed_with(secret)

    # The demo partner registered nothing, so it is sent nothing and its log stays empty.
    assert http.get(f"{hook}/deliveries", headers=cloud.partner, timeout=30).json()["items"] == []
