"""The functions' cached settings and services, reset and seeded as a deployment would have them."""

from hotline.services import (
    ApiServices,
    aggregates_services,
    api_services,
    clock_services,
    events_services,
    incidents_services,
    knowledge_services,
    reports_services,
    surveys_services,
    webhook_services,
)

from functions.api.idempotency import once
from infra.local.lambdas import containers
from infra.local.units import DEMO_UNITS


def reset_caches() -> None:
    """Settings and services built again from the environment on next use, as in a new Lambda instance."""
    for cache in (
        api_services,
        clock_services,
        events_services,
        incidents_services,
        webhook_services,
        surveys_services,
        aggregates_services,
        reports_services,
        knowledge_services,
        once,
    ):
        cache.cache_clear()
    containers.discard()


def seed_units(into: ApiServices | None = None) -> None:
    """The demo organisation's units (the local cloud seeds the same ones), into the functions' services by default."""
    units = (into or api_services()).units
    for unit in DEMO_UNITS:
        units.save(unit)
