"""Webhooks in the domain: signatures, endpoint rules, the sender's retry decisions, the partner's log."""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hotline.domain.base.errors import Conflict, InvalidInput, NotFound
from hotline.domain.base.paging import Page, PageRequest
from hotline.domain.partners.partner import Partner
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.publication import PublishedEvent, publications
from hotline.domain.tickets.ticket import Actor, Ticket, TicketEvent, new_event_id
from hotline.domain.webhooks.delivery import (
    MAX_ATTEMPTS,
    PUBLIC_ENDPOINTS,
    Delivery,
    DeliveryStatus,
    Failure,
    Response,
    Subscription,
    address_problem,
    check_url,
    retry_after,
    sign,
)
from hotline.domain.webhooks.sender import Outcome, WebhookSender
from hotline.domain.webhooks.subscriptions import PartnerWebhooks
from hotline.web.https import LoopbackAllowed

from tests.support.clock import FixedClock

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
WALL = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
SECRET = "whsec_test"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # Expected value from: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expected = "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
    assert sign(SECRET, 1700000000, b'{"a":1}') == f"v1={expected}"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("https://crm.example.com/hooks", False),
        ("https://crm.example.com:443/hooks?k=v", False),
        ("https://93.184.216.34:8443/x", False),
        ("https://[2606:2800:220:1:248:1893:25c8:1946]/x", False),
        ("https://xn--fiqs8s.example/hooks", False),
        ("https://1.2.3.4.nip.io/hooks", False),  # a name: what it resolves to is checked at delivery
        ("http://127.0.0.1:9000/", True),
        ("http://localhost:9000/", True),
    ],
)
def test_public_https_endpoints_are_accepted_and_loopback_only_locally(url: str, loopback: bool) -> None:
    assert check_url(url, LoopbackAllowed() if loopback else PUBLIC_ENDPOINTS) == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("crm.example.com/hooks", "absolute https"),
        ("ftp://crm.example.com/", "absolute https"),
        ("http://crm.example.com/", "https"),
        ("https://user:pw@crm.example.com/", "user name"),
        ("https://@crm.example.com/", "user name"),
        ("https://localhost/hooks", "this machine"),
        ("https://hooks.localhost/", "this machine"),
        ("https://127.0.0.1/hooks", "this machine"),
        ("http://127.0.0.1:9000/", "https"),
        ("https://[::1]/hooks", "this machine"),
        ("https://10.1.2.3/hooks", "private"),
        ("https://169.254.169.254/latest", "private"),
        ("https://100.64.0.1/hooks", "private"),  # carrier-grade NAT: not private, not public either
        ("https://0.0.0.0/", "private"),
        ("https://224.0.0.1/", "private"),  # multicast counts as global in ipaddress
        ("https://240.0.0.1/", "private"),
        ("https://[fe80::1%25eth0]/", "private"),
        ("https://[fd00::1]/", "private"),
        ("https://[ff02::1]/", "private"),
        ("https://[2002:a9fe:a9fe::]/", "IPv4"),  # 6to4 of 169.254.169.254
        ("https://[2002:5db8:d822::]/", "IPv4"),  # 6to4 of a public address: refused too
        ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "IPv4"),  # Teredo
        ("https://[64:ff9b::a9fe:a9fe]/", "IPv4"),  # NAT64
        ("https://[64:ff9b:1::a00:1]/", "IPv4"),  # NAT64, local use
        ("https://[::ffff:127.0.0.1]/", "IPv4"),  # IPv4-mapped
        ("https://[::ffff:a9fe:a9fe]/", "IPv4"),
        ("https://[::a9fe:a9fe]/", "IPv4"),  # IPv4-compatible
        ("https://[::ffff:0:a9fe:a9fe]/", "IPv4"),  # IPv4-translated
        ("https://2130706433/", "four decimal numbers"),  # 127.0.0.1 as one number
        ("https://0x7f.1/", "four decimal numbers"),
        ("https://0x7f000001/", "four decimal numbers"),
        ("https://017700000001/", "four decimal numbers"),  # octal
        ("https://127.1/", "four decimal numbers"),
        ("https://127.0.0.01/", "four decimal numbers"),
        ("https://crm.example.123/", "four decimal numbers"),
        ("https://127.0.0.1./", "letters, digits"),
        ("https://%31%32%37.0.0.1/", "four decimal numbers"),
        ("https://%31%32%37.example/", "letters, digits"),
        ("https://crm_hooks.example/", "letters, digits"),
        ("https://crm.example.com:8080/", "port 443 or 8443"),
        ("https://crm.example.com:22/", "port 443 or 8443"),
        ("https://crm.example.com:0/", "port 443 or 8443"),
        ("https://93.184.216.34:6379/", "port 443 or 8443"),
        ("https://crm.example.com:99999/", "absolute https"),
    ],
)
def test_unusable_endpoints_are_refused_naming_the_url_field(url: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url(url, PUBLIC_ENDPOINTS)
    assert refused.value.fields[0].field == "url"
    assert problem in refused.value.fields[0].problem


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.8",
        "100.64.0.1",
        "169.254.169.254",
        "192.168.1.1",
        "::1",
        "fd00::1",
        "2002:a9fe:a9fe::",
        "::ffff:10.0.0.8",
    ],
)
def test_private_addresses_are_refused_after_dns_too(address: str) -> None:
    assert address_problem(address) is not None


