"""A fixed fortnight of five tickets, handled through the real intake, lifecycle, survey and sweep over the fakes, whose
figures the tests have computed by hand (local times, Asia/Shanghai; no holiday in November 2026):

  T1 web complaint, urban.noise      → urban management: accepted and replied on time (construction.permit),
                                       satisfied → closed resolved
  T2 web complaint, urban.noise      → urban management: accepted on time, replied late (construction.permit),
                                       dissatisfied → rework, replied again on time (construction.site),
                                       basically satisfied → closed resolved
  T3 web complaint, urban.sanitation → urban management: on time (management.maintenance), the survey expires →
                                       closed no_response
  T4 web complaint, market.consumer  → market regulation: accepted late, replied on time (market.quality),
                                       dissatisfied → rework, replied on time (market.quality), dissatisfied again →
                                       second rework (escalated to level 2)
  T5 phone consultation, transport.bus, answered on the call (直办) → closed direct_answer
"""

from dataclasses import dataclass, field
from datetime import date

from hotline.domain.handling import commands as c
from hotline.domain.reports.desk import Aggregator
from hotline.domain.tickets.catalog import Channel, TicketType
from hotline.domain.tickets.disposition import Disposition
from hotline.domain.tickets.ticket import Actor, Resolution

from tests.unit.fakes import FakeAggregates
from tests.unit.surveys.world import SurveyWorld, answer
from tests.unit.ticket_world import AGENT, MARKET_HANDLER, SHANGHAI, URBAN_HANDLER, draft, local

FIRST, LAST = date(2026, 11, 16), date(2026, 11, 29)


@dataclass
class Fortnight:
    world: SurveyWorld = field(default_factory=SurveyWorld)
    numbers: dict[str, str] = field(default_factory=dict)

    def submit(self, name: str, category: str, phone: str) -> None:
        contact = {"contact": {"name": "王先生", "phone": phone}}
        registration = self.world.intake.register(
            draft(category=category, subject="反映问题", **contact), Channel.WEB, Actor(role="citizen")
        )
        number = registration.ticket.number
        self.world.codes[number] = registration.access_code
        self.world.wake(number)  # routed at once
        self.numbers[name] = number

    def act(self, name: str, command: c.Command) -> None:
        handler = MARKET_HANDLER if name == "T4" else URBAN_HANDLER
        self.world.act(self.numbers[name], handler, command)

    def reply(self, name: str, cause: str) -> None:
        self.act(name, c.Reply(result="已处理", cause_code=cause))

    def answer(self, name: str, grade: str) -> None:
        number = self.numbers[name]
        self.world.surveys.answer(number, self.world.codes[number], answer(grade, solved=grade != "dissatisfied"))

    def play(self) -> "Fortnight":
        w = self.world
        w.at(local(2026, 11, 18, 10))  # Wednesday
        self.submit("T1", "urban.noise", "13800138001")
        self.submit("T2", "urban.noise", "13800138002")
        self.submit("T3", "urban.sanitation", "13800138003")
        self.submit("T4", "market.consumer", "13800138004")
        consultation = draft(category="transport.bus", ticket_type=TicketType.CONSULTATION, subject="末班车时间")
        direct = Disposition(resolution=Resolution.DIRECT_ANSWER, answer="末班车22:30从起点站发车。")
        self.numbers["T5"] = w.intake.register_for_customer(AGENT, consultation, Channel.PHONE, direct).ticket.number
        w.at(local(2026, 11, 18, 11))
        for name in ("T1", "T2", "T3"):
            self.act(name, c.Accept())  # accept due: Thu 19 10:00
        w.at(local(2026, 11, 19, 15))
        self.reply("T1", "construction.permit")
        self.reply("T3", "management.maintenance")  # its survey expires Mon 23 18:00
        w.at(local(2026, 11, 19, 16))
        self.act("T4", c.Accept())  # late
        w.at(local(2026, 11, 19, 17))
        self.reply("T4", "market.quality")
        w.at(local(2026, 11, 20, 9))
        self.answer("T1", "satisfied")
        self.answer("T4", "dissatisfied")  # rework 1
        w.at(local(2026, 11, 24, 10))  # Tuesday
        w.sweep.sweep(w.clock.now())  # T3 closes no_response
        self.reply("T2", "construction.permit")  # resolve due was Mon 23 18:00: late
        self.reply("T4", "market.quality")
        w.at(local(2026, 11, 25, 9))
        self.answer("T2", "dissatisfied")  # rework 1
        self.answer("T4", "dissatisfied")  # rework 2: escalated to the hotline office
        w.at(local(2026, 11, 26, 10))
        self.reply("T2", "construction.site")
        w.at(local(2026, 11, 27, 9))
        self.answer("T2", "basically_satisfied")
        return self

    def count(self, aggregates: FakeAggregates) -> int:
        """Hand every stored write to the aggregator, as the table stream does; returns how many events counted."""
        aggregator = Aggregator(aggregates, SHANGHAI)
        return sum(aggregator.take(write.ticket, write.events) for write in self.world.store.stream)
