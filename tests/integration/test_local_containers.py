"""The local cloud's Lambda containers: concurrent requests to one function never see each other's request, as in
Lambda, where each container is a process of its own."""

from concurrent.futures import ThreadPoolExecutor

from tests.integration.conftest import Api, staff_claims


def test_concurrent_requests_in_different_containers_each_read_their_own_query(api: Api) -> None:
    # Powertools keeps the request being resolved on a class: containers sharing that class read each other's query
    # string, and the catalogue (which declares no query parameter) was refused for the listing's filters.
    supervisor = staff_claims("supervisor")

    def catalogue(_: int) -> int:
        return api.call("GET", "/v1/catalog").status

    def listing(_: int) -> int:
        return api.call(
            "GET", "/v1/staff/tickets", query="status=received&category=transport.bus", claims=supervisor
        ).status

    with ThreadPoolExecutor(4) as pool:
        answers = [pool.submit(call, i) for i in range(150) for call in (catalogue, listing)]
        statuses = [answer.result() for answer in answers]

    assert statuses == [200] * len(statuses)
