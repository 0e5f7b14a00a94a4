"""A clock for the domain's `Clock` port that stands still unless a test moves it."""

from datetime import datetime


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment
