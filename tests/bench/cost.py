"""What AWS bills, as arithmetic: list prices (us-east-1, arm64, on demand) and the rules that turn requests into
billed units. tests/bench/common_path.py measures what a ticket does on moto; this prices it.

DynamoDB sizes follow https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
and index writes https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html (provisioned throughput
considerations): a write costs 1 unit per KB (2 in a transaction) of the larger of the item before and after; each
global index whose entry the write adds, changes or removes costs 1 unit per KB of that entry (2 when its key moves:
a delete and a put), and nothing when the entry stays the same; reads cost 1 unit per 4 KB (half when eventually
consistent; a Query rounds the sum of what it read, a BatchGetItem each item).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

AttributeValue = dict[str, Any]
"""DynamoDB's wire form of a value: {"S": "…"}, {"N": "12"}, {"M": {…}}, {"L": […]} …"""
Item = dict[str, AttributeValue]

# US dollars, us-east-1 list prices (checked 2026), before free tiers.
API_REQUEST = 3.50 / 1e6  # API Gateway REST API, first 333 million a month
WAF_REQUEST = 0.60 / 1e6  # AWS WAF, per request the web ACL inspects
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_GB_SECOND = 0.0000133334  # arm64, first 7.5 billion GB-s a month
WRITE_UNIT = 0.625 / 1e6  # DynamoDB on-demand write request unit
READ_UNIT = 0.125 / 1e6  # DynamoDB on-demand read request unit
STORAGE_GB_MONTH = 0.25  # DynamoDB Standard table class
TRANSITION = 0.025 / 1000  # Step Functions Standard
EVENT = 1.00 / 1e6  # EventBridge custom event, per 64 KB chunk
SQS_REQUEST = 0.40 / 1e6  # standard queue, per 64 KB chunk
SNS_PUBLISH = 0.50 / 1e6  # per 64 KB chunk; deliveries to SQS and Lambda are free
SCHEDULE = 1.00 / 1e6  # EventBridge Scheduler invocation
S3_PUT = 0.005 / 1000
S3_GET = 0.0004 / 1000
LOG_GB = 0.50  # CloudWatch Logs ingestion (Lambda and Step Functions' vended logs alike)
SMS_PART = 0.00581
"""AWS End User Messaging SMS, base price per message part to a US number, before carrier fees. Prices differ by
country and carrier (mainland China among the dearer): set your own; SMS is priced outside the per-ticket goal."""

LAMBDA_VCPU_MB = 1769
"""Lambda gives a function one vCPU at 1,769 MB and a proportional share below it."""

KB = 1024


# -- DynamoDB item sizes ------------------------------------------------------------------------------------------


def _utf8(text: str) -> int:
    return len(text.encode())


def number_size(text: str) -> int:
    """1 byte per two significant digits (leading and trailing zeroes trimmed), plus 1."""
    significant = "".join(map(str, Decimal(text).as_tuple().digits)).strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: AttributeValue) -> int:
    """A value's size without its name; a list or map element costs 1 byte more, a list or map 3."""
    (kind, content), *_ = value.items()
    if kind == "S":
        return _utf8(content)
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return len(content) if isinstance(content, bytes) else len(content.encode())
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "SS":
        return sum(_utf8(element) for element in content)
    if kind == "NS":
        return sum(number_size(element) for element in content)
    if kind == "L":
        return 3 + sum(value_size(element) + 1 for element in content)
    if kind == "M":
        return 3 + sum(_utf8(name) + value_size(element) + 1 for name, element in content.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: Item | None) -> int:
    """The sum of each attribute's name and value (0 for no item)."""
    return sum(_utf8(name) + value_size(value) for name, value in (item or {}).items())


def write_units(size: int) -> int:
    """1 unit per KB started; writing or deleting even an empty item costs one."""
    return max(1, math.ceil(size / KB))


def read_units(size: int, *, consistent: bool) -> float:
    """1 unit per 4 KB started (at least one), half for an eventually consistent read."""
    units = max(1, math.ceil(size / (4 * KB)))
    return units if consistent else units / 2


# -- global secondary indexes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    """The index's own key attributes (partition, sort)."""
    projection: str
    """ALL, KEYS_ONLY or INCLUDE."""
    included: tuple[str, ...] = ()

    def entry(self, item: Item | None, table_keys: tuple[str, ...]) -> Item | None:
        """What the index holds for `item`: nothing when the item lacks a key attribute (a sparse index), else the
        table's and the index's keys and the projected attributes."""
        if item is None or any(key not in item for key in self.keys):
            return None
        if self.projection == "ALL":
            return dict(item)
        kept = {*table_keys, *self.keys, *(self.included if self.projection == "INCLUDE" else ())}
        return {name: value for name, value in item.items() if name in kept}

    def write_units(self, before: Item | None, after: Item | None, table_keys: tuple[str, ...]) -> int:
        old, new = self.entry(before, table_keys), self.entry(after, table_keys)
        if old == new:
            return 0  # not in the index, or no indexed or projected attribute changed
        if old is None or new is None:
            return write_units(item_size(old or new))  # put into, or deleted from, the index
        if any(old[key] != new[key] for key in self.keys):
            return write_units(item_size(old)) + write_units(item_size(new))  # the key moved: delete and put
        return write_units(item_size(new))  # projected attributes changed in place


def item_write_units(before: Item | None, after: Item | None, *, transactional: bool) -> int:
    """The table's units for one write: the larger of the item before and after, doubled in a transaction."""
    units = write_units(max(item_size(before), item_size(after)))
    return 2 * units if transactional else units


# -- everything else ----------------------------------------------------------------------------------------------


def lambda_gb_seconds(duration_ms: float, memory_mb: int) -> float:
    """Billed duration (rounded up to the millisecond) times configured memory."""
    return math.ceil(duration_ms) / 1000 * memory_mb / 1024


AWS_CALL_MS = {"dynamodb": 8, "stepfunctions": 40, "events": 25, "sns": 25, "sqs": 20, "secretsmanager": 30}
"""What a function waits for each request to these services, in the same region (typical, not measured here)."""
OTHER_CALL_MS = 40


def on_lambda_ms(cpu_ms: float, memory_mb: int, calls: Mapping[str, int]) -> float:
    """How long an invocation runs on Lambda: its own CPU time (measured on a full core) stretched to the share of a
    vCPU `memory_mb` buys, plus the wait for each AWS request it made."""
    waits = sum(AWS_CALL_MS.get(service, OTHER_CALL_MS) * count for service, count in calls.items())
    return cpu_ms * max(1.0, LAMBDA_VCPU_MB / memory_mb) + waits


GSM_7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_7_EXTENDED = frozenset("^{}\\[~]|€")
"""Characters GSM-7 sends as two (an escape and the character)."""


def sms_parts(text: str) -> int:
    """Message parts a text is billed as: 160 GSM-7 characters in one part (153 per part beyond), or, with any
    other character, 70 UCS-2 characters (67 per part beyond)."""
    if set(text) <= GSM_7 | GSM_7_EXTENDED:
        length, single, multi = len(text) + sum(ch in GSM_7_EXTENDED for ch in text), 160, 153
    else:
        length, single, multi = len(text), 70, 67
    return 1 if length <= single else math.ceil(length / multi)
