"""EventBridge Scheduler for the local cloud: moto stores schedules but never fires them, so this does.

A background thread reads the schedules moto holds (ListSchedules, then GetSchedule for each new or changed one) and
fires each at the local cloud's time (HOTLINE_LOCAL_TIME_SCALE and _ORIGIN, hotline/timescale.py): `rate(…)` from
when it is first seen, `cron(…)` in its ScheduleExpressionTimezone, and one-time `at(…)` (deleted once it has fired
when ActionAfterCompletion is DELETE). Firing invokes the target as Scheduler does — a Lambda function (moto's invoke,
which runs it in this process) or an SQS queue — with the target's Input, its context attributes
(`<aws.scheduler.scheduled-time>` …) filled in.

Where the local cloud must differ:
- Runs missed while the process was busy, or still running the previous one, fire once, not in a burst; and a
  schedule fires at most once every MIN_INTERVAL wall seconds, so `TIME_SCALE=3600` (a 5-minute rate every 83 ms)
  does not spin: at that scale a 5-minute sweep runs once per simulated hour.
- A failed invocation is retried at most LOCAL_RETRIES times (or the target's MaximumRetryAttempts, if fewer), at
  once, then sent to the target's dead-letter queue. In AWS, Scheduler retries a delivery it could not make for up to
  MaximumEventAgeInSeconds, and Lambda retries a function's own errors (asynchronous invocation); both end in that
  queue in Hotline's stack (infra/constructs/surveys.py). StartDate, EndDate and flexible windows are not honoured.
"""

import calendar
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4
from zoneinfo import ZoneInfo

import boto3
from hotline.domain.base.clock import to_iso_z

from infra.local.lambdas import invocation_client

log = logging.getLogger("hotline.local")

MIN_INTERVAL = 1.0
"""Wall seconds between two firings of one schedule, however fast local time runs."""
TICK = 0.25
"""Wall seconds between two looks at the schedules."""
LOCAL_RETRIES = 2
HORIZON_DAYS = 366 * 5
"""How far ahead a cron expression is searched for its next time (AWS's cron years end at 2199)."""


class Recurrence(Protocol):
    def first(self, seen: datetime) -> datetime | None:
        """When to fire first, for a schedule first seen at `seen` (it may be earlier: a missed one-time schedule)."""
        ...

    def after(self, moment: datetime) -> datetime | None:
        """The first time strictly after `moment`; None when there is none."""
        ...


