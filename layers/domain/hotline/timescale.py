"""System time, optionally sped up for the local cloud (HOTLINE_LOCAL_TIME_SCALE, which `TIME_SCALE=3600 make run`
sets: an hour of deadlines per second).

Domain time runs `factor` times faster than wall time from `origin`. In AWS the factor is 1 and the two
are the same; Step Functions waits always need wall time, so wake-ups are converted back.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WAKE_MARGIN = timedelta(seconds=1)
"""Wait states compare whole seconds; waking a second after the point makes sure it is due."""


@dataclass(frozen=True)
class ScaledClock:
    origin: datetime
    factor: float = 1.0

    def now(self) -> datetime:
        real = datetime.now(UTC)
        moment = self.origin + (real - self.origin) * self.factor if self.factor != 1 else real
        # Milliseconds, as every stored and shown timestamp has: differences then add up exactly.
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def wall_duration(self, span: timedelta) -> timedelta:
        """How long `span` of domain time takes on the wall clock."""
        return span / self.factor

    def wall_time(self, moment: datetime) -> datetime:
        """The wall-clock instant a Wait state must reach for domain time to have passed `moment`."""
        real = self.origin + (moment - self.origin) / self.factor if self.factor != 1 else moment
        whole = datetime.fromtimestamp(math.ceil(real.timestamp()), UTC)
        return whole + WAKE_MARGIN
