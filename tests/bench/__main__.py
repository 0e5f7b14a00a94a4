"""`make bench`: numbers, not pass/fail — cold import, handler latency, DynamoDB requests per request, a burst of 100
concurrent submissions, the ticket clock's state transitions per ticket path and what a ticket costs (on moto
in-process); knowledge search over 10,000 articles (tests/bench/knowledge.py); a monthly report over 10,000 and
100,000 tickets' aggregates (tests/bench/reports.py); then the local cloud: 100 submissions at once and one after
another, and its memory after 2,000 tickets (tests/bench/local_cloud.py). Every figure of the clock path and the
local cloud also goes to `.hotline/bench.json`."""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

from tests.bench.figures import record, start_afresh
from tests.support.moto_requests import WRITES, dynamodb_requests

BURST = 100
IMPORT_RUNS = 15
API_IMPORT = "import functions.api.handler"
BOTO3_CLIENT = "import boto3; boto3.client('dynamodb', region_name='us-east-1')"


def cold_imports() -> dict[str, float]:
    """Whole-process times, the two interleaved so a busy machine weighs on both alike, medians of IMPORT_RUNS.
    Both run with bytecode compiled (as boto3's is in the Lambda runtime, and ours once packaged with it)."""
    with tempfile.TemporaryDirectory() as bytecode:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update({"TABLE_NAME": "bench", "PYTHONPATH": "layers/domain:.", "PYTHONPYCACHEPREFIX": bytecode})

        def seconds(code: str) -> float:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
            return time.perf_counter() - started

        for code in (API_IMPORT, BOTO3_CLIENT):
            seconds(code)  # compiles what has no bytecode yet
        api, boto3 = [], []
        for _ in range(IMPORT_RUNS):
            api.append(seconds(API_IMPORT))
            boto3.append(seconds(BOTO3_CLIENT))
    figures = {
        "cold_import_ms_api": round(statistics.median(api) * 1000),
        "cold_import_ms_boto3_dynamodb_client": round(statistics.median(boto3) * 1000),
        "cold_import_ratio_api_vs_boto3": round(statistics.median(api) / statistics.median(boto3), 2),
    }
    api_ms, boto3_ms = figures["cold_import_ms_api"], figures["cold_import_ms_boto3_dynamodb_client"]
    print(
        f"cold import, whole process (median of {IMPORT_RUNS}, side by side): functions.api.handler {api_ms} ms,"
        f" boto3 + a DynamoDB client {boto3_ms} ms: ratio {figures['cold_import_ratio_api_vs_boto3']}"
    )
    return figures


def latency(label: str, action: Callable[[], Any], runs: int = 100) -> None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"  {label:<34} p50 {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms")


def on_moto() -> dict[str, float]:
    from moto import mock_aws

    from infra.local import atomic
    from tests.conftest import create_api_resources, create_hash_key, create_table
    from tests.integration.conftest import Api, staff_claims
    from tests.support.forms import FORM

    atomic.install()
    with mock_aws():
        create_table("bench")
        os.environ["TABLE_NAME"] = "bench"
        os.environ["PEPPER_SECRET_ARN"] = create_hash_key()
        os.environ.update(create_api_resources())
        api = Api()
        agent = staff_claims("agent")
        first = api.call("POST", "/v1/tickets", FORM).body
        track = f"code={first['access_code']}"
        print("handler latency on moto (in-process, 100 runs):")
        latency("POST /v1/tickets", lambda: api.call("POST", "/v1/tickets", FORM))
        latency(
            "GET /v1/tickets/{number}?code=", lambda: api.call("GET", f"/v1/tickets/{first['number']}", query=track)
        )
        latency("GET /v1/staff/tickets (limit 50)", lambda: api.call("GET", "/v1/staff/tickets", claims=agent))
        print("DynamoDB requests per request, counted at moto:")
        for label, action in (
            ("POST /v1/tickets", lambda: api.call("POST", "/v1/tickets", FORM)),
            ("GET /v1/tickets/{number}?code=", lambda: api.call("GET", f"/v1/tickets/{first['number']}", query=track)),
            ("GET /v1/staff/tickets (limit 50)", lambda: api.call("GET", "/v1/staff/tickets", claims=agent)),
        ):
            with dynamodb_requests() as seen:
                action()
            print(f"  {label:<34} {dict(sorted(seen.items()))}")
        with dynamodb_requests() as seen:
            for _ in range(10):
                api.call("POST", "/v1/tickets", FORM)
        reads = sum(count for operation, count in seen.items() if operation not in WRITES) / 10
        figures = {"intake_reads_per_ticket": reads, **burst(api)}
    print(f"  a warm submission reads {reads:g} item(s): the configuration stamp (hotline/store/config_cache.py)")
    return figures


def burst(api: Any) -> dict[str, float]:
    from tests.support.forms import FORM

    barrier = threading.Barrier(BURST)

    def submit(_: int) -> tuple[int, str]:
        barrier.wait()
        reply = api.call("POST", "/v1/tickets", FORM)
        return reply.status, reply.body.get("number", "")

    with dynamodb_requests() as seen, ThreadPoolExecutor(max_workers=BURST) as pool:
        started = time.perf_counter()
        replies = list(pool.map(submit, range(BURST)))
        elapsed = time.perf_counter() - started
    serials = sorted(int(number[-6:]) for _, number in replies)
    consecutive = serials == list(range(serials[0], serials[0] + BURST))
    writes = sum(count for operation, count in seen.items() if operation in WRITES)
    print(
        f"{BURST} concurrent submissions: {elapsed:.1f} s wall, statuses {dict(Counter(s for s, _ in replies))},"
        f" numbers {'consecutive' if consecutive else 'NOT consecutive'}; per ticket"
        f" {seen['TransactWriteItems'] / BURST:g} ticket write (TransactWriteItems: no lost race is retried),"
        f" {seen['UpdateItem'] / BURST:g} serial allocation (an atomic ADD), {writes / BURST:g} write requests in all"
    )
    return {
        "intake_writes_per_ticket_100_concurrent": seen["TransactWriteItems"] / BURST,
        "intake_serial_allocations_per_ticket_100_concurrent": seen["UpdateItem"] / BURST,
        "intake_write_requests_per_ticket_100_concurrent": writes / BURST,
        "intake_100_concurrent_numbers_consecutive": int(consecutive),
    }


def main() -> None:
    from tests.bench import clock, common_path, knowledge, local_cloud, reports

    start_afresh()
    record(cold_imports())
    record(on_moto())
    clock.report()
    knowledge.run()
    reports.run()
    record(common_path.report())
    record(local_cloud.submissions())
    local_cloud.run()


if __name__ == "__main__":
    main()
