"""A hotline centre in memory for the lifecycle and ticket-clock tests: intake, staff actions and the clock's wake-ups
over the fakes, with time standing still until a test moves it (local times are Asia/Shanghai)."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.surveying import SurveyLinks
from hotline.domain.handling import commands as c
from hotline.domain.handling.customer_info import CustomerInfo
from hotline.domain.handling.lifecycle import Lifecycle
from hotline.domain.handling.wake_up import ClockWakeUp, Wake
from hotline.domain.intake.intake import Intake
from hotline.domain.staff.roles import Role, StaffMember
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.notification import Notification
from hotline.domain.tickets.ticket import Actor, Ticket, TicketDraft, TicketEvent
from hotline.domain.uploads.uploads import Uploads

from tests.support.clock import FixedClock
from tests.unit.fakes import (
    TEST_PEPPER,
    FakeArticleShelf,
    FakeCatalogRepository,
    FakeCodeAttempts,
    FakeFileStore,
    FakeRunner,
    FakeTicketRepository,
    demo_rules,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = "https://12345.example.gov.cn"
CITIZEN = Actor(role="citizen")

URBAN = "district-urban-management"
MARKET = "district-market-regulation"
OFFICE = "hotline-office"
LEADERSHIP = "leadership"
HQ = "headquarters"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time (+08:00)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def staff(*roles: Role, unit_id: str | None = None, username: str = "wang.wu") -> StaffMember:
    return StaffMember(id=f"sub-{username}", username=username, roles=frozenset(roles), unit_id=unit_id)


DISPATCHER = staff(Role.DISPATCHER, username="zhao.dispatch")
AGENT = staff(Role.AGENT, username="li.agent")
SUPERVISOR = staff(Role.SUPERVISOR, username="qian.office")
URBAN_HANDLER = staff(Role.UNIT, unit_id=URBAN, username="sun.urban")
MARKET_HANDLER = staff(Role.UNIT, unit_id=MARKET, username="zhou.market")


def draft(
    category: str = "urban.noise",
    ticket_type: TicketType = TicketType.COMPLAINT,
    subject: str = "夜间施工扰民",
    **extra: Any,
) -> TicketDraft:
    return TicketDraft.model_validate(
        {"type": ticket_type, "category": category, "subject": subject, "description": "晚上十点以后还在施工", **extra}
    )


@dataclass
class World:
    rules: HandlingConfig = field(default_factory=demo_rules)
    store: FakeTicketRepository = field(default_factory=FakeTicketRepository)
    clock: FixedClock = field(default_factory=lambda: FixedClock(local(2026, 9, 30, 10)))
    runner: FakeRunner = field(default_factory=FakeRunner)
    shelf: FakeArticleShelf = field(default_factory=FakeArticleShelf)
    """The knowledge articles direct answers may cite (none until a test shelves some)."""
    files: FakeFileStore = field(default_factory=FakeFileStore)
    """The uploads bucket (empty until a test puts a file)."""

    def __post_init__(self) -> None:
        ids = count(1)

        def new_id(at: datetime | None = None) -> str:
            return f"id-{next(ids)}"

        def rules() -> HandlingConfig:
            return self.rules

        self.intake = Intake(
            tickets=self.store,
            catalog=FakeCatalogRepository(),
            clock=self.clock,
            zone=SHANGHAI,
            rules=rules,
            runner=self.runner,
            pepper=TEST_PEPPER,
            new_id=new_id,
            site=SITE,
            articles=self.shelf,
            uploads=Uploads(self.files, self.clock),
        )
        self.lifecycle = Lifecycle(
            self.store,
            rules,
            self.clock,
            runner=self.runner,
            links=SurveyLinks(SITE, TEST_PEPPER),
            articles=self.shelf,
            new_id=new_id,
        )
        self.wake_up = ClockWakeUp(self.store, rules, self.clock, new_id=new_id)
        self.code_attempts = FakeCodeAttempts()
        self.customer_info = CustomerInfo(
            self.store,
            rules,
            self.clock,
            runner=self.runner,
            pepper=TEST_PEPPER,
            attempts=self.code_attempts,
            new_id=new_id,
        )
        self.codes: dict[str, str] = {}
        """Each ticket's access code, as its customer was told."""

    def at(self, moment: datetime) -> None:
        self.clock.moment = moment

    def receive(self, ticket_draft: TicketDraft | None = None, wake: bool = False) -> str:
        """Register a ticket now; with `wake`, also run the clock's first wake-up (routing) at once."""
        registration = self.intake.register(ticket_draft or draft(), Channel.PHONE, CITIZEN)
        number = registration.ticket.number
        self.codes[number] = registration.access_code
        if wake:
            self.wake(number)
        return number

    def wake(self, number: str, generation: int | None = None) -> Wake:
        """The clock's wake-up now, for the ticket's current generation unless told otherwise."""
        if generation is None:
            generation = self.ticket(number).handling.clock.generation
        return self.wake_up.wake(number, generation)

    def runs(self, number: str) -> list[datetime | None]:
        """When each clock the runner was told to (re)start for the ticket first wakes, oldest first (None: stopped)."""
        return [wake_at for n, _, wake_at in self.runner.restarts if n == number]

    def next_wake(self, number: str) -> datetime | None:
        """When the ticket's clock wakes next, as the runner was last told (None: nothing runs).

        Fails when that run is not the ticket's current clock: its wake-ups would be ignored as stale."""
        runs = [(generation, wake_at) for n, generation, wake_at in self.runner.restarts if n == number]
        assert runs, f"no clock was started for {number}"
        generation, wake_at = runs[-1]
        assert generation == self.ticket(number).handling.clock.generation, "the running clock is stale"
        return wake_at

    def act(self, number: str, who: StaffMember, command: c.Command) -> Ticket:
        return self.lifecycle.act(number, who, command)

    @property
    def notified(self) -> list[Notification]:
        """Every notification the stored changes carry, in order: what the table stream's consumer sends."""
        return self.store.notifications

    def ticket(self, number: str) -> Ticket:
        return self.store.tickets[number].model_copy(deep=True)

    def timeline(self, number: str) -> list[TicketEvent]:
        return self.store.timeline(number)

    def events(self, number: str, *types: str) -> list[TicketEvent]:
        return [e for e in self.store.timeline(number) if not types or e.type in types]

    def event_types(self, number: str) -> list[str]:
        return [e.type for e in self.store.timeline(number)]

    def routed_noise(self) -> str:
        """An urban.noise complaint received now and routed to district urban management by the first wake-up."""
        return self.receive(wake=True)

    def in_progress(self) -> str:
        number = self.routed_noise()
        self.act(number, URBAN_HANDLER, c.Accept())
        return number

    def replied(self) -> str:
        number = self.in_progress()
        self.act(number, URBAN_HANDLER, c.Reply(result="已责令施工方停工", cause_code="construction.permit"))
        return number
