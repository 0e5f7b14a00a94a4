"""`make run`: start the local cloud and keep it up until Ctrl-C.

PORT (default 3000), HOTLINE_STATE_DIR (default .hotline), TIME_SCALE (default 1: real time; 3600 makes
an hour of deadlines pass in a second, so reminders and escalations can be watched).
"""

import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from infra.local.cloud import start
from infra.web import NotBuilt

STOP_SECONDS = 3.0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stdout)
    port = int(os.environ.get("PORT", "3000"))
    state_dir = Path(os.environ.get("HOTLINE_STATE_DIR", ".hotline"))
    state_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    time_scale = float(os.environ.get("TIME_SCALE") or "1")
    try:
        cloud = start(port, state_dir, time_scale=time_scale)
    except NotBuilt as missing:
        print(missing, file=sys.stderr)
        return 1
    info = cloud.describe()
    # Written whole, then renamed: whoever waits for the file (the e2e tests) never reads it half-written.
    written = state_dir / "local.json.tmp"
    written.write_text(json.dumps(info, indent=2) + "\n")
    written.replace(state_dir / "local.json")
    elapsed = time.perf_counter() - started
    print(
        f"""
Hotline local cloud is up in {elapsed:.1f} s (state in memory; it is gone when you stop).

  Site         {info["site_url"]}  the citizen pages: submit, track, survey
  Console      {info["console_url"]}  staff sign in as a user below
  API          {info["api_url"]}
  API docs     {info["docs_url"]}  (Swagger UI; OpenAPI in docs/openapi.json)
  Partner key  {info["partner_api_key"]}     send as header  x-api-key
  Time scale   {info["time_scale"]:g}× (deadlines, reminders and escalations; TIME_SCALE=3600 make run: 1 h per second)
  Texts (SMS)  {info["outbox"]}  one JSON line per text sent: receipts, questions, survey links
  Staff        one user per role: {", ".join(info["staff"])}  (passwords and ID tokens in {state_dir / "local.json"})
               send as header  Authorization: Bearer <token>   (tokens last one hour; restart for new ones)

Try:
  curl -s {info["api_url"]}/v1/catalog
  curl -s -X POST {info["api_url"]}/v1/tickets -H 'Content-Type: application/json' \\
    -d '{{"type":"complaint","category":"urban.noise","subject":"夜间施工噪音","description":"工地晚上11点后仍在施工"}}'
  curl -s {info["api_url"]}/v1/staff/tickets \\
    -H "Authorization: Bearer $(jq -r .staff.agent.token {state_dir}/local.json)"

Ctrl-C to stop.
""",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    # Stop serving (bounded: a request or a poller's batch may be in flight), then leave without the interpreter's
    # teardown, which would collect every object of the in-memory cloud first: nothing is kept anyway.
    stopping = threading.Thread(target=cloud.stop, name="stopping", daemon=True)
    stopping.start()
    stopping.join(STOP_SECONDS)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    os._exit(main())
