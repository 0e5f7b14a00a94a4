"""Wrong access codes per ticket: TICKET#<number>/CODEFAILS counts them until its window ends.

The window's end is also the item's TTL, so DynamoDB removes it later; until then a window that has
ended counts as none (TTL deletes lag). The stream ignores the item (it passes only `sk = TICKET`).
"""

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from hotline.store.models import TableModels

SORT_KEY = "CODEFAILS"
CONDITION_FAILED = "ConditionalCheckFailedException"


class DynamoCodeAttempts:
    def __init__(self, models: TableModels) -> None:
        self._guard = models.guard

    def failures(self, number: str, at: datetime) -> int:
        try:
            item = self._guard.get(f"TICKET#{number}", SORT_KEY)
        except self._guard.DoesNotExist:
            return 0
        return int(item.failures or 0) if item.expires_at > at.timestamp() else 0

    def fail(self, number: str, at: datetime, window: timedelta) -> None:
        now = at.timestamp()
        key = (f"TICKET#{number}", SORT_KEY)
        item = self._guard(*key)
        for _ in range(2):  # a second pass only when another request opened the window in between
            try:  # count in the open window …
                item.update(actions=[self._guard.failures.add(1)], condition=self._guard.expires_at > now)
                return
            except UpdateError as error:
                if error.cause_response_code != CONDITION_FAILED:
                    raise
            try:  # … or open one
                self._guard(*key, failures=1, expires_at=int(now + window.total_seconds())).save(
                    condition=self._guard.pk.does_not_exist() | (self._guard.expires_at <= now)
                )
                return
            except PutError as error:
                if error.cause_response_code != CONDITION_FAILED:
                    raise
