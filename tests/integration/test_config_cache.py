"""Configuration kept per container: a submission reads one stamp, not every document, and an admin's change made
in another container is seen by the next request there (hotline.store.config_cache)."""

from datetime import datetime, timedelta

from hotline.domain.base.calendar import Duration, DurationUnit
from hotline.domain.config.policies import DEFAULT_POLICIES, PolicyBook
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import TicketType
from hotline.domain.tickets.timers import TimerName
from hotline.services import build_api
from hotline.settings import ApiSettings, load

from tests.integration.conftest import Api, staff_claims
from tests.support.forms import FORM
from tests.support.moto_requests import WRITES, dynamodb_requests

SUPERVISOR = staff_claims("supervisor")
ADMIN = StaffMember(id="a", username="admin1", roles=frozenset({Role.ADMIN}))
TEN_MINUTES = Duration(amount=10, unit=DurationUnit.MINUTES)


def _dispatch_minutes(api: Api) -> float:
    """A new complaint's dispatch target, as its stored dispatch due shows it."""
    number = api.call("POST", "/v1/tickets", FORM).body["number"]
    ticket = api.call("GET", f"/v1/staff/tickets/{number}", claims=SUPERVISOR).body
    timer = next(t for t in ticket["handling"]["deadlines"] if t["name"] == TimerName.DISPATCH)
    return (datetime.fromisoformat(timer["due"]) - datetime.fromisoformat(timer["started_at"])) / timedelta(minutes=1)


def test_a_submission_in_a_warm_container_reads_only_the_configuration_stamp(api: Api) -> None:
    api.call("POST", "/v1/tickets", FORM)  # the first request of the container loads the catalogue, policies …
    with dynamodb_requests() as seen:
        assert api.call("POST", "/v1/tickets", FORM).status == 201
    reads = {operation: count for operation, count in seen.items() if operation not in WRITES}
    assert reads == {"GetItem": 1}


def test_an_admins_change_in_another_container_is_seen_by_the_next_request(api: Api) -> None:
    assert _dispatch_minutes(api) == 30  # the seeded complaint policy, now kept by this container

    # Another container of the API function (its own cache) takes the admin's change.
    elsewhere = build_api(load(ApiSettings))
    faster = [
        policy.model_copy(update={"targets": {**policy.targets, TimerName.DISPATCH: TEN_MINUTES}})
        if policy.type == TicketType.COMPLAINT
        else policy
        for policy in DEFAULT_POLICIES.policies
    ]
    elsewhere.config_admin.replace_policies(ADMIN, PolicyBook(policies=faster))

    assert _dispatch_minutes(api) == 10
