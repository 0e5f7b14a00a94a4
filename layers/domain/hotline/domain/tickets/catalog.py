"""What a ticket can be: channels, types (seed 003), priorities, and the configurable category tree."""

from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, Field


class Channel(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    PHONE = "phone"
    PARTNER = "partner"
    LETTER = "letter"
    VISIT = "visit"
    EMAIL = "email"
    REGULATOR = "regulator"


class TicketType(StrEnum):
    SUGGESTION = "suggestion"
    REQUEST = "request"
    HELP = "help"
    COMPLAINT = "complaint"
    CONSULTATION = "consultation"
    PRAISE = "praise"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Label(BaseModel):
    code: str
    name: str
    name_zh: str


CATEGORY_CODE = r"^[a-z0-9_.-]{1,64}$"


class Category(BaseModel):
    code: str = Field(pattern=CATEGORY_CODE)
    name: str
    name_zh: str
    types: list[TicketType] = Field(
        default_factory=list, description="Ticket types this branch applies to; empty means all."
    )
    children: list["Category"] = Field(default_factory=list)


class Catalog(BaseModel):
    """The classification a form offers; stored as data, with DEFAULT_CATALOG when none is stored."""

    types: list[Label]
    priorities: list[Label]
    categories: list[Category]

    def walk(self) -> Iterator[tuple[Category, frozenset[TicketType] | None]]:
        """Every category with the types it may be used for (None: all). A child narrows, never widens."""

        def visit(
            node: Category, inherited: frozenset[TicketType] | None
        ) -> Iterator[tuple[Category, frozenset[TicketType] | None]]:
            own = frozenset(node.types) if node.types else None
            allowed = own if inherited is None else inherited if own is None else inherited & own
            yield node, allowed
            for child in node.children:
                yield from visit(child, allowed)

        for root in self.categories:
            yield from visit(root, None)

    def knows(self, category: str) -> bool:
        return any(node.code == category for node, _ in self.walk())

    def allows(self, category: str, ticket_type: TicketType) -> bool | None:
        """None when the category is unknown; otherwise whether it may be used for the type."""
        for node, allowed in self.walk():
            if node.code == category:
                return allowed is None or ticket_type in allowed
        return None


def _types(*codes: str) -> list[TicketType]:
    return [TicketType(code) for code in codes]


DEFAULT_CATALOG = Catalog(
    types=[
        Label(code="suggestion", name="Suggestion", name_zh="建议"),
        Label(code="request", name="Request", name_zh="一般诉求"),
        Label(code="help", name="Help", name_zh="求助"),
        Label(code="complaint", name="Complaint / report", name_zh="投诉举报"),
        Label(code="consultation", name="Consultation", name_zh="咨询"),
        Label(code="praise", name="Praise", name_zh="表扬"),
    ],
    priorities=[
        Label(code="urgent", name="Urgent", name_zh="特急"),
        Label(code="high", name="High", name_zh="紧急"),
        Label(code="normal", name="Normal", name_zh="一般"),
        Label(code="low", name="Low", name_zh="较低"),
    ],
    categories=[
        Category(
            code="urban",
            name="Urban management",
            name_zh="城市管理",
            children=[
                Category(code="urban.noise", name="Noise", name_zh="噪音扰民"),
                Category(code="urban.street_vending", name="Street vending", name_zh="占道经营"),
                Category(code="urban.sanitation", name="Sanitation", name_zh="环境卫生"),
            ],
        ),
        Category(
            code="transport",
            name="Transport",
            name_zh="交通出行",
            children=[
                Category(code="transport.bus", name="Bus service", name_zh="公交服务"),
                Category(code="transport.road", name="Roads", name_zh="道路设施"),
            ],
        ),
        Category(
            code="housing",
            name="Housing and utilities",
            name_zh="住房城建",
            children=[
                Category(code="housing.property", name="Property management", name_zh="物业管理"),
                Category(code="housing.water", name="Water supply", name_zh="供水"),
                Category(code="housing.power", name="Power supply", name_zh="供电"),
            ],
        ),
        Category(
            code="market",
            name="Market regulation",
            name_zh="市场监管",
            children=[
                Category(code="market.food_safety", name="Food safety", name_zh="食品安全"),
                Category(code="market.consumer", name="Consumer disputes", name_zh="消费纠纷"),
            ],
        ),
        Category(
            code="social",
            name="Social security",
            name_zh="社会保障",
            children=[
                Category(code="social.insurance", name="Social insurance", name_zh="社会保险"),
                Category(code="social.wages", name="Unpaid wages", name_zh="欠薪", types=_types("complaint", "help")),
            ],
        ),
        Category(
            code="service",
            name="Public service",
            name_zh="政务服务",
            children=[
                Category(code="service.staff_conduct", name="Staff conduct", name_zh="工作人员作风"),
                Category(
                    code="service.policy", name="Policy questions", name_zh="政策咨询", types=_types("consultation")
                ),
            ],
        ),
        Category(code="other", name="Other", name_zh="其他"),
    ],
)
