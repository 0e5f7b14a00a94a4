"""The hotline centre in memory (tests.unit.ticket_world) with the survey's services: answering and the sweep."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.surveying import SurveyLinks
from hotline.domain.handling import commands as c
from hotline.domain.surveys.answering import Surveys
from hotline.domain.surveys.outcomes import Answer
from hotline.domain.surveys.sweep import SurveySweep
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.customer_message import CustomerMessage
from hotline.domain.tickets.ticket import Actor

from tests.unit.fakes import TEST_PEPPER
from tests.unit.ticket_world import SITE, URBAN_HANDLER, World, draft, local

MOBILE = "13800138000"
REPLIED = local(2026, 11, 18, 10)  # Wednesday
EXPIRES = local(2026, 11, 20, 18)  # 2 working days after: the close of Friday
REPLY = c.Reply(result="已责令施工方夜间停工", cause_code="construction.permit")


@dataclass
class SurveyWorld(World):
    def __post_init__(self) -> None:
        super().__post_init__()

        def rules() -> HandlingConfig:
            return self.rules

        self.surveys = Surveys(
            self.store,
            rules,
            self.clock,
            runner=self.runner,
            pepper=TEST_PEPPER,
            attempts=self.code_attempts,
            queue=self.store,
        )
        self.sweep = SurveySweep(
            self.store, rules, self.clock, runner=self.runner, links=SurveyLinks(SITE, TEST_PEPPER)
        )

    def submit(self, channel: Channel = Channel.WEB, phone: str | None = MOBILE, **where: Any) -> str:
        """An urban.noise complaint from `channel` (with this phone), received and routed now."""
        contact = {"contact": {"name": "王先生", "phone": phone}} if phone else {}
        actor = Actor(role="partner", id=where["partner_id"]) if "partner_id" in where else Actor(role="citizen")
        registration = self.intake.register(draft(**contact), channel, actor, **where)
        number = registration.ticket.number
        self.codes[number] = registration.access_code
        self.wake(number)
        return number

    def reply(self, number: str) -> None:
        """The unit (accepts if need be and) replies now."""
        if self.ticket(number).status.value == "dispatched":
            self.act(number, URBAN_HANDLER, c.Accept())
        self.act(number, URBAN_HANDLER, REPLY)

    def texts(self, number: str) -> list[CustomerMessage]:
        """The texts the stored writes hand on for the customer of `number`, in order."""
        return [m for m in self.store.messages if m.number == number]

    def link_code(self, number: str) -> str:
        """The `code` of the survey link in the latest text to the customer."""
        text = self.texts(number)[-1].text
        link = text[text.index(SITE) :]
        return parse_qs(urlsplit(link).query)["code"][0]


def answer(grade: str, solved: bool = False, comment: str | None = None) -> Answer:
    return Answer.model_validate({"grade": grade, "solved": solved, "comment": comment})