def test_the_local_cloud_may_call_loopback_on_any_port_but_nothing_private() -> None:
    local = LoopbackAllowed()
    assert check_url("http://127.0.0.1:3001/hooks", local)
    assert local.address_problem("127.0.0.1") is None
    assert local.address_problem("10.0.0.8") is not None
    with pytest.raises(InvalidInput):
        check_url("http://10.0.0.8:3001/hooks", local)
    for malformed in ("http://127.1:3001/", "http://127.0.0.1:99999/", "http://user@127.0.0.1/", "ftp://127.0.0.1/"):
        with pytest.raises(InvalidInput):
            check_url(malformed, local)
    with pytest.raises(InvalidInput):  # the domain's own rules, as every deployment has them
        check_url("http://127.0.0.1:3001/hooks", PUBLIC_ENDPOINTS)


def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt() -> None:
    waits = [retry_after(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert waits[:-1] == sorted(w for w in waits[:-1] if w is not None)
    assert waits[0] == timedelta(minutes=1) and waits[-1] is None


def test_event_ids_sort_by_time() -> None:
    ids = [new_event_id(NOW + timedelta(milliseconds=ms)) for ms in (0, 1, 1000, 86_400_000)]
    assert ids == sorted(ids) and len(set(ids)) == 4 and all(len(i) == 32 for i in ids)


# -- publication ----------------------------------------------------------------------------------


def _ticket(partner_id: str | None = "city-app") -> Ticket:
    return Ticket(
        id="t-1",
        number="2611-000007",
        access_code_hash="x",
        channel=Channel.PARTNER if partner_id else Channel.WEB,
        partner_id=partner_id,
        external_ref="APP-7" if partner_id else None,
        type=TicketType.COMPLAINT,
        category="urban.noise",
        subject="夜间施工",
        description="每天晚上十点以后还在施工",
        received_at=NOW,
        updated_at=NOW,
    )


def _event(event_type: str = "ticket.created") -> TicketEvent:
    return TicketEvent(
        id=new_event_id(NOW), type=event_type, number="2611-000007", actor=Actor(role="system"), at=NOW, data={}
    )


def test_each_event_of_a_write_is_published_with_the_ticket_as_written() -> None:
    events = [_event("ticket.dispatched"), _event("ticket.accepted")]
    published = publications(_ticket(), events)
    assert [p.type for p in published] == ["ticket.dispatched", "ticket.accepted"]
    assert {p.ticket.number for p in published} == {"2611-000007"}
    assert published[0].detail()["partner_id"] == "city-app"


def test_a_citizen_ticket_event_has_no_partner_key_so_the_webhook_rule_skips_it() -> None:
    detail = publications(_ticket(partner_id=None), [_event()])[0].detail()
    assert "partner_id" not in detail and detail["ticket"]["number"] == "2611-000007"


# -- the sender -----------------------------------------------------------------------------------


@dataclass
class FakeSubscriptions:
    stored: dict[str, Subscription] = field(default_factory=dict)

    def get(self, partner_id: str) -> Subscription | None:
        return self.stored.get(partner_id)

    def put(self, subscription: Subscription) -> None:
        self.stored[subscription.partner_id] = subscription

    def delete(self, partner_id: str) -> None:
        self.stored.pop(partner_id, None)


@dataclass
class FakeLog:
    stored: dict[tuple[str, str], Delivery] = field(default_factory=dict)

    def get(self, partner_id: str, event_id: str) -> Delivery | None:
        return self.stored.get((partner_id, event_id))

    def put(self, delivery: Delivery) -> None:
        self.stored[(delivery.partner_id, delivery.event_id)] = delivery

    def list(self, partner_id: str, page: PageRequest) -> Page[Delivery]:
        mine = sorted((d for (p, _), d in self.stored.items() if p == partner_id), key=lambda d: d.event_id)
        return Page[Delivery](items=mine[::-1][: page.limit])


@dataclass
class FakeTransport:
    statuses: list[int | None] = field(default_factory=list)
    posts: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        self.posts.append((url, body, headers))
        status = self.statuses.pop(0) if self.statuses else 204
        return Response(status_code=status, error=None if status else Failure.CONNECTION_REFUSED, duration_ms=3)


@dataclass
class FakeQueue:
    queued: list[tuple[str, str]] = field(default_factory=list)

    def redeliver(self, partner_id: str, event_id: str) -> None:
        self.queued.append((partner_id, event_id))


@dataclass
class WebhookWorld:
    """A partner's webhook endpoint, subscriptions and delivery log over fakes, at a fixed domain and wall time."""

    subscriptions: FakeSubscriptions = field(default_factory=FakeSubscriptions)
    log: FakeLog = field(default_factory=FakeLog)
    transport: FakeTransport = field(default_factory=FakeTransport)
    queue: FakeQueue = field(default_factory=FakeQueue)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))

    @property
    def sender(self) -> WebhookSender:
        return WebhookSender(self.subscriptions, self.log, self.transport, self.clock, FixedClock(WALL))

    @property
    def webhooks(self) -> PartnerWebhooks:
        return PartnerWebhooks(self.subscriptions, self.log, self.queue, self.clock, make_secret=lambda: SECRET)

    def subscribe(self, partner_id: str = "city-app") -> None:
        self.subscriptions.put(
            Subscription(partner_id=partner_id, url="https://crm.example/h", secret=SECRET, created_at=NOW)
        )


