"""`make bench`: numbers, not pass/fail — cold import, handler latency, DynamoDB calls per request, the cost
of 50 concurrent submissions competing for one month's serial, and the ticket clock's state transitions per
ticket path on moto in-process; knowledge search over 10,000 articles (tests/bench/knowledge.py); a monthly report
over 10,000 and 100,000 tickets' aggregates (tests/bench/reports.py); then the local cloud's memory after 2,000
tickets (tests/bench/local_cloud.py).
The local cloud's figures also go to `.hotline/bench.json`."""

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

calls: Counter[str] = Counter()
_make_api_call = BaseClient._make_api_call


def _counting(self: BaseClient, operation: str, params: Any) -> Any:
    calls[operation] += 1
    return _make_api_call(self, operation, params)


BaseClient._make_api_call = _counting  # type: ignore[method-assign]


@contextmanager
def counted() -> Iterator[Counter[str]]:
    calls.clear()
    snapshot: Counter[str] = Counter()
    yield snapshot
    snapshot.update(calls)


def cold_import_ms(runs: int = 5) -> float:
    code = "import time; t=time.perf_counter(); import functions.api.handler; print((time.perf_counter()-t)*1000)"
    env = {**os.environ, "TABLE_NAME": "bench", "PYTHONPATH": "layers/domain:."}
    samples = [float(subprocess.check_output([sys.executable, "-c", code], env=env)) for _ in range(runs)]
    return statistics.median(samples)


def latency(label: str, action: Callable[[], Any], runs: int = 100) -> None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"  {label:<34} p50 {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms")


def main() -> None:
    from moto import mock_aws

    from infra.local import atomic
    from tests.bench import clock, knowledge, local_cloud, reports
    from tests.conftest import create_api_resources, create_hash_key, create_table
    from tests.integration.conftest import Api, staff_claims
    from tests.support.forms import FORM

    print(f"cold import of functions.api.handler: {cold_import_ms():.0f} ms (median of 5)")
    atomic.install()
    with mock_aws():
        create_table("bench")
        os.environ["TABLE_NAME"] = "bench"
        os.environ["PEPPER_SECRET_ARN"] = create_hash_key()
        os.environ.update(create_api_resources())
        api = Api()
        agent = staff_claims("agent")
        first = api.call("POST", "/v1/tickets", FORM).body
        print("handler latency on moto (in-process, 100 runs):")
        latency("POST /v1/tickets", lambda: api.call("POST", "/v1/tickets", FORM))
        latency(
            "GET /v1/tickets/{number}?code=",
            lambda: api.call("GET", f"/v1/tickets/{first['number']}", query=f"code={first['access_code']}"),
        )
        latency("GET /v1/staff/tickets (limit 50)", lambda: api.call("GET", "/v1/staff/tickets", claims=agent))
        print("DynamoDB calls per request:")
        for label, action in (
            ("POST /v1/tickets (no contention)", lambda: api.call("POST", "/v1/tickets", FORM)),
            (
                "GET /v1/tickets/{number}?code=",
                lambda: api.call("GET", f"/v1/tickets/{first['number']}", query=f"code={first['access_code']}"),
            ),
        ):
            with counted() as used:
                action()
            print(f"  {label:<34} {dict(used)}")
        with counted() as used, ThreadPoolExecutor(max_workers=50) as pool:
            started = time.perf_counter()
            statuses = list(pool.map(lambda _: api.call("POST", "/v1/tickets", FORM).status, range(50)))
            elapsed = time.perf_counter() - started
        print(
            f"50 concurrent submissions: {elapsed:.1f} s wall, statuses {dict(Counter(statuses))}, "
            f"{used['TransactWriteItems']} TransactWriteItems for 50 tickets (lost races retry)"
        )
    clock.report()
    knowledge.run()
    reports.run()
    local_cloud.run()


if __name__ == "__main__":
    main()
