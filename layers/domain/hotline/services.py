"""Composition root: the domain services wired to DynamoDB and the system clock, built once per cold start."""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from hotline.domain.intake import Intake
from hotline.domain.queries import TicketQueries
from hotline.settings import Settings, settings
from hotline.store.config import DynamoCatalogRepository, DynamoPartnerRepository, DynamoUnitRepository
from hotline.store.models import bind
from hotline.store.tickets import DynamoTicketRepository


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    intake: Intake
    queries: TicketQueries
    catalog: DynamoCatalogRepository
    partners: DynamoPartnerRepository
    units: DynamoUnitRepository


def build(config: Settings) -> Services:
    models = bind(config.table_name, config.aws_region)
    tickets = DynamoTicketRepository(models)
    catalog = DynamoCatalogRepository(models)
    return Services(
        intake=Intake(tickets=tickets, catalog=catalog, clock=SystemClock(), zone=config.zone),
        queries=TicketQueries(tickets),
        catalog=catalog,
        partners=DynamoPartnerRepository(models),
        units=DynamoUnitRepository(models),
    )


@lru_cache(maxsize=1)
def services() -> Services:
    return build(settings())