def _published(partner_id: str | None = "city-app") -> PublishedEvent:
    return publications(_ticket(partner_id), [_event("ticket.replied")])[0]


def test_a_delivery_is_signed_with_the_wall_clock_timestamp_and_logged() -> None:
    world = WebhookWorld()
    world.subscribe()
    event = _published()
    assert world.sender.deliver(event, attempt=1).outcome is Outcome.DELIVERED
    url, body, headers = world.transport.posts[0]
    timestamp = headers["Hotline-Timestamp"]
    assert timestamp == str(int(WALL.timestamp()))
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["Hotline-Signature"] == f"v1={expected}"
    assert headers["Hotline-Event-Id"] == event.id and url == "https://crm.example/h"
    logged = world.log.get("city-app", event.id)
    assert logged is not None and logged.status is DeliveryStatus.DELIVERED and logged.delivered_at == NOW
    assert logged.payload.ticket.external_ref == "APP-7" and logged.attempts[0].status_code == 204


def test_failures_back_off_then_give_up_so_the_queue_dead_letters_the_event() -> None:
    world = WebhookWorld(transport=FakeTransport(statuses=[500] * MAX_ATTEMPTS))
    world.subscribe()
    event = _published()
    results = [world.sender.deliver(event, attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert [r.outcome for r in results] == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.GIVE_UP]
    assert results[0].wait == timedelta(minutes=1) and all(r.failed for r in results)
    logged = world.log.get("city-app", event.id)
    assert logged is not None and logged.status is DeliveryStatus.FAILED
    assert logged.attempt_count == MAX_ATTEMPTS and logged.next_attempt_at is None


def test_a_retrying_delivery_says_when_the_next_attempt_is() -> None:
    world = WebhookWorld(transport=FakeTransport(statuses=[None]))
    world.subscribe()
    event = _published()
    world.sender.deliver(event, attempt=2)
    logged = world.log.get("city-app", event.id)
    assert logged is not None and logged.status is DeliveryStatus.RETRYING
    assert logged.next_attempt_at == NOW + timedelta(minutes=5) and logged.attempts[0].error == "connection_refused"


def test_the_log_names_a_failure_class_or_the_http_status_never_the_system_error() -> None:
    world = WebhookWorld(transport=FakeTransport(statuses=[503, 302, None, 204]))
    world.subscribe()
    event = _published()
    for attempt in range(1, 5):
        world.sender.deliver(event, attempt)
    logged = world.log.get("city-app", event.id)
    assert logged is not None and logged.status is DeliveryStatus.DELIVERED
    assert [a.error for a in logged.attempts] == ["http_503", "http_302", "connection_refused", None]


def test_an_event_delivered_before_is_not_posted_again_unless_redelivered() -> None:
    world = WebhookWorld()
    world.subscribe()
    event = _published()
    world.sender.deliver(event, attempt=1)
    assert world.sender.deliver(event, attempt=1).outcome is Outcome.SKIPPED
    assert world.sender.redeliver("city-app", event.id, attempt=1).outcome is Outcome.DELIVERED
    assert len(world.transport.posts) == 2


def test_nothing_is_posted_or_logged_without_a_registered_endpoint() -> None:
    world = WebhookWorld()
    assert world.sender.deliver(_published(), attempt=1).outcome is Outcome.SKIPPED
    assert world.sender.deliver(_published(partner_id=None), attempt=1).outcome is Outcome.SKIPPED
    assert world.transport.posts == [] and world.log.stored == {}


# -- the partner's side ---------------------------------------------------------------------------

PARTNER = Partner(id="city-app", name="City app")
OTHER = Partner(id="other-crm", name="Other CRM")


def test_registering_returns_the_secret_and_checks_the_url() -> None:
    world = WebhookWorld()
    registered = world.webhooks.register(PARTNER, "https://crm.example/h")
    assert registered.secret == SECRET and "whsec" not in repr(registered)
    with pytest.raises(InvalidInput):
        world.webhooks.register(PARTNER, "http://crm.example/h")


def test_a_redelivery_is_queued_and_marked_pending() -> None:
    world = WebhookWorld(transport=FakeTransport(statuses=[500]))
    world.subscribe()
    event = _published()
    world.sender.deliver(event, attempt=MAX_ATTEMPTS)
    queued = world.webhooks.redeliver(PARTNER, event.id)
    assert queued.status is DeliveryStatus.PENDING and world.queue.queued == [("city-app", event.id)]


def test_partners_see_only_their_own_deliveries() -> None:
    world = WebhookWorld()
    world.subscribe()
    event = _published()
    world.sender.deliver(event, attempt=1)
    with pytest.raises(NotFound):
        world.webhooks.delivery(OTHER, event.id)
    with pytest.raises(NotFound):
        world.webhooks.redeliver(OTHER, event.id)
    assert world.webhooks.deliveries(OTHER, PageRequest(limit=10)).items == []


def test_a_redelivery_needs_a_registered_endpoint() -> None:
    world = WebhookWorld()
    world.subscribe()
    event = _published()
    world.sender.deliver(event, attempt=1)
    world.webhooks.remove(PARTNER)
    with pytest.raises(Conflict) as refused:
        world.webhooks.redeliver(PARTNER, event.id)
    assert refused.value.code == "no_webhook"
