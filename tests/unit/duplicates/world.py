"""The hotline centre in memory (tests.unit.ticket_world) with the duplicates process: staff binding, similar
tickets, customer files, and the follow-up the table stream's consumer runs on each stored write."""

from dataclasses import dataclass, field
from typing import Any

from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.surveying import SurveyLinks
from hotline.domain.duplicates.callers import CustomerFiles
from hotline.domain.duplicates.follow_up import FollowUp
from hotline.domain.duplicates.linking import Linking
from hotline.domain.duplicates.rules import DuplicateRules
from hotline.domain.duplicates.similar import SimilarTickets
from hotline.domain.tickets.catalog import Channel
from hotline.domain.tickets.ticket import Actor

from tests.unit.fakes import TEST_PEPPER
from tests.unit.ticket_world import SITE, World, draft

MOBILE = "13800138000"


@dataclass
class DuplicatesWorld(World):
    duplicate_rules: DuplicateRules = field(default_factory=DuplicateRules)
    followed: int = 0
    """How many of the store's writes the follow-up has been handed so far (the stream's position)."""

    def __post_init__(self) -> None:
        super().__post_init__()

        def rules() -> HandlingConfig:
            return self.rules

        def duplicate_rules() -> DuplicateRules:
            return self.duplicate_rules

        self.linking = Linking(self.store, rules, self.clock, runner=self.runner)
        self.similar = SimilarTickets(self.store, duplicate_rules, self.clock)
        self.files = CustomerFiles(self.store, self.clock)
        self.follow_up = FollowUp(
            self.store,
            rules,
            self.clock,
            runner=self.runner,
            links=SurveyLinks(SITE, TEST_PEPPER),
            duplicate_rules=duplicate_rules,
        )

    def submit(self, channel: Channel = Channel.WEB, phone: str | None = MOBILE, **fields: Any) -> str:
        """A ticket from a citizen (texted and surveyed by SMS when it has a mobile number), received now; `fields` as
        tests.unit.ticket_world.draft takes them."""
        contact = {"contact": {"name": "王先生", "phone": phone}} if phone else {}
        registration = self.intake.register(draft(**fields, **contact), channel, Actor(role="citizen"))
        self.codes[registration.ticket.number] = registration.access_code
        return registration.ticket.number

    def stream(self) -> int:
        """Hand every stored write not yet followed to the follow-up, in order, including the writes it makes itself,
        as the table stream's consumer does; how many writes it was handed."""
        handed = 0
        while self.followed < len(self.store.stream):
            write = self.store.stream[self.followed]
            self.followed += 1
            self.follow_up.follow(write.ticket, write.events)
            handed += 1
        return handed

    def redeliver_all(self) -> None:
        """The stream hands every write again (a retried batch)."""
        for write in list(self.store.stream):
            self.follow_up.follow(write.ticket, write.events)
