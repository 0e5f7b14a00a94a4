"""Configuration kept as data: catalogue, units and partners round-trip through the table."""

from hotline.domain.partners.partner import Partner
from hotline.domain.tickets.catalog import DEFAULT_CATALOG, Category
from hotline.services import api_services

from tests.integration.conftest import Api
from tests.support.services import seed_units


def test_units_catalogue_and_partners_round_trip(api: Api) -> None:
    services = api_services()
    assert services.units.get("hotline-office") is None
    seed_units(services)
    office = services.units.get("district-urban-management")
    assert office is not None and office.parent_id == "hotline-office"

    assert services.catalog.get() == DEFAULT_CATALOG
    extended = DEFAULT_CATALOG.model_copy(deep=True)
    extended.categories.append(Category(code="pets", name="Pets", name_zh="宠物"))
    services.catalog.save(extended)
    assert services.catalog.get().allows("pets", "complaint")  # type: ignore[arg-type]

    services.partners.save(Partner(id="crm", name="CRM", api_key_id="k1"))
    assert services.partners.by_api_key_id("k1") is not None
    services.partners.save(Partner(id="crm", name="CRM", api_key_id="k1", active=False))
    assert services.partners.by_api_key_id("k1") is None
    assert services.partners.by_api_key_id("unknown") is None
