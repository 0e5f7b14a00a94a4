"""The local cloud as a user starts it (`make run`): 100 citizen submissions over HTTP at once and one after another,
then its memory under load: 2,000 tickets submitted and handled by staff (dispatch, accept, reply), the process's
resident memory read before and after.

Half the tickets match a routing rule and are left to the clock (it dispatches them; their accept deadlines
then remind and escalate, `TIME_SCALE` times faster); the other half are dispatched by hand and accepted
right after submission, and half of those replied to. The figures also go to `.hotline/bench.json`. Run alone
with `python -m tests.bench.local_cloud [tickets]`.
"""

import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import local
from typing import Any

import requests

from tests.bench.figures import record
from tests.e2e.conftest import launched
from tests.support.forms import BUS, NOISE

TICKETS = 2_000
SUBMISSIONS = 100
CLIENTS = 4
TIME_SCALE = 60  # a minute of deadlines per second: reminders and escalations of the tickets left waiting
UNIT = "district-urban-management"
REPLY = {"result": "已处理", "cause_code": "construction.permit"}


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory (VmRSS) or its peak (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


class Client:
    def __init__(self, info: dict[str, Any]) -> None:
        self.url = info["api_url"]
        self._tokens = {role: login["token"] for role, login in info["staff"].items()}
        self._sessions = local()
        self.statuses: Counter[str] = Counter()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._sessions, "http"):
            self._sessions.http = requests.Session()
        session: requests.Session = self._sessions.http
        return session

    def submit(self, form: dict[str, Any]) -> str:
        reply = self.http.post(f"{self.url}/v1/tickets", json=form, timeout=60)
        self.statuses[f"submit {reply.status_code}"] += 1
        return str(reply.json()["number"]) if reply.status_code == 201 else ""

    def act(self, number: str, action: str, role: str, body: dict[str, Any]) -> int:
        reply = self.http.post(
            f"{self.url}/v1/staff/tickets/{number}/{action}",
            json=body,
            headers={"Authorization": f"Bearer {self._tokens[role]}"},
            timeout=60,
        )
        self.statuses[f"{action} {reply.status_code}"] += 1
        return reply.status_code


def _in_parallel(work: Callable[[int], Any], count: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(work, range(count)))


def submissions(count: int = SUBMISSIONS) -> dict[str, float]:
    """Seconds for `count` submissions one after another (one client), then `count` at once (a client each), on a
    cloud of their own in real time (no clock hurrying in the background)."""
    with tempfile.TemporaryDirectory() as state, launched(Path(state), time_scale=1) as cloud:
        url = cloud.info["api_url"]

        def submit(http: requests.Session) -> None:
            reply = http.post(f"{url}/v1/tickets", json=NOISE, timeout=300)
            assert reply.status_code == 201, reply.text

        with requests.Session() as http:
            submit(http)  # the API's first container is warm, as it is for the burst's first requests
            started = time.perf_counter()
            for _ in range(count):
                submit(http)
            sequential = time.perf_counter() - started
        ready = threading.Barrier(count)

        def at_once(_: int) -> None:
            with requests.Session() as http:
                ready.wait()
                submit(http)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(at_once, range(count)))
        concurrent = time.perf_counter() - started
    figures = {
        f"local_{count}_sequential_submissions_s": round(sequential, 1),
        f"local_{count}_concurrent_submissions_s": round(concurrent, 1),
    }
    print(
        f"local cloud, {count} submissions over HTTP: one after another {sequential:.1f} s, at once {concurrent:.1f} s"
    )
    return figures


def run(tickets: int = TICKETS) -> None:
    with tempfile.TemporaryDirectory() as state, launched(Path(state), time_scale=TIME_SCALE) as cloud:
        pid = cloud.process.pid
        client = Client(cloud.info)
        before = rss_mb(pid)

        def ticket(i: int) -> None:
            """Routed ones are left to the clock; the others are dispatched and accepted at once, half replied to."""
            number = client.submit(NOISE if i % 2 else BUS)
            if not number or i % 2:
                return
            client.act(number, "dispatch", "dispatcher", {"unit_id": UNIT})
            if client.act(number, "accept", "unit", {}) == 200 and i % 4 == 0:
                client.act(number, "reply", "unit", REPLY)

        started = time.perf_counter()
        _in_parallel(ticket, tickets)
        elapsed = time.perf_counter() - started
        figures = {
            "local_rss_mb_at_start": round(before),
            "local_cloud_rss_mb_after_2000_tickets": round(rss_mb(pid)),
            "local_rss_peak_mb_2000_tickets": round(rss_mb(pid, "VmHWM")),
            "local_tickets_per_second": round(tickets / elapsed, 1),
            "local_seconds_for_2000_tickets": round(elapsed),
            "local_sigterm_exit_seconds": round(cloud.stop(), 1),
        }
        if tickets != TICKETS:
            figures = {name.replace(str(TICKETS), str(tickets)): value for name, value in figures.items()}
    print(
        f"local cloud, {tickets} tickets over HTTP ({CLIENTS} clients, TIME_SCALE={TIME_SCALE}) with staff actions "
        f"{dict(sorted(client.statuses.items()))}:"
    )
    for name, value in figures.items():
        print(f"  {name:<42} {value:g}")
    record(figures)


if __name__ == "__main__":
    record(submissions())
    run(int(sys.argv[1]) if len(sys.argv) > 1 else TICKETS)