@dataclass(frozen=True)
class Rate:
    period: timedelta
    anchor: datetime

    def first(self, seen: datetime) -> datetime:
        return self.after(seen)

    def after(self, moment: datetime) -> datetime:
        periods = max(0, (moment - self.anchor) // self.period) + 1
        return self.anchor + self.period * periods


@dataclass(frozen=True)
class At:
    moment: datetime

    def first(self, seen: datetime) -> datetime:
        return self.moment

    def after(self, moment: datetime) -> datetime | None:
        return self.moment if self.moment > moment else None


MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
"""Day-of-week as Scheduler numbers it: 1 is Sunday."""


def _values(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """A cron field's list of `*`, `a`, `a-b`, each optionally `/step`, as the set of values it names."""

    def number(token: str) -> int:
        value = (names or {}).get(token.upper()) if not token.isdigit() else int(token)
        if value is None or not low <= value <= high:
            raise ValueError(f"{token!r} is not in {low}-{high}")
        return value

    chosen: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {part!r}")
        if span == "*":
            start, end = low, high
        elif "-" in span:
            first, last = span.split("-", 1)
            start, end = number(first), number(last)
        else:
            start = number(span)
            end = high if step_text else start
        chosen.update(range(start, end + 1, step))
    return frozenset(chosen)


@dataclass(frozen=True)
class Cron:
    """`cron(minutes hours day-of-month month day-of-week year)`, one of the two day fields `?`; `L` (the month's
    last day) and `#` (the n-th weekday of the month, e.g. `MON#1`) are understood, `W` is not."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None
    last_day: bool
    months: frozenset[int]
    weekdays: frozenset[int] | None
    """Python's weekday numbers (Monday 0)."""
    nth_weekday: tuple[int, int] | None
    years: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, fields: str, zone: ZoneInfo) -> "Cron":
        parts = fields.split()
        if len(parts) != 6:
            raise ValueError("a cron expression has six fields: minutes hours day-of-month month day-of-week year")
        minutes, hours, days, months, weekdays, years = parts
        if (days == "?") == (weekdays == "?"):
            raise ValueError("exactly one of day-of-month and day-of-week must be '?'")
        if "W" in days.upper():
            raise ValueError("'W' (nearest weekday) is not supported by the local scheduler")
        nth: tuple[int, int] | None = None
        if "#" in weekdays:
            day, _, which = weekdays.partition("#")
            nth = ((min(_values(day, 1, 7, WEEKDAYS)) - 2) % 7, int(which))
        return cls(
            minutes=_values(minutes, 0, 59),
            hours=_values(hours, 0, 23),
            days=None if days in ("?", "L") else _values(days, 1, 31),
            last_day=days == "L",
            months=_values(months, 1, 12, MONTHS),
            weekdays=(
                None
                if weekdays == "?" or nth
                else frozenset((aws - 2) % 7 for aws in _values(weekdays, 1, 7, WEEKDAYS))
            ),
            nth_weekday=nth,
            years=_values(years, 1970, 2199),
            zone=zone,
        )

    def first(self, seen: datetime) -> datetime | None:
        return self.after(seen)

    def after(self, moment: datetime) -> datetime | None:
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(HORIZON_DAYS):
            if self._on(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
                        if candidate > local:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        return None

    def _on(self, day: date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.last_day:
            return day.day == calendar.monthrange(day.year, day.month)[1]
        if self.days is not None:
            return day.day in self.days
        if self.nth_weekday is not None:
            weekday, which = self.nth_weekday
            return day.weekday() == weekday and (day.day - 1) // 7 + 1 == which
        return self.weekdays is not None and day.weekday() in self.weekdays


RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
CRON = re.compile(r"^cron\((.+)\)$")
AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def parse(expression: str, zone: str | None, seen: datetime) -> Recurrence:
    """A schedule's expression; `zone` is its ScheduleExpressionTimezone (UTC when absent), `seen` anchors a rate."""
    tz = ZoneInfo(zone or "UTC")
    if rate := RATE.match(expression):
        amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if amount < 1:
            raise ValueError(f"{expression}: the rate must be at least 1")
        return Rate(timedelta(**{f"{unit}s": amount}), seen)
    if cron := CRON.match(expression):
        return Cron.parse(cron.group(1), tz)
    if at := AT.match(expression):
        return At(datetime.fromisoformat(at.group(1)).replace(tzinfo=tz).astimezone(UTC))
    raise ValueError(f"{expression!r} is not a rate(), cron() or at() expression")


# -- firing -----------------------------------------------------------------------------------------------------------


class Schedules(Protocol):
    def current(self) -> list[dict[str, Any]]:
        """Every schedule, as GetSchedule describes it."""
        ...

    def delete(self, schedule: dict[str, Any]) -> None: ...


class Targets(Protocol):
    def invoke(self, target: dict[str, Any], payload: str) -> None:
        """Deliver `payload` to the target; raises when it fails."""
        ...

    def dead_letter(self, target: dict[str, Any], payload: str, error: str, attempts: int) -> None: ...


@dataclass(frozen=True)
class Firing:
    schedule: dict[str, Any]
    scheduled_time: datetime
    """The occurrence it stands for (the latest one, when runs were missed)."""


@dataclass
class _Plan:
    modified: Any
    recurrence: Recurrence
    due: datetime | None
    running: bool = False


@dataclass
class Scheduler:
    schedules: Schedules
    targets: Targets
    now: Callable[[], datetime]
    """Local (scaled) time."""
    min_gap: timedelta
    """MIN_INTERVAL wall seconds in local time: the least time between two firings of one schedule."""
    _plans: dict[str, _Plan] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def due(self) -> list[Firing]:
        """The schedules to fire now, each once, planned forward past now (and past the minimum gap)."""
        now = self.now()
        current = {schedule["Arn"]: schedule for schedule in self.schedules.current()}
        firings: list[Firing] = []
        with self._lock:
            for arn in set(self._plans) - set(current):
                del self._plans[arn]
            for schedule in current.values():
                plan = self._plan(schedule, now)
                if plan is None or plan.running or plan.due is None or plan.due > now:
                    continue
                if schedule.get("State", "ENABLED") != "ENABLED":
                    plan.due = plan.recurrence.after(now)
                    continue
                firings.append(Firing(schedule, self._latest(plan.recurrence, plan.due, now)))
                plan.running = True
                plan.due = plan.recurrence.after(now + self.min_gap)
        return firings

    def fire(self, firing: Firing) -> None:
        """Invoke the target, retrying a failure, then dead-letter it; a spent one-time schedule is deleted."""
        schedule, target = firing.schedule, firing.schedule["Target"]
        retries = min(LOCAL_RETRIES, int(target.get("RetryPolicy", {}).get("MaximumRetryAttempts", LOCAL_RETRIES)))
        execution = uuid4().hex
        error = ""
        try:
            for attempt in range(1, retries + 2):
                payload = _payload(target.get("Input"), schedule, firing.scheduled_time, execution, attempt)
                try:
                    self.targets.invoke(target, payload)
                    break
                except Exception as failure:
                    error = f"{type(failure).__name__}: {failure}"
                    log.warning("schedule %s: attempt %d failed", schedule["Name"], attempt, exc_info=True)
            else:
                self.targets.dead_letter(target, payload, error, retries + 1)
            if isinstance(self._recurrence(schedule), At) and schedule.get("ActionAfterCompletion") == "DELETE":
                self.schedules.delete(schedule)
        finally:
            with self._lock:
                plan = self._plans.get(schedule["Arn"])
                if plan is not None:
                    plan.running = False

    def run(self, stop: threading.Event) -> None:
        """Until `stop`: look at the schedules every TICK and fire what is due, each firing in a thread of its own."""
        while not stop.is_set():
            try:
                for firing in self.due():
                    threading.Thread(
                        target=self.fire, args=(firing,), name=f"schedule-{firing.schedule['Name']}", daemon=True
                    ).start()
            except Exception:
                log.error("the local scheduler failed; trying again", exc_info=True)
            stop.wait(TICK)

    def _plan(self, schedule: dict[str, Any], now: datetime) -> _Plan | None:
        plan = self._plans.get(schedule["Arn"])
        modified = schedule.get("LastModificationDate")
        if plan is not None and plan.modified == modified:
            return plan
        try:
            recurrence = parse(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"), now)
        except ValueError as error:
            log.error("schedule %s is never fired locally: %s", schedule["Name"], error)
            return None
        running = plan.running if plan else False
        self._plans[schedule["Arn"]] = _Plan(modified, recurrence, recurrence.first(now), running)
        return self._plans[schedule["Arn"]]

    def _recurrence(self, schedule: dict[str, Any]) -> Recurrence | None:
        with self._lock:
            plan = self._plans.get(schedule["Arn"])
            return plan.recurrence if plan else None

    @staticmethod
    def _latest(recurrence: Recurrence, due: datetime, now: datetime) -> datetime:
        """The latest occurrence at or before `now`, from `due` on (a missed run stands for the last one missed)."""
        latest = due
        for _ in range(100_000):
            following = recurrence.after(latest)
            if following is None or following > now:
                break
            latest = following
        return latest


def _payload(text: str | None, schedule: dict[str, Any], scheduled: datetime, execution: str, attempt: int) -> str:
    """The target's Input (an empty object without one) with Scheduler's context attributes filled in."""
    attributes = {
        "<aws.scheduler.schedule-arn>": schedule["Arn"],
        "<aws.scheduler.scheduled-time>": to_iso_z(scheduled).replace(".000Z", "Z"),
        "<aws.scheduler.execution-id>": execution,
        "<aws.scheduler.attempt-number>": str(attempt),
    }
    payload = text or "{}"
    for name, value in attributes.items():
        payload = payload.replace(name, value)
    return payload


# -- moto ------------------------------------------------------------------------------------------------------------


class MotoSchedules:
    """The schedules moto stores: listed at every look, and read whole only when new or changed."""

    def __init__(self, region: str) -> None:
        self._client: Any = boto3.client("scheduler", region_name=region)
        self._known: dict[str, tuple[Any, dict[str, Any]]] = {}

    def current(self) -> list[dict[str, Any]]:
        listed = [s for page in self._client.get_paginator("list_schedules").paginate() for s in page["Schedules"]]
        known: dict[str, tuple[Any, dict[str, Any]]] = {}
        for summary in listed:
            modified = summary.get("LastModificationDate")
            cached = self._known.get(summary["Arn"])
            if cached is None or cached[0] != modified:
                described = self._client.get_schedule(Name=summary["Name"], GroupName=summary["GroupName"])
                cached = (modified, {k: v for k, v in described.items() if k != "ResponseMetadata"})
            known[summary["Arn"]] = cached
        self._known = known
        return [schedule for _, schedule in known.values()]

    def delete(self, schedule: dict[str, Any]) -> None:
        self._client.delete_schedule(Name=schedule["Name"], GroupName=schedule["GroupName"])


class FunctionError(Exception):
    """The function failed (Lambda's `FunctionError`)."""


class AwsTargets:
    """Lambda functions (invoked once, synchronously, so a failure is seen) and SQS queues, in moto."""

    def __init__(self, region: str) -> None:
        self._lambda = invocation_client(region)
        self._sqs: Any = boto3.client("sqs", region_name=region)

    def invoke(self, target: dict[str, Any], payload: str) -> None:
        arn = str(target["Arn"])
        service = arn.split(":")[2]
        if service == "lambda":
            reply = self._lambda.invoke(FunctionName=arn, Payload=payload.encode())
            if "FunctionError" in reply:
                raise FunctionError(reply["Payload"].read().decode(errors="replace")[:500])
        elif service == "sqs":
            self._sqs.send_message(QueueUrl=self._url(arn), MessageBody=payload)
        else:
            raise NotImplementedError(f"the local scheduler does not invoke {service} targets")

    def dead_letter(self, target: dict[str, Any], payload: str, error: str, attempts: int) -> None:
        """As Scheduler does: the payload, and why in the message's attributes."""
        queue = target.get("DeadLetterConfig", {}).get("Arn")
        if not queue:
            log.error("schedule target %s failed %d times and has no dead-letter queue", target["Arn"], attempts)
            return

        def text(value: str) -> dict[str, str]:
            return {"DataType": "String", "StringValue": value}

        self._sqs.send_message(
            QueueUrl=self._url(queue),
            MessageBody=payload,
            MessageAttributes={
                "ERROR_CODE": text("LocalInvocationFailed"),
                "ERROR_MESSAGE": text(error[:256] or "failed"),
                "EXHAUSTED_RETRY_CONDITION": text("MaximumRetryAttempts"),
                "RETRY_ATTEMPTS": {"DataType": "Number", "StringValue": str(attempts - 1)},
                "TARGET_ARN": text(str(target["Arn"])),
            },
        )

    def _url(self, arn: str) -> str:
        _, _, _, _, account, name = arn.split(":", 5)
        return str(self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


@dataclass
class Running:
    thread: threading.Thread
    stopping: threading.Event

    def stop(self, timeout: float = 3.0) -> None:
        self.stopping.set()
        self.thread.join(timeout)


def start(region: str, now: Callable[[], datetime], time_scale: float) -> Running:
    """The scheduler's thread, firing moto's schedules at local time `now` (running `time_scale` times wall time)."""
    scheduler = Scheduler(MotoSchedules(region), AwsTargets(region), now, timedelta(seconds=MIN_INTERVAL * time_scale))
    stopping = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stopping,), name="scheduler", daemon=True)
    thread.start()
    return Running(thread, stopping)
