"""The local cloud: moto server + the deployed stack + in-process Lambdas + their pollers + the API Gateway stand-in."""

import json
import logging
import os
import socket
import threading
import time
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hotline.settings import LocalCloud as LocalSettings
from hotline.settings import load
from hotline.timescale import ScaledClock
from moto.server import ThreadedMotoServer

from infra import web
from infra.local import (
    api_gateway,
    atomic,
    cognito,
    events,
    lambdas,
    memory,
    moto_server,
    outbox,
    pollers,
    query,
    s3_forms,
    scheduler,
    stepfunctions,
)
from infra.local.deploy import REGION, Deployment, deploy, synthesize
from infra.local.gateway import Gateway, serve
from infra.local.pollers import Pollers
from infra.local.seed import DemoData, seed
from infra.local.site import SIGN_IN_PATH, Site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare_process(moto_port: int, time_scale: float) -> None:
    # moto compares Wait timestamps with naive local time, so the whole process runs in UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    os.environ.update(
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        MOTO_PORT=str(moto_port),  # must equal the server's port
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    os.environ.pop("AWS_PROFILE", None)
    # The in-process Lambdas' local-only settings (hotline.settings.LocalCloud): deadlines run `time_scale` times
    # faster from now, and partners' webhook endpoints are on this machine (http://127.0.0.1:<port>).
    os.environ.update(
        HOTLINE_LOCAL_TIME_SCALE=str(time_scale),
        HOTLINE_LOCAL_TIME_ORIGIN=datetime.now(UTC).isoformat(),
        HOTLINE_LOCAL_WEBHOOK_LOOPBACK="true",
    )
    warnings.filterwarnings("ignore", module="moto")
    warnings.filterwarnings("ignore", message=".*not supported by moto's CloudFormation.*")
    for noisy in ("werkzeug", "moto", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@dataclass
class LocalCloud:
    api_url: str
    moto_url: str
    deployment: Deployment
    demo: DemoData
    http: ThreadingHTTPServer
    moto: ThreadedMotoServer
    pollers: Pollers
    scheduler: scheduler.Running
    outbox: Path
    """Every SMS the functions sent (infra/local/outbox.py)."""

    def describe(self) -> dict[str, Any]:
        return {
            "time_scale": float(os.environ["HOTLINE_LOCAL_TIME_SCALE"]),
            "api_url": self.api_url,
            "site_url": f"{self.api_url}/",
            "console_url": f"{self.api_url}/{web.CONSOLE}/",
            "docs_url": f"{self.api_url}/v1/docs",
            "moto_url": self.moto_url,
            "partner_api_key": self.demo.partner_api_key,
            "staff": {
                role: {"username": s.username, "password": s.password, "token": s.token}
                for role, s in self.demo.staff.items()
            },
            "user_pool_id": self.deployment.outputs["UserPoolId"],
            "user_pool_client_id": self.deployment.outputs["UserPoolClientId"],
            "table_name": self.deployment.outputs["TableName"],
            "outbox": str(self.outbox),
        }

    def stop(self) -> None:
        self.http.shutdown()
        self.scheduler.stop()
        self.pollers.stop()
        self.moto.stop()


def start(port: int, state_dir: Path, host: str = "127.0.0.1", time_scale: float = 1.0) -> LocalCloud:
    dist = web.built()  # before minutes of start-up: the pages are part of what is served
    url = f"http://{host}:{port}"
    moto_port = free_port()
    _prepare_process(moto_port, time_scale)
    moto_server.install()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    moto_url = f"http://127.0.0.1:{moto_port}"
    request = urllib.request.Request(
        f"{moto_url}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    lambdas.install()
    api_gateway.install()
    memory.install()
    atomic.install()
    query.install()
    stepfunctions.install()
    events.install()
    cognito.install()
    s3_forms.install()  # browsers post uploads to moto's S3: policies checked, CORS by the bucket's rules
    local = load(LocalSettings)
    clock = ScaledClock(local.time_origin, local.time_scale)
    texts = state_dir / "outbox.jsonl"
    outbox.install(texts, clock.now)  # what would have been texted, for people to read
    deployment = deploy(synthesize(state_dir / "cdk.out", url), state_dir / "assets")
    running = pollers.start()  # before the seed's writes, which the stream pollers deliver too
    demo = seed(deployment)
    config: dict[str, object] = {
        "api_url": "",  # the API is on the site's origin
        "cognito": {
            "url": f"{url}{SIGN_IN_PATH}",
            "client_id": deployment.outputs["UserPoolClientId"],
            "region": REGION,
        },
    }
    # Browsers post uploads to moto's S3 and staff open their links there: moto's origin is the uploads bucket's.
    csp = web.content_security_policy(connect=[moto_url], images=[moto_url])
    http = serve(Gateway(deployment, moto_url), Site(dist, config, moto_url, csp), host, port)
    threading.Thread(target=http.serve_forever, name="gateway", daemon=True).start()
    schedules = scheduler.start(REGION, clock.now, local.time_scale)  # moto stores schedules; this fires them
    return LocalCloud(url, moto_url, deployment, demo, http, moto, running, schedules, texts)
