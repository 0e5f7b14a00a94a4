"""The hotline centre in memory (tests.unit.duplicates.world, with the binding's follow-up) with major incidents:
detection as the `incidents` function runs it on each new ticket, and the supervisors' desk."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hotline.domain.config.handling import HandlingConfig
from hotline.domain.customers.surveying import SurveyLinks
from hotline.domain.incidents.desk import Detector, IncidentDesk
from hotline.domain.incidents.incident import Incident
from hotline.domain.staff.roles import Role
from hotline.domain.tickets.catalog import Priority

from tests.unit.duplicates.world import DuplicatesWorld
from tests.unit.fakes import TEST_PEPPER, FakeCatalogRepository, FakeIncidentStore
from tests.unit.ticket_world import SITE, staff

POWER = "housing.power"
SUPERVISOR = staff(Role.SUPERVISOR, username="qian.office")
# Around Jianguomen, Beijing: 0.0045° of latitude is about 500 m.
LAT, LONG = 39.9087, 116.4605


@dataclass
class IncidentsWorld(DuplicatesWorld):
    incidents: FakeIncidentStore = field(default_factory=FakeIncidentStore)

    def __post_init__(self) -> None:
        super().__post_init__()

        def rules() -> HandlingConfig:
            return self.rules

        shared: dict[str, Any] = {
            "store": self.incidents,
            "runner": self.runner,
            "catalog": FakeCatalogRepository(),
            "pause": lambda attempt: None,
        }
        self.detector = Detector(self.store, rules, self.clock, **shared)
        self.desk = IncidentDesk(self.store, rules, self.clock, links=SurveyLinks(SITE, TEST_PEPPER), **shared)

    def report(
        self,
        category: str = POWER,
        region: str | None = "chaoyang",
        north_m: float | None = None,
        priority: Priority = Priority.NORMAL,
        later: timedelta = timedelta(),
    ) -> str:
        """A citizen's ticket `later` than the clock's time (which moves there), in `region`, or `north_m` metres north
        of (LAT, LONG) when given."""
        self.at(self.clock.now() + later)
        place: dict[str, Any] = {"address": "建国路88号"}
        if region is not None:
            place["region"] = region
        if north_m is not None:
            place.update(lat=LAT + north_m / 111_320, long=LONG)
        return self.submit(category=category, location=place, priority=priority, subject="小区停电")

    def detect(self, *numbers: str) -> list[Incident | None]:
        """The detector's look at each ticket, as the `incidents` function runs it per `ticket.created`."""
        return [self.detector.ticket_created(number) for number in numbers]

    @property
    def declared(self) -> list[Incident]:
        return list(self.incidents.incidents.values())

    def only(self) -> Incident:
        (incident,) = self.declared
        return incident
