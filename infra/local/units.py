"""The demo organisation the local cloud seeds (and tests use); a deployment enters its own units as data."""

from hotline.domain.config.units import Unit

DEMO_UNITS = [
    Unit(id="headquarters", name="Headquarters", name_zh="总部"),
    Unit(id="leadership", name="Leadership", name_zh="分管领导", parent_id="headquarters"),
    Unit(id="hotline-office", name="Hotline office", name_zh="12345热线办公室", parent_id="leadership"),
    Unit(
        id="district-urban-management", name="District urban management", name_zh="区城管局", parent_id="hotline-office"
    ),
    Unit(
        id="district-market-regulation",
        name="District market regulation",
        name_zh="区市场监管局",
        parent_id="hotline-office",
    ),
]
